"""Workspace commands: ``init`` and ``sql``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import typer

from ecomops.cli.context import err_console, out_console, state
from ecomops.cli.output import Format, to_csv, to_json, to_table
from ecomops.store.query import MAX_ROWS, TIMEOUT


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
    max_rows: Annotated[int, typer.Option(
        "--max-rows", min=0,
        help="Stop after this many rows and say so on standard error (0: no cap).")] = MAX_ROWS,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0, help="Stop a query still running after this many seconds (0: no limit).",
    )] = TIMEOUT,
) -> None:
    """Run one read-only SQL query on the analytics store (tables as in DATA.md).

    Rows are streamed, at most --max-rows of them (a cut result is said on standard error and
    still exits 0); a query running longer than --timeout seconds stops with an error (exit 1).

    Example: ecomops sql "SELECT channel, count(*) FROM orders GROUP BY 1" --format json
    """
    from ecomops.store.query import stream_read_only

    ws = state(ctx).workspace()
    path = ws.analytics_path
    ws.close()
    caps = [n for n in (limit, max_rows) if n]
    cap = min(caps) if caps else None
    with stream_read_only(path, query, max_rows=cap, timeout=timeout or None,
                          wait=ws.store_wait) as stream:
        if fmt is Format.json:
            _json_lines(stream.batches())
        elif fmt is Format.csv:
            _csv_lines(stream.columns, stream.batches())
        else:
            rows = [r for batch in stream.batches() for r in batch]
            out_console.print(to_table(stream.columns, rows))
    if stream.truncated and cap == max_rows:
        err_console.print(
            f"note: the result was cut after the first {max_rows:,} rows; there are more "
            "(narrow the query, or raise --max-rows; 0 means no cap).", highlight=False, markup=False,
            soft_wrap=True,
        )


def _json_lines(batches: Iterator[list[dict[str, Any]]]) -> None:
    """The rows as one JSON array (the text ``to_json`` gives), written batch by batch."""
    wrote = False
    for batch in batches:
        inner = to_json(batch)[2:-2]  # "[\n" ... "\n]"
        typer.echo(("[\n" if not wrote else ",\n") + inner, nl=False)
        wrote = True
    typer.echo("\n]" if wrote else "[]")


def _csv_lines(columns: list[str], batches: Iterator[list[dict[str, Any]]]) -> None:
    header = to_csv(columns, [])
    typer.echo(header, nl=False)
    for batch in batches:
        typer.echo(to_csv(columns, batch)[len(header):], nl=False)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(sql)
