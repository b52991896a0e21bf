"""How each metric's numbers are shown: money, ratio, count or plain number, formatted by Babel.

The same kind drives the HTML cards, the plotly axes and the xlsx number formats.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_symbol

from ecomops.i18n import normalize

Kind = Literal["money", "ratio", "count", "multiple", "number"]

_MONEY = frozenset({"gmv", "aov", "refund_amount", "gross_margin", "ad_cost", "ad_sales", "ad_cpc",
                    "impact"})
_RATIO = frozenset({"conversion_rate", "return_rate", "gross_margin_rate", "ad_ctr", "ad_acos",
                    "late_delivery_rate"})
_COUNT = frozenset({"orders", "units", "buyers", "visitors", "ad_impressions", "ad_clicks", "ad_orders"})
_MULTIPLE = frozenset({"ad_roas"})
LOWER_IS_BETTER = frozenset({"refund_amount", "return_rate", "ad_cpc", "ad_acos", "ship_hours",
                             "delivery_days", "late_delivery_rate"})
"""Metrics whose rise is bad news (the cards colour their changes the other way round)."""
NEUTRAL = frozenset({"ad_cost", "ad_impressions"})
"""Metrics whose movement is neither good nor bad by itself (more ad spend can be right)."""


def kind(metric: str) -> Kind:
    if metric in _MONEY:
        return "money"
    if metric in _RATIO:
        return "ratio"
    if metric in _COUNT:
        return "count"
    if metric in _MULTIPLE:
        return "multiple"
    return "number"


def babel_locale(lang: str | None) -> str:
    return "zh_CN" if normalize(lang) == "zh_CN" else "en_US"


def value(metric: str, x: float | None, lang: str | None, currency: str) -> str:
    """``1234.5`` as ``¥1,234.50`` for gmv, ``0.034`` as ``3.4%`` for conversion_rate, ...; None as ``—``."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    loc = babel_locale(lang)
    k = kind(metric)
    if k == "money":
        fmt = "¤#,##0" if abs(x) >= 10000 else None
        return format_currency(x, currency, format=fmt, locale=loc, currency_digits=fmt is None)
    if k == "ratio":
        return format_percent(x, "#,##0.0%", locale=loc)
    if k == "count":
        return format_decimal(round(x), "#,##0", locale=loc)
    if k == "multiple":
        return format_decimal(x, "#,##0.00", locale=loc) + "×"
    return format_decimal(x, "#,##0.0", locale=loc)


def change(x: float | None, lang: str | None) -> str:
    """A relative change as a signed percent: ``+3.1%``, ``-4.2%``; None as ``—``."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return format_percent(x, "+#,##0.0%;-#,##0.0%", locale=babel_locale(lang))


def day(d: dt.date, lang: str | None) -> str:
    """The brief's date with its weekday: ``2026年11月24日 星期二`` / ``Tuesday, November 24, 2026``."""
    loc = babel_locale(lang)
    return format_date(d, "full", locale=loc)


def currency_symbol(currency: str, lang: str | None) -> str:
    return get_currency_symbol(currency, locale=babel_locale(lang))


def d3_format(metric: str) -> str:
    """The plotly (d3) tick/hover format of a metric's values."""
    return {"money": ",.0f", "ratio": ".1%", "count": ",.0f", "multiple": ".2f", "number": ",.1f"}[
        kind(metric)]


def excel_format(metric: str, currency: str, lang: str | None) -> str:
    """The Excel number format of a metric's values."""
    k = kind(metric)
    if k == "money":
        symbol = currency_symbol(currency, lang).replace('"', "")
        return f'"{symbol}"#,##0.00;-"{symbol}"#,##0.00'
    return {"ratio": "0.0%", "count": "#,##0", "multiple": '0.00"×"', "number": "#,##0.0"}[k]


CHANGE_EXCEL_FORMAT = "+0.0%;-0.0%;0.0%"
