"""The morning brief (``ecomops brief``) and the detection quality check (``ecomops eval``)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ecomops.cli.context import err_console, state
from ecomops.cli.output import to_json
from ecomops.errors import EcomopsError, InputError


class BriefFormat(StrEnum):
    json = "json"
    html = "html"
    xlsx = "xlsx"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def yesterday(timezone: str, now: dt.datetime | None = None) -> dt.date:
    """Yesterday in the store's time zone (CLI.md: the default ``--date``)."""
    from zoneinfo import ZoneInfo

    current = now.astimezone(ZoneInfo(timezone)) if now else dt.datetime.now(ZoneInfo(timezone))
    return current.date() - dt.timedelta(days=1)


def _render_module() -> object:
    try:
        from ecomops.report import render
    except ImportError as exc:
        raise EcomopsError(
            "the HTML / Excel renderer is not available in this installation",
            hint="use --format json",
        ) from exc
    return render


def brief(
    ctx: typer.Context,
    date: Annotated[
        dt.datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="Day to review. Default: yesterday.",
                     show_default=False),
    ] = None,
    fmt: Annotated[BriefFormat, typer.Option("--format", "-f", help="Output format.")] = BriefFormat.json,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="Report language (html, xlsx).")] = None,
    charts: Annotated[bool, typer.Option("--charts", help="JSON: include the chart data.")] = False,
) -> None:
    """The morning brief of a day: KPIs, what is abnormal and where, and what to do first.

    JSON (shared/contract/BRIEF.md) goes to standard output unless --out is given; HTML and
    xlsx are written to --out (HTML to standard output without it).

    Example: ecomops --workspace ./shop brief --date 2026-11-24 --format html --out brief.html
    """
    from ecomops.report.service import brief_json, build_brief
    from ecomops.store.bounds import check_day, data_days

    ws = state(ctx).workspace(read_only=True)
    day = date.date() if date else yesterday(ws.settings.store.timezone)
    if date is not None:
        check_day(day, data_days(ws.analytics))
    if fmt is BriefFormat.xlsx and out is None:
        raise InputError("--format xlsx needs --out FILE")
    language = lang.value if lang else ws.settings.store.language
    with err_console.status(f"Building the brief of {day.isoformat()}..."):
        result = build_brief(ws, day)
    for note in result.notes:
        err_console.print(f"[yellow]note:[/] {note}")
    if fmt is BriefFormat.json:
        text = to_json(brief_json(result, charts=charts))
        _emit(text, out)
    elif fmt is BriefFormat.html:
        render = _render_module()
        _emit(render.html(result, language), out)  # type: ignore[attr-defined]
    else:
        assert out is not None
        render = _render_module()
        render.xlsx(result, out, language)  # type: ignore[attr-defined]
        err_console.print(f"Wrote {out}")


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from exc
    err_console.print(f"Wrote {out}")


def eval_(
    seeds: Annotated[str, typer.Option("--seeds", help="Demo seeds, comma-separated.")] = "11,12,13",
    scale: Annotated[float, typer.Option("--scale", help="Demo store scale (1 = full size).")] = 0.25,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    sources: Annotated[
        bool, typer.Option("--sources/--no-sources", help="Include other capabilities' findings (stock).")
    ] = True,
) -> None:
    """Run the brief's detection over generated demo stores and score it against their incidents.

    Prints recall, rank and high-severity false alarms per quiet day; exits 1 when a target is
    missed.

    Example: ecomops eval --seeds 11,12,13 --scale 0.25
    """
    try:
        from ecomops.detect import evaluate
    except ModuleNotFoundError as exc:
        if exc.name != "ecomops.detect.evaluate":
            raise
        raise EcomopsError("the detection evaluation is not available in this installation") from exc
    try:
        seed_list = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError as exc:
        raise InputError(f"--seeds must be whole numbers separated by commas, not {seeds!r}") from exc
    report = evaluate.run(seed_list, scale, sources=sources, progress=err_console.print)
    if as_json and hasattr(report, "to_dict"):
        typer.echo(to_json(report.to_dict()))
    else:
        typer.echo(report.table())
    if not report.passed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(brief)
    app.command("eval")(eval_)
