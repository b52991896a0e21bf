"""``ecomops explain``: root-cause localization on any leaf table (CSV or Parquet)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecomops.cli.context import err_console, out_console
from ecomops.cli.output import Format, to_csv, to_json, to_table
from ecomops.errors import InputError


def _segment_text(segment: dict[str, str]) -> str:
    return " & ".join(f"{k}={v}" for k, v in segment.items())


def explain(
    file: Annotated[Path, typer.Argument(help="Leaf table: CSV (any common encoding) or Parquet.")],
    dims: Annotated[str, typer.Option("--dims", help="Dimension columns, comma-separated.")],
    value: Annotated[str, typer.Option("--value", help="Observed column (the numerator for ratios).")],
    expected: Annotated[str, typer.Option("--expected", help="Expected column.")],
    denominator: Annotated[
        str | None, typer.Option("--denominator", help="Observed denominator column (ratio KPI).")
    ] = None,
    expected_denominator: Annotated[
        str | None,
        typer.Option("--expected-denominator", help="Expected denominator column (ratio KPI)."),
    ] = None,
    max_elements: Annotated[int, typer.Option("--max", min=1, help="At most this many root causes.")] = 5,
    max_depth: Annotated[
        int, typer.Option("--max-depth", min=1, help="At most this many dimensions per root cause.")
    ] = 3,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Which segments explain the deviation of a KPI from its expected value (root causes).

    One row per combination of dimension values, an observed and an expected column. For a ratio
    KPI (KPI = Σvalue / Σdenominator) add --denominator and --expected-denominator.

    Example: ecomops explain leaves.csv --dims a,b,c,d --value real --expected predict --format json
    """
    from ecomops.localize.service import explain_file

    dim_list = [d.strip() for d in dims.split(",") if d.strip()]
    if not dim_list:
        raise InputError("--dims needs at least one column name.")
    result = explain_file(
        file, dim_list, value, expected, denominator, expected_denominator,
        max_elements=max_elements, max_depth=max_depth,
    )
    data = result.to_dict()
    if fmt is Format.json:
        typer.echo(to_json(data))
        return
    columns = ["segment", "score", "explains", "observed", "expected", "change", "leaves"]
    rows = [
        {**rc, "segment": _segment_text(rc["segment"]) or "(all)"} for rc in data["root_causes"]
    ]
    if fmt is Format.csv:
        typer.echo(to_csv(columns, rows), nl=False)
        return
    if not rows:
        err_console.print("Nothing explains the change: no segment moved beyond its noise.")
    else:
        out_console.print(to_table(columns, rows, title="Root causes"))
    dim_rows = [
        {
            "dimension": d["dimension"],
            "explanatory_power": d["explanatory_power"],
            "surprise": d["surprise"],
            "values": ", ".join(f"{v['value']} ({v['share']:.0%} of change)" for v in d["values"]),
        }
        for d in data["dimensions"]
    ]
    out_console.print(
        to_table(["dimension", "explanatory_power", "surprise", "values"], dim_rows, title="Dimensions")
    )


def register(app: typer.Typer) -> None:
    app.command()(explain)
