"""The two stores of a workspace.

- ``schema``    the DATA.md tables as typed column specs (the contract, in code).
- ``analytics`` the DuckDB analytics store: DDL, connections, the Ibis backend.
- ``appdb``     the app database (users, tasks, imports, audit) with SQLAlchemy 2 + Alembic.
- ``bounds``    the first and last day a store has data for (dates outside are refused).
- ``recall``    a short, self-clearing memory of app-database answers (sessions, task titles).

May import ``ecomops.errors`` and ``ecomops.settings`` only. Only this package knows the engine.
"""
