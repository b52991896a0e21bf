"""Console commands: ``serve``, ``user add``, ``user token``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ecomops.cli.context import err_console, state

user_app = typer.Typer(help="Console users: add them, give them API tokens.", no_args_is_help=True)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the web console and the REST API (/api/..., docs at /docs).

    The server reads the analytics store and lets go of it when idle: `ecomops brief`, `sql`,
    `user add` and the other commands work while it runs, and `ecomops import` waits for the
    requests in flight (the console then shows the new data). Create a login first with
    `ecomops user add`.

    Example: ecomops --workspace ./shop serve --port 8000
    """
    from ecomops.web.service import serve as run

    ws = state(ctx).workspace(read_only=True)
    err_console.print(f"Console on http://{host}:{port}/ (Ctrl+C stops it)", highlight=False)
    try:
        run(ws, host, port)
    finally:
        ws.close()


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="admin, operator or viewer.")] = "operator",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a console user (viewers read, operators work on tasks and imports, admins manage users).

    Example: echo 's3cret-pass' | ecomops user add alice --role operator --password-stdin
    """
    from ecomops.errors import InputError
    from ecomops.web.accounts import Accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    else:
        raise InputError("give the password on standard input with --password-stdin")
    ws = state(ctx).workspace()
    try:
        user = Accounts(ws.app_sessions, ws.settings.store.language).add_user(name, role, password, by="cli")
    finally:
        ws.close()
    err_console.print(f"User {user.name} ({user.role}) created.", highlight=False, markup=False)


@user_app.command("token")
def user_token(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Print a new API token for NAME on standard output (only its hash is kept; shown once).

    Example: curl -H "Authorization: Bearer $(ecomops user token alice)" http://127.0.0.1:8000/api/brief
    """
    from ecomops.web.accounts import Accounts

    ws = state(ctx).workspace()
    try:
        token = Accounts(ws.app_sessions).new_token(name, by="cli")
    finally:
        ws.close()
    typer.echo(token)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(user_app, name="user")
