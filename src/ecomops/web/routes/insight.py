"""Today (the brief of a chosen date) and Findings (a finding's segment history, evidence, parent)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

from ecomops.errors import EcomopsError, NoDataError
from ecomops.i18n import N_, label, translations
from ecomops.web import charts
from ecomops.web.briefs import parse_date
from ecomops.web.deps import Viewer, console
from ecomops.web.evidence import present, sales_link

if TYPE_CHECKING:
    from ecomops.report.model import Brief

router = APIRouter(include_in_schema=False)
SPECIFICITY = ("sku", "search_term", "keyword", "ad_group", "campaign", "category", "carrier",
               "warehouse", "region", "source", "channel", "competitor")
"""Most specific dimension first: the parent of a segment drops the first one it has."""
TREND_METRICS = ("gmv", "orders", "visitors", "conversion_rate")
CSRF_SLOT = secrets.token_hex(16)
"""Stands for the reader's CSRF token in cached page parts (random: no data can spell it)."""


def brief_for(request: Request, date: str | None) -> Brief:
    c = console(request)
    day = c.briefs.day(date)
    return c.briefs.get(day)


async def brief_soon(request: Request, date: str | None) -> Brief:
    """``brief_for`` from a coroutine: the cached brief at once, else built on a worker thread (the
    event loop never waits for the store)."""
    from starlette.concurrency import run_in_threadpool

    hit = console(request).briefs.peek(parse_date(date))
    return hit if hit is not None else await run_in_threadpool(brief_for, request, date)


def parent_segment(segment: dict[str, str]) -> dict[str, str] | None:
    """The segment one level up (``{}`` is the whole store); None for the whole store itself."""
    if not segment:
        return None
    for dim in SPECIFICITY:
        if dim in segment:
            return {k: v for k, v in segment.items() if k != dim}
    return dict(list(segment.items())[:-1])


def segment_history(
    request: Request, metric: str, segment: dict[str, str], day: dt.date, days: int,
) -> tuple[list[str], list[float | None]] | None:
    """The metric on the segment for the ``days`` days up to ``day``; None when the metrics cannot
    cut it by the segment's dimensions."""
    from ecomops.tasks.service import metric_history

    start = day - dt.timedelta(days=days - 1)
    try:
        with console(request).gate.reader() as cur:
            values = metric_history(cur, metric, segment, start, day)
    except EcomopsError:
        return None
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    return [d.isoformat() for d in dates], [values.get(d) for d in dates]


def product_context(request: Request, sku: str, day: dt.date) -> dict[str, Any]:
    """The SKU's product row and its lowest-rated reviews of the 30 days up to ``day``."""
    start = day - dt.timedelta(days=29)
    with console(request).gate.reader() as cur:
        found = cur.execute(
            "SELECT title, category, price FROM products WHERE sku = ?", [sku]).fetchall()
        reviews = cur.execute(
            "SELECT CAST(created_at AS DATE), rating, text FROM reviews WHERE sku = ? "
            "AND CAST(created_at AS DATE) BETWEEN ? AND ? ORDER BY rating, created_at DESC LIMIT 5",
            [sku, start, day]).fetchall()
    product = found[0] if found else None
    return {
        "product": dict(zip(("title", "category", "price"), product, strict=True)) if product else None,
        "reviews": [{"day": r[0], "rating": r[1], "text": r[2] or ""} for r in reviews],
    }


def kpi_figures(brief: Brief, lang: str) -> list[tuple[str, Any]]:
    """The brief's charts as (key, plotly figure dict), trends of the main KPIs first."""
    out: list[tuple[str, Any]] = []
    trends = brief.charts.trends
    for metric in [m for m in TREND_METRICS if m in trends] + [m for m in trends if m not in TREND_METRICS]:
        out.append((f"trend-{metric}", charts.trend(trends[metric], lang, brief.currency)))
    for b in brief.charts.bars:
        out.append((f"bars-{b.metric}-{b.dimension}", charts.bars(b, lang, brief.currency)))
    for i, h in enumerate(brief.charts.heatmaps):
        out.append((f"heat-{i}", charts.heatmap(h, lang, brief.currency)))
    return out


