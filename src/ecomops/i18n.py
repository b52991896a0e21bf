"""Translations: gettext catalogs (Babel ``.po`` files) for ``zh_CN`` and ``en``, and the shared labels.

Catalogs live in ``ecomops/locale/<lang>/LC_MESSAGES/<domain>.po``; message ids are English. Domains:
``report`` (the brief's renderers and the shared vocabulary below) and ``web`` (the console). The
``.po`` files are compiled in memory on first use (Babel reads the ``.po``, writes ``.mo`` bytes to
a buffer, ``gettext.GNUTranslations`` loads them) and cached for the process, so there is no build
step and no compiled file to keep in sync; reading all catalogs takes a few milliseconds.

Usage::

    from ecomops.i18n import gettext_for, label, translations
    _ = gettext_for("zh")                      # all domains; "Actions" -> "行动清单"
    label("metric", "gmv", "zh")               # "成交额"; label("metric", "gmv", "en") -> "GMV"
    translations("en", "report").pgettext("severity", "High")
    evidence_label("sellable", "zh")           # "可售库存" (a finding's evidence keys)
    text_of(finding, "summary", "en")          # finding.texts["en"]["summary"], else finding.summary

Updating a catalog after adding messages (extraction settings are in pyproject ``[tool.babel]``)::

    .venv/bin/pybabel extract -F pyproject.toml -o /tmp/report.pot src/ecomops/i18n.py src/ecomops/report \\
        src/ecomops/inventory/slow_movers.py src/ecomops/inventory/elasticity.py
    .venv/bin/pybabel update -i /tmp/report.pot -d src/ecomops/locale -D report -l zh_CN --no-fuzzy-matching
"""

from __future__ import annotations

import gettext
import io
import logging
from collections.abc import Callable
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ecomops.errors import InputError

log = logging.getLogger(__name__)

SUPPORTED: tuple[str, ...] = ("zh_CN", "en")
DEFAULT_LANG = "zh_CN"
ALL_DOMAINS = "ecomops"
"""The pseudo-domain of ``translations``' default: every domain of the language, chained."""
DOMAINS: tuple[str, ...] = ("report", "web")

_ALIASES = {"zh": "zh_CN", "cn": "zh_CN", "chinese": "zh_CN", "中文": "zh_CN", "en": "en",
            "english": "en"}


def normalize(lang: str | None) -> str:
    """``zh``, ``zh-CN``, ``zh_cn``, ``zh-Hans`` -> ``zh_CN``; ``en``, ``en-US`` -> ``en``; None -> default.

    Raises InputError for a language ecomops has no catalog for.
    """
    if lang is None or not lang.strip():
        return DEFAULT_LANG
    key = lang.strip().replace("-", "_").lower()
    primary = key.split("_", 1)[0].split(".", 1)[0]
    found = _ALIASES.get(key) or _ALIASES.get(primary)
    if found is None:
        raise InputError(f"Language '{lang}' is not available; use zh or en.")
    return found


def negotiate(accept_language: str | None, default: str = DEFAULT_LANG) -> str:
    """The supported language a browser's ``Accept-Language`` header prefers most, else ``default``."""
    # Hand-written: the header's grammar is two lines of splitting, and no locked library parses it.
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > 0:
            ranked.append((-q, i, tag))
    for _q, _i, tag in sorted(ranked):
        try:
            return normalize(tag)
        except InputError:
            continue
    return normalize(default)


def _catalog_file(lang: str, domain: str) -> resources.abc.Traversable:
    return resources.files("ecomops") / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"


@cache
def _load(lang: str, domain: str) -> gettext.NullTranslations:
    po = _catalog_file(lang, domain)
    if not po.is_file():
        log.debug("no %s catalog for %s; messages stay in English", domain, lang)
        return gettext.NullTranslations()
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=lang, domain=domain)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


