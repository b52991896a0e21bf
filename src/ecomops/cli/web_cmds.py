"""Console commands: ``serve``, ``user add``, ``user token``, ``user tokens``, ``user revoke-token``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from ecomops.cli.context import err_console, out_console, state
from ecomops.cli.output import Format, to_csv, to_json, to_table

if TYPE_CHECKING:
    from ecomops.web.accounts import Accounts
    from ecomops.workspace import Workspace

user_app = typer.Typer(help="Console users: add them, give them API tokens, list and revoke tokens.",
                       no_args_is_help=True)


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


def _accounts(ws: Workspace) -> Accounts:
    from ecomops.web.accounts import Accounts

    return Accounts(ws.app_sessions, ws.settings.store.language, ws.settings.web.token_days)


@user_app.command("token")
def user_token(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Login name.")],
    expires_days: Annotated[int | None, typer.Option(
        "--expires-days", help="Days the token works (default: [web] token_days, 90).")] = None,
) -> None:
    """Print a new API token for NAME on standard output (only its hash is kept; shown once).

    The token works until it expires (--expires-days, default [web] token_days) or is revoked;
    a new password or a deactivation revokes all of the user's tokens.

    Example: curl -H "Authorization: Bearer $(ecomops user token alice)" http://127.0.0.1:8000/api/brief
    """
    ws = state(ctx).workspace()
    try:
        token = _accounts(ws).new_token(name, by="cli", days=expires_days)
    finally:
        ws.close()
    typer.echo(token)


@user_app.command("tokens")
def user_tokens(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Login name (default: every user).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """List API tokens: id, user, when made, when they expire, when last used (UTC).

    The token itself is never shown again: revoke one by its id with `ecomops user revoke-token`.

    Example: ecomops --workspace ./shop user tokens alice --format json
    """
    ws = state(ctx).workspace()
    try:
        tokens = _accounts(ws).tokens(name)
    finally:
        ws.close()
    rows = [t.to_dict() for t in tokens]
    columns = ["id", "user", "created_at", "expires_at", "last_used_at"]
    if fmt is Format.json:
        typer.echo(to_json(rows))
    elif fmt is Format.csv:
        typer.echo(to_csv(columns, rows), nl=False)
    elif not rows:
        err_console.print("No API tokens.", highlight=False)
    else:
        out_console.print(to_table(columns, rows, title="API tokens (UTC)"))


@user_app.command("revoke-token")
def user_revoke_token(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Login name.")],
    token_id: Annotated[int | None, typer.Argument(
        help="Id of the token (`ecomops user tokens NAME` lists them).", min=1, max=2**63 - 1)] = None,
    every: Annotated[bool, typer.Option("--all", help="Revoke every token of NAME.")] = False,
) -> None:
    """Revoke one API token of NAME (by its id), or all of them with --all; it stops working at once
    for the API of this workspace (a running console notices within 30 seconds).

    Example: ecomops --workspace ./shop user revoke-token alice 3
    """
    from ecomops.errors import InputError

    if (token_id is None) == (not every):
        raise InputError("give a token id or --all (not both)", hint="`ecomops user tokens NAME` lists ids")
    ws = state(ctx).workspace()
    try:
        accounts = _accounts(ws)
        if token_id is None:
            count = accounts.revoke_tokens(name, by="cli")
            message = f"Revoked {count} API token(s) of {name}."
        else:
            accounts.get(name)  # an unknown user says so
            accounts.revoke_token(token_id, by="cli", owner=name)
            message = f"Revoked API token #{token_id} of {name}."
    finally:
        ws.close()
    err_console.print(message, highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(user_app, name="user")
