"""The ``ecomops`` command line (Typer + Rich): parse, call a service, render.

Commands live in one module per capability and register themselves on the app in ``main``.
No logic here: every command is a thin shell over a library call.
"""