@cache
def translations(lang: str | None, domain: str = ALL_DOMAINS) -> gettext.NullTranslations:
    """The catalog of ``domain`` for ``lang`` (any spelling ``normalize`` accepts), cached.

    ``domain="ecomops"`` chains every domain (``report`` first, then ``web``). A message missing
    from the catalog comes back as its English msgid.
    """
    code = normalize(lang)
    if domain != ALL_DOMAINS:
        return _load(code, domain)
    return _Chain([_load(code, d) for d in DOMAINS])


class _Chain(gettext.NullTranslations):
    """Several catalogs searched in order; the first that translates a message wins."""

    def __init__(self, parts: list[gettext.NullTranslations]) -> None:
        super().__init__()
        self._parts = parts

    def _first(self, call: Callable[[gettext.NullTranslations], str], original: str) -> str:
        for p in self._parts:
            out = call(p)
            if out != original:
                return out
        return original

    def gettext(self, message: str) -> str:
        return self._first(lambda p: p.gettext(message), message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        original = msgid1 if n == 1 else msgid2
        return self._first(lambda p: p.ngettext(msgid1, msgid2, n), original)

    def pgettext(self, context: str, message: str) -> str:
        return self._first(lambda p: p.pgettext(context, message), message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        original = msgid1 if n == 1 else msgid2
        return self._first(lambda p: p.npgettext(context, msgid1, msgid2, n), original)


def gettext_for(lang: str | None, domain: str = ALL_DOMAINS) -> Callable[[str], str]:
    """The ``_`` function for ``lang``: English msgid in, translated text out."""
    return translations(lang, domain).gettext


# --- The shared vocabulary: metric, module, process step, severity, owner role... labels ------------


def N_(message: str) -> str:  # noqa: N802 - gettext's name for the marker
    """Marks a message for extraction; translated later, where the language is known."""
    return message


def _np(context: str, message: str) -> str:
    """Marks a label for extraction (keyword ``_np:1c,2``); translated later with ``pgettext``."""
    return message


_VOCAB: dict[str, dict[str, str]] = {
    "metric": {
        "gmv": _np("metric", "GMV"), "orders": _np("metric", "Orders"),
        "units": _np("metric", "Units sold"), "buyers": _np("metric", "Buyers"),
        "aov": _np("metric", "Average order value"), "visitors": _np("metric", "Visitors"),
        "conversion_rate": _np("metric", "Conversion rate"),
        "refund_amount": _np("metric", "Refund amount"), "return_rate": _np("metric", "Return rate"),
        "gross_margin": _np("metric", "Gross margin"),
        "gross_margin_rate": _np("metric", "Gross margin rate"),
        "ad_impressions": _np("metric", "Ad impressions"), "ad_clicks": _np("metric", "Ad clicks"),
        "ad_ctr": _np("metric", "Ad click-through rate"), "ad_cpc": _np("metric", "Ad cost per click"),
        "ad_cost": _np("metric", "Ad spend"), "ad_orders": _np("metric", "Ad orders"),
        "ad_sales": _np("metric", "Ad sales"), "ad_roas": _np("metric", "Ad ROAS"),
        "ad_acos": _np("metric", "Ad ACOS"), "ship_hours": _np("metric", "Hours to ship"),
        "delivery_days": _np("metric", "Delivery days"),
        "late_delivery_rate": _np("metric", "Late delivery rate"),
        "days_of_cover": _np("metric", "Days of cover"),
        "page_views": _np("metric", "Page views"), "add_to_cart": _np("metric", "Add-to-carts"),
        "returned_units": _np("metric", "Units returned"),
        "overdue_share": _np("metric", "Share of parcels in transit past their promise"),
        "price_index": _np("metric", "Price index against competitors"),
    },
    "evidence": {
        # Keys of a finding's evidence (BRIEF.md leaves them to each detector) that are no metric.
        "z": _np("evidence", "z-score"), "days": _np("evidence", "Days"),
        "impact_over_days": _np("evidence", "Impact over the days"),
        "related": _np("evidence", "Related segments"), "leading_reasons": _np("evidence", "Leading reasons"),
        "reason": _np("evidence", "Reason"), "cases": _np("evidence", "Cases"),
        "metric": _np("evidence", "Metric"), "segment": _np("evidence", "Segment"),
        "observed": _np("evidence", "Observed"), "expected": _np("evidence", "Expected"),
        "impact": _np("evidence", "Impact"), "basis": _np("evidence", "Basis"),
        "events": _np("evidence", "Events"), "num": _np("evidence", "Numerator"),
        "den": _np("evidence", "Denominator"),
        "sellable": _np("evidence", "Sellable stock"), "inbound": _np("evidence", "Inbound stock"),
        "on_hand": _np("evidence", "Stock on hand"), "stock_value": _np("evidence", "Stock value"),
        "daily_demand": _np("evidence", "Daily demand"), "price": _np("evidence", "Price"),
        "stockout_date": _np("evidence", "Stock-out date"),
        "out_of_stock_since": _np("evidence", "Out of stock since"),
        "overstock_days": _np("evidence", "Overstock above (days of supply)"),
        "relief_date": _np("evidence", "Date new stock arrives"),
        "expected_lost_gmv": _np("evidence", "Expected lost GMV"), "supplier": _np("evidence", "Supplier"),
        "warehouses": _np("evidence", "Warehouses"),
        "listed_stock": _np("evidence", "Stock listed on the channel"),
        "suggested_listed_stock": _np("evidence", "Suggested listed stock"),
        "at_risk_gmv": _np("evidence", "GMV at risk"), "shipped": _np("evidence", "Shipped"),
        "delivered": _np("evidence", "Delivered"), "transit": _np("evidence", "In transit"),
        "in_transit": _np("evidence", "In transit"),
        "overdue_in_transit": _np("evidence", "In transit past their promise"),
        "late": _np("evidence", "Late"), "impressions": _np("evidence", "Impressions"),
        "clicks": _np("evidence", "Clicks"), "cost": _np("evidence", "Cost"),
        "ctr": _np("evidence", "Click-through rate"), "cpc": _np("evidence", "Cost per click"),
        "sales": _np("evidence", "Sales"), "inventory": _np("evidence", "Inventory"),
    },
    "module": {
        "sales": _np("module", "Sales"), "traffic": _np("module", "Traffic"),
        "ads": _np("module", "Ads"), "inventory": _np("module", "Inventory"),
        "listing": _np("module", "Listings"), "after_sales": _np("module", "After-sales"),
        "logistics": _np("module", "Logistics"), "competitors": _np("module", "Competitors"),
        "crm": _np("module", "Customers"),
    },
    "process_step": {
        "traffic": _np("process_step", "Traffic"), "conversion": _np("process_step", "Conversion"),
        "pricing": _np("process_step", "Pricing"), "margin": _np("process_step", "Margin"),
        "ads": _np("process_step", "Ads"), "stock": _np("process_step", "Stock"),
        "fulfilment": _np("process_step", "Fulfilment"), "logistics": _np("process_step", "Logistics"),
        "after_sales": _np("process_step", "After-sales"), "content": _np("process_step", "Content"),
        "competition": _np("process_step", "Competition"),
    },
    "severity": {
        "high": _np("severity", "High"), "medium": _np("severity", "Medium"),
        "low": _np("severity", "Low"),
    },
    "direction": {"up": _np("direction", "Up"), "down": _np("direction", "Down")},
    "status": {
        "normal": _np("status", "Normal"), "high": _np("status", "Above expected"),
        "low": _np("status", "Below expected"), "unavailable": _np("status", "No data"),
    },
    "owner_role": {
        "operations": _np("owner_role", "Operations"), "ads": _np("owner_role", "Advertising"),
        "content": _np("owner_role", "Content"), "supply": _np("owner_role", "Supply chain"),
        "service": _np("owner_role", "Customer service"),
    },
    "change": {
        "dod": _np("change", "Day on day"), "wow": _np("change", "Week on week"),
        "mom": _np("change", "Month on month"), "yoy": _np("change", "Year on year"),
    },
    "dimension": {
        "sku": _np("dimension", "SKU"), "category": _np("dimension", "Category"),
        "channel": _np("dimension", "Channel"), "source": _np("dimension", "Traffic source"),
        "campaign": _np("dimension", "Campaign"), "ad_group": _np("dimension", "Ad group"),
        "keyword": _np("dimension", "Keyword"), "search_term": _np("dimension", "Search term"),
        "warehouse": _np("dimension", "Warehouse"), "carrier": _np("dimension", "Carrier"),
        "region": _np("dimension", "Region"), "competitor": _np("dimension", "Competitor"),
    },
    "channel": {
        "tmall": _np("channel", "Tmall"), "taobao": _np("channel", "Taobao"),
        "jd": _np("channel", "JD"), "douyin": _np("channel", "Douyin"),
        "pdd": _np("channel", "Pinduoduo"), "pinduoduo": _np("channel", "Pinduoduo"),
        "kuaishou": _np("channel", "Kuaishou"),
        "xiaohongshu": _np("channel", "Xiaohongshu"), "shopify": _np("channel", "Shopify"),
        "amazon": _np("channel", "Amazon"),
    },
    "source": {
        "search": _np("source", "Search"), "ads": _np("source", "Ads"),
        "recommendation": _np("source", "Recommendation"), "social": _np("source", "Social"),
        "direct": _np("source", "Direct"), "other": _np("source", "Other"),
    },
}
KINDS: tuple[str, ...] = tuple(_VOCAB)


def label(kind: str, name: str, lang: str | None) -> str:
    """The reader's label of a vocabulary name: ``label("metric", "conversion_rate", "zh") == "转化率"``.

    Names outside the vocabulary (a new metric, a channel the store invented) come back unchanged.
    """
    english = _VOCAB.get(kind, {}).get(name)
    if english is None:
        return name
    return translations(lang, "report").pgettext(kind, english)


def evidence_label(key: str, lang: str | None) -> str:
    """The label of an evidence key: ``sellable`` -> 可售库存, ``gmv`` -> 成交额, ``gmv_expected`` ->
    成交额（预期）; a key outside the vocabulary keeps its name, spaced."""
    for kind in ("evidence", "metric"):
        if key in _VOCAB[kind]:
            return label(kind, key, lang)
    base, _sep, suffix = key.rpartition("_")
    if suffix == "expected" and (base in _VOCAB["evidence"] or base in _VOCAB["metric"]):
        return translations(lang, "report").gettext("%(name)s (expected)") % {
            "name": evidence_label(base, lang)}
    return key.replace("_", " ")


def text_of(item: object, field: str, lang: str | None) -> str:
    """A finding's or action's sentence in the reader's language: ``item.texts[lang][field]``
    (BRIEF.md's bilingual extension), else the plain field (written in the store's language)."""
    texts = getattr(item, "texts", None)
    if isinstance(item, dict):
        texts = item.get("texts")
    chosen = (texts or {}).get(normalize(lang), {}) if isinstance(texts, dict) else {}
    found = chosen.get(field) if isinstance(chosen, dict) else None
    if isinstance(found, str) and found:
        return found
    plain = item.get(field) if isinstance(item, dict) else getattr(item, field, "")
    return str(plain or "")


def labels(kind: str, lang: str | None) -> dict[str, str]:
    """Every name of ``kind`` with its label, in vocabulary order (for menus and legends)."""
    return {name: label(kind, name, lang) for name in _VOCAB.get(kind, {})}


def segment_label(segment: dict[str, str], lang: str | None) -> str:
    """``{"channel": "tmall", "sku": "S1"}`` -> ``"渠道 天猫 · SKU S1"``; ``{}`` -> the whole store."""
    if not segment:
        return translations(lang, "report").gettext("Whole store")
    parts = []
    for dim, value in segment.items():
        shown = label(dim, value, lang) if dim in ("channel", "source") else value
        parts.append(f"{label('dimension', dim, lang)} {shown}")
    return " · ".join(parts)
