"""Rendering pages: the Jinja2 environment (autoescaped everywhere), translations, number formats."""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from ecomops.i18n import SUPPORTED, label, labels, segment_label, translations

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
    env.globals.update(label=label, labels=labels, segment_label=segment_label, LANGS=SUPPORTED,
                       LANG_NAMES=LANG_NAMES)
    env.filters.update(num=fmt_number, pct=fmt_change, metric=fmt_metric)
    return env


@cache
def _locale(lang: str) -> Locale:
    # A parsed Locale, not its name: Babel re-parses a name on every call (~1 ms each).
    return Locale.parse("zh_CN" if lang.startswith("zh") else "en")


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