@router.get("/today")
async def today(request: Request, pu: Viewer, date: str | None = None) -> Response:
    # A coroutine: with the brief cached, the page is a few milliseconds of rendering, cheaper
    # on the event loop than on a worker thread (see brief_soon).
    from ecomops.web.pages import fragment, render

    brief = await brief_soon(request, date)
    c = console(request)
    lang = pu.lang

    def parts() -> tuple[Any, Any]:
        # The brief's part of the page is the same for every user: rendered once per import. The
        # trends' figures (most of the bytes) come from /today/figures, cached by the browser.
        src = f"/today/figures?date={brief.date.isoformat()}&lang={lang}&v={c.gate.stamp}"
        figures = c.briefs.derived(("figures", brief.date, lang), lambda: kpi_figures(brief, lang))
        return (fragment("today_body.html", lang, brief=brief),
                fragment("today_trends.html", lang, brief=brief, src=src, figures=figures))

    body, trends = c.briefs.derived(("today", brief.date, lang), parts)
    # The actions differ by user only in the form's CSRF token: rendered once per (tasks made,
    # users, reader) with a slot for the token, which is filled in per request.
    made = frozenset(c.board.titles_from_brief(brief.date))
    users = tuple(u.name for u in c.accounts.users() if u.active)
    can_make = pu.user.role != "viewer"
    actions = c.briefs.derived(
        ("today-actions", brief.date, lang, made, users, pu.user.name, can_make),
        lambda: str(fragment("today_actions.html", lang, brief=brief, made=made, users=users,
                             me=pu.user.name, can_make=can_make, csrf=CSRF_SLOT)))
    actions = Markup(actions.replace(CSRF_SLOT, str(escape(pu.csrf))))
    return render(request, "today.html", pu, brief=brief, body=body, trends=trends, actions=actions,
                  figures=True)


@router.get("/today/figures")
async def today_figures(request: Request, pu: Viewer, date: str | None = None,
                        lang: str | None = None) -> Response:
    """The Today page's trend figures as one JSON object (key -> plotly figure). The page's URL
    names the data version, so the browser may keep the answer until the next import."""
    import json

    from ecomops.i18n import normalize

    brief = await brief_soon(request, date)
    c = console(request)
    chosen = normalize(lang) if lang else pu.lang
    body = c.briefs.derived(("figures-json", brief.date, chosen), lambda: json.dumps(
        dict(c.briefs.derived(("figures", brief.date, chosen), lambda: kpi_figures(brief, chosen))),
        ensure_ascii=False, allow_nan=False, default=str).encode("utf-8"))
    return Response(body, media_type="application/json",
                    headers={"Cache-Control": "private, max-age=86400"})


@router.get("/findings")
def findings(request: Request, pu: Viewer, date: str | None = None) -> Response:
    from ecomops.web.pages import render

    return render(request, "findings.html", pu, brief=brief_for(request, date))


@router.get("/findings/{finding_id}")
def finding(request: Request, pu: Viewer, finding_id: str, date: str | None = None) -> Response:
    from ecomops.web.pages import render

    brief = brief_for(request, date)
    found = next((f for f in brief.findings if f.id == finding_id), None)
    if found is None:
        raise NoDataError.localized(N_("the brief of %(day)s has no finding '%(finding)s'"),
                                   day=brief.date.isoformat(), finding=finding_id)
    _ = translations(pu.lang).gettext
    days = console(request).ws.settings.thresholds.history_days
    figures: list[tuple[str, dict[str, Any]]] = []
    evidence_series = brief.charts.evidence.get(finding_id)
    title = label("metric", found.metric, pu.lang)
    if evidence_series is not None:
        figures.append(("evidence", charts.trend(evidence_series, pu.lang, brief.currency,
                                                 since=found.since)))
    else:
        hist = segment_history(request, found.metric, found.segment, brief.date, days)
        if hist:
            figures.append(("history", charts.lines(hist[0], {_("This segment"): hist[1]}, title, pu.lang)))
    parent = parent_segment(found.segment)
    if parent is not None:
        hist = segment_history(request, found.metric, parent, brief.date, days)
        if hist:
            figures.append(("parent", charts.lines(hist[0], {_("Parent segment"): hist[1]}, title, pu.lang)))
    actions = [a for a in brief.actions if finding_id in a.finding_ids]
    sku = found.segment.get("sku")
    context = product_context(request, sku, brief.date) if sku else {"product": None, "reviews": []}
    end = brief.date.isoformat()
    parent_finding = next((f for f in brief.findings if parent is not None and f.segment == parent
                           and f.metric == found.metric), None)
    parent_link = (f"/findings/{parent_finding.id}?date={end}" if parent_finding is not None
                   else sales_link(found.metric, parent, end) if parent is not None else None)
    return render(request, "finding.html", pu, brief=brief, finding=found, parent=parent,
                  parent_link=parent_link, figures=figures, actions=actions,
                  evidence=present(found.evidence, found.metric, pu.lang, brief.currency, end, _),
                  **context)
