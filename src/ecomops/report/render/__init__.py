"""The brief rendered for people: a self-contained HTML report and an Excel workbook.

``html(brief, lang)`` and ``xlsx(brief, path, lang)`` are what ``ecomops brief --format html|xlsx``
calls; ``charts`` builds the plotly figures that the report and the web console share.
"""

from __future__ import annotations

from pathlib import Path

from ecomops.report.model import Brief


def html(brief: Brief, lang: str | None = None) -> str:
    """The brief as one HTML file (plotly.js inlined, works offline); ``lang``: zh / en / zh_CN..."""
    from ecomops.report.render.page import render

    return render(brief, lang)


def xlsx(brief: Brief, path: Path | str, lang: str | None = None) -> None:
    """Write the brief to ``path`` as an xlsx workbook, one sheet per section plus the chart data."""
    from ecomops.report.render.workbook import render

    render(brief, path, lang)


__all__ = ["html", "xlsx"]
