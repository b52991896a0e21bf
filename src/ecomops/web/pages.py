"""Rendering pages: the Jinja2 environment (autoescaped everywhere), translations, number formats."""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal, format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from ecomops.i18n import SUPPORTED, label, labels, segment_label, text_of, translations
from ecomops.web.a11y import chart_summary

if TYPE_CHECKING:
    from ecomops.web.deps import PageUser

TEMPLATES = Path(__file__).parent / "templates"
RATIO_METRICS = {"conversion_rate", "return_rate", "gross_margin_rate", "ad_ctr", "ad_acos",
                 "late_delivery_rate"}
MONEY_METRICS = {"gmv", "aov", "refund_amount", "gross_margin", "ad_cost", "ad_sales", "ad_cpc"}
LANG_NAMES = {"zh_CN": "中文", "en": "English"}


@cache
def environment() -> Environment:
    # autoescape=True for every template: text from data (titles, reviews) and users is escaped.
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.globals.update(label=label, labels=labels, segment_label=segment_label, text_of=text_of,
                       language_name=language_name, LANGS=SUPPORTED, LANG_NAMES=LANG_NAMES)
    env.filters.update(num=fmt_number, pct=fmt_change, metric=fmt_metric, localtime=localtime,
                       chart_summary=chart_summary)
    return env


@cache
def _locale(lang: str) -> Locale:
    # A parsed Locale, not its name: Babel re-parses a name on every call (~1 ms each).
    return Locale.parse("zh_CN" if lang.startswith("zh") else "en")


def language_name(code: str, lang: str) -> str:
    """A language's name in the reader's language: ``zh_CN`` -> 中文 / Chinese, ``en`` -> 英语 / English."""
    try:
        name = Locale.parse(code).get_language_name(_locale(lang))
    except (ValueError, TypeError):
        return code
    return name or code


def fmt_number(value: Any, lang: str = "en", digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=fmt, locale=_locale(lang))


def fmt_change(value: Any, lang: str = "en") -> str:
    """A relative change as a signed percentage (``+3.1%``); ``–`` without history."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_percent(value, format="+#,##0.0%;-#,##0.0%", locale=_locale(lang))


def fmt_metric(value: Any, metric: str, lang: str = "en", currency: str = "CNY") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if metric in RATIO_METRICS:
        return format_percent(value, format="#,##0.00%", locale=_locale(lang))
    if metric in MONEY_METRICS:
        return format_currency(value, currency, locale=_locale(lang),
                               format="¤#,##0" if abs(value) >= 100 else None)
    digits = 2 if isinstance(value, float) and abs(value) < 100 and value != int(value) else 0
    return fmt_number(value, lang, digits)


def fmt_time(value: dt.datetime | None, lang: str, timezone: str) -> str:
    """A moment in the store's time zone with the zone named: ``2026-12-03 10:05 中国（上海）时间`` /
    ``2026-12-03 10:05 China (Shanghai) Time``. Times without a zone are UTC (the app DB's)."""
    if value is None:
        return "–"
    moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return format_datetime(moment, "yyyy-MM-dd HH:mm VVVV", tzinfo=ZoneInfo(timezone), locale=_locale(lang))


@pass_context
def localtime(ctx: Context, value: dt.datetime | None) -> str:
    """Jinja filter ``{{ moment|localtime }}``: ``fmt_time`` in the page's language and store zone."""
    store = ctx.get("store")
    return fmt_time(value, str(ctx.get("lang") or "zh_CN"), getattr(store, "timezone", None) or "UTC")


def fragment(template: str, lang: str, **context: Any) -> Markup:
    """A part of a page that is the same for every user (cached by the caller)."""
    html = environment().get_template(template).render(lang=lang, _=translations(lang).gettext, **context)
    return Markup(html)


def render(
    request: Request, template: str, pu: PageUser | None, *, lang: str | None = None,
    status: int = 200, **context: Any,
) -> HTMLResponse:
    lang = lang or (pu.lang if pu else "zh_CN")
    trans = translations(lang)
    console = request.app.state.console
    html = environment().get_template(template).render(
        request=request, user=pu.user if pu else None, csrf=pu.csrf if pu else "", lang=lang,
        _=trans.gettext, store=console.ws.settings.store, path=request.url.path,
        now=dt.datetime.now(dt.UTC), data_days=console.briefs.known_data_days(), **context,
    )
    return HTMLResponse(html, status_code=status)
