"""Stand-up and end-of-day reports: pages, and Markdown to paste into the team chat."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response

from ecomops.i18n import translations
from ecomops.tasks.reports import TeamReport, end_of_day, standup
from ecomops.web.briefs import parse_date
from ecomops.web.deps import Viewer, console
from ecomops.web.routes.tasks import store_today

router = APIRouter(include_in_schema=False)
Fmt = Annotated[str | None, Query(alias="format", description="md: Markdown for the team chat")]


def _show(request: Request, pu: Viewer, report: TeamReport, fmt: str | None) -> Response:
    from ecomops.web.pages import render

    if fmt == "md":
        return PlainTextResponse(report.to_markdown(), media_type="text/markdown; charset=utf-8")
    return render(request, "report.html", pu, report=report)


@router.get("/reports/standup")
def standup_page(request: Request, pu: Viewer, date: str | None = None, fmt: Fmt = None) -> Response:
    c = console(request)
    day = c.briefs.day(date)
    brief = c.briefs.get(day).to_dict()
    report = standup(brief, c.board.list(), day, translations(pu.lang).gettext, pu.lang)
    return _show(request, pu, report, fmt)


@router.get("/reports/eod")
def eod_page(request: Request, pu: Viewer, date: str | None = None, fmt: Fmt = None) -> Response:
    c = console(request)
    day = parse_date(date) or store_today(c)
    report = end_of_day(c.board.list(), day, translations(pu.lang).gettext, pu.lang)
    return _show(request, pu, report, fmt)
