"""Workspace commands: ``init`` and ``sql``."""

from __future__ import annotations

from typing import Annotated

import typer

from ecomops.cli.context import err_console, out_console, state
from ecomops.cli.output import Format, to_csv, to_json, to_table


def init(ctx: typer.Context) -> None:
    """Create an empty workspace: settings, analytics store, app database.

    Example: ecomops --workspace ./shop init
    """
    from ecomops.workspace import Workspace

    st = state(ctx)
    ws = Workspace.init(st.workspace_dir)
    ws.close()
    err_console.print(
        f"Workspace ready in [bold]{st.workspace_dir}[/]: edit {ws.config_path.name}, "
        f"then `ecomops --workspace {st.workspace_dir} import FOLDER`."
    )


def sql(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="One read-only SQL statement.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    limit: Annotated[int | None, typer.Option(help="Return at most this many rows.")] = None,
) -> None:
    """Run one read-only SQL query on the analytics store (tables as in DATA.md).

    Example: ecomops sql "SELECT channel, count(*) FROM orders GROUP BY 1" --format json
    """
    from ecomops.store.query import run_read_only

    ws = state(ctx).workspace()
    path = ws.analytics_path
    ws.close()
    result = run_read_only(path, query, limit=limit)
    if fmt is Format.json:
        typer.echo(to_json(result.rows))
    elif fmt is Format.csv:
        typer.echo(to_csv(result.columns, result.rows), nl=False)
    else:
        out_console.print(to_table(result.columns, result.rows))


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(sql)
