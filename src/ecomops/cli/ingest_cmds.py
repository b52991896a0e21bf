"""Import command: ``ecomops import FOLDER`` (files in the shape of DATA.md or a platform export)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecomops.cli.context import err_console, state
from ecomops.cli.output import Format, to_json

if TYPE_CHECKING:
    from ecomops.ingest.report import ImportReport


def import_(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Folder of import files, or one file.")],
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="json: the full report on standard output.")
    ] = Format.table,
    user: Annotated[str | None, typer.Option(help="Who imports (recorded with the run).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    profile: Annotated[
        str | None,
        typer.Option(help="Read every file with this profile (template, shopify_orders, shopify_products, "
                          "amazon_ads, olist, online_retail, cdnow, taobao) instead of recognising "
                          "each file by its name and headers."),
    ] = None,
) -> None:
    """Import every recognised file of FOLDER (CSV/TSV/TXT, Excel, Parquet) into the workspace.

    Files are recognised by name (orders.csv, 订单.xlsx ...) or by their headers; rows that break
    a rule go to a rejects file in the workspace (row 1 = first row under the header). Exits 0
    when anything was imported, non-zero when nothing could be.

    Example: ecomops --workspace ./shop import ./exports
    """
    from ecomops.errors import IngestError
    from ecomops.ingest.service import import_folder

    ws = state(ctx).workspace()
    lang = ws.settings.store.language
    try:
        report = import_folder(
            ws, folder, progress=not quiet and fmt is not Format.json, user=user, profile=profile
        )
    finally:
        ws.close()
    if fmt is Format.json:
        typer.echo(to_json(report.to_dict()))
    else:
        _print_summary(report, lang)
    if not report.ok:
        subfolders = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        hint = (f"; subfolders are not read: import each of {', '.join(subfolders[:5])}"
                f"{' …' if len(subfolders) > 5 else ''} on its own" if subfolders else "")
        raise IngestError(
            f"nothing could be imported from {folder}"
            + (f": {report.warnings[0].text(lang)}" if report.warnings
               else f": {report.files[0].messages[0]}" if len(report.files) == 1 and report.files[0].messages
               else "")
            + hint
        )


def _print_summary(report: ImportReport, lang: str) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Import #{report.import_id}: {report.source}", box=box.SIMPLE_HEAD,
                  pad_edge=False, title_justify="left")
    # The profile column only when a platform profile read a file (the template is the default).
    profiled = any(f.profile not in (None, "template") for f in report.files)
    table.add_column("file", overflow="fold", min_width=10)
    if profiled:
        table.add_column("profile", overflow="fold", min_width=8)
    table.add_column("table", overflow="fold", min_width=8)
    for name in ("read", "inserted", "replaced", "unchanged", "rejected", "seconds"):
        table.add_column(name, justify="right", no_wrap=True)
    for f in report.files:
        # File names are the user's text, never Rich markup.
        lead: list[str | Text] = [Text(f.file), *([f.profile or ""] if profiled else [])]
        if not f.tables:
            table.add_row(*lead, f"[yellow]{f.status}[/]", *[""] * 6)
        for t in f.tables:
            table.add_row(
                *lead, t.table, str(t.read), str(t.inserted), str(t.replaced),
                str(t.unchanged), str(t.rejected), f"{t.seconds:.2f}",
            )
    # At least 100 columns wide: on a narrower terminal the lines wrap, but no count is cut off
    # (Rich clamps ``print(width=...)`` to the console's width, hence a console of that width).
    wide = Console(stderr=True, width=max(err_console.width, 100),
                   force_terminal=err_console.is_terminal or None)
    wide.print(table, crop=False)
    for f in report.files:
        for message in f.messages:
            text = message if message.startswith(f.file) else f"{f.file}: {message}"
            err_console.print(f"  {text}", markup=False, highlight=False)
    for warning in report.warnings:
        # In the store's language (both are in the import history for the console).
        err_console.print(f"  ! {warning.text(lang)}", style="yellow", markup=False, highlight=False)
    if report.rejects_path:
        err_console.print(
            f"{report.total_rejected} row(s) rejected; details in {report.rejects_path}",
            markup=False, highlight=False,
        )


def register(app: typer.Typer) -> None:
    app.command(name="import")(import_)
