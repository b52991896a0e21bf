"""Finding text of the other language on a rendered page, a plotly figure or a workbook.

``leaks(text, lang, data)`` strips what is data (the store's own names and texts, ids, numbers,
dates, money) and returns what is left of the other language: CJK characters on an English
page, English words on a Chinese one (outside a small allow-list of terms Chinese shops use as
they are). Channel and traffic-source codes (``jd``, ``douyin``, ``ads``) are not data here:
they have display names, so a raw code on a page is a leak ("渠道 jd").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from typing import Any

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
WORD = re.compile(r"[A-Za-z][A-Za-z'_]*")
ALLOWED_IN_CHINESE = frozenset({
    "GMV", "SKU", "SKUs", "ROAS", "ACOS", "CTR", "CPC", "API", "CSV", "Excel", "Parquet", "Markdown",
    "md", "MB", "ecomops", "JSON", "ID", "CN", "US", "ABC", "XYZ",
})
"""Terms a Chinese e-commerce team reads as they are (file formats, ABC/XYZ classes), units and
the product's name. Single letters (a class "A", a size "M") are never counted."""
ALLOWED_IN_ENGLISH = frozenset({"¥", "：", "，", "（", "）"})
STORE_TEXT = {
    # (table, column): names and texts of the store's own (titles, brands, warehouses, reviews...).
    "products": ("title", "category", "brand", "supplier", "description", "selling_points", "attributes"),
    "inventory": ("warehouse",),
    "orders": ("region", "city", "carrier", "warehouse"),
    "ads": ("campaign", "ad_group", "keyword", "search_term"),
    "competitor_prices": ("competitor", "product", "promo"),
    "reviews": ("text", "reply"),
    "messages": ("text",),
    "returns": ("reason",),
    "promotions": ("name",),
}
IDS = re.compile(
    r"\b(?:SKU|SPU|PR|RF|RV|MSG|SP)-?\d+\b|\bf-\d{4}-\d{2}-\d{2}-\d+\b"  # ids of the store's rows
    r"|\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"  # dates and times
    r"|[-+]?(?:CN|US)?[¥$€£]?\s?\d[\d,.]*\s?[%×]?"  # numbers, money, percentages
)
SKIP_TAGS = frozenset({"script", "style", "code", "pre"})
"""Machine text: figures' JSON (checked on their own), code samples, JSON of machine checks."""
SHOWN_ATTRS = ("title", "placeholder", "aria-label", "alt", "data-too-large", "data-importing")


class _Visible(HTMLParser):
    """The text a reader sees: text nodes outside ``SKIP_TAGS`` and the attributes a browser shows.
    The language switch (``data-lang`` buttons) names each language in itself and is left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in SHOWN_ATTRS:
            if found.get(name):
                self.parts.append(str(found[name]))
        if tag in SKIP_TAGS or "data-lang" in found:
            self._skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def figure_texts(figure: dict[str, Any]) -> Iterator[str]:
    """The words a plotly figure shows: its title, trace names, axis titles and category labels."""
    layout = figure.get("layout", {})
    title = layout.get("title")
    yield title.get("text", "") if isinstance(title, dict) else str(title or "")
    for trace in figure.get("data", []):
        if trace.get("showlegend") is not False:
            yield str(trace.get("name", ""))
        for axis in ("x", "y"):
            values = trace.get(axis) or []
            if values and all(isinstance(v, str) for v in values):
                yield from values
        yield str(trace.get("hovertemplate", "")).replace("<extra></extra>", "")
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            t = axis.get("title")
            yield t.get("text", "") if isinstance(t, dict) else str(t or "")


def date_axis_problems(figure: dict[str, Any], lang: str) -> list[str]:
    """Date axes whose ticks or hover plotly would write with English month or day names: plotly.js
    has no Chinese locale here, so a Chinese chart must format its dates itself."""
    if lang == "en":
        return []
    problems = []
    for key, axis in figure.get("layout", {}).items():
        if not (key.startswith("xaxis") and isinstance(axis, dict)):
            continue
        dated = axis.get("type") == "date" or any(
            isinstance(t.get("x"), list) and t["x"] and isinstance(t["x"][0], str)
            and re.fullmatch(r"\d{4}-\d{2}-\d{2}", t["x"][0]) for t in figure.get("data", []))
        if not dated:
            continue
        for part in ("tickformat", "hoverformat"):
            fmt = axis.get(part)
            if not fmt or re.search(r"%[bBaAc]", fmt):
                problems.append(f"{key}.{part}={fmt!r}")
    return problems


def strip_data(text: str, data: Iterable[str]) -> str:
    for value in data:
        text = text.replace(value, " ")
    return IDS.sub(" ", text)


def leaks(text: str, lang: str, data: Iterable[str], allowed: Iterable[str] = ()) -> list[str]:
    """The other language's words in ``text`` once ``data`` (longest first) is taken out."""
    rest = strip_data(text, data)
    if lang == "en":
        return [m for m in CJK.findall(rest) if m not in ALLOWED_IN_ENGLISH]
    ok = ALLOWED_IN_CHINESE | set(allowed)
    return [w for w in WORD.findall(rest) if w not in ok and len(w) > 1]


def store_values(cur: Any, extra: Iterable[str] = ()) -> list[str]:
    """The store's own names and texts (longest first, so a title goes before its brand)."""
    found: set[str] = {str(v) for v in extra if v}
    for table, columns in STORE_TEXT.items():
        for col in columns:
            rows = cur.execute(f'SELECT DISTINCT "{col}" FROM "{table}" WHERE "{col}" IS NOT NULL').fetchall()
            for (value,) in rows:
                found.add(str(value))
                # Lists in one field ("a|b|c", "k:v|k:v") are shown item by item too.
                found.update(p for part in str(value).split("|") for p in part.split(":") if p)
                if len(str(value)) > 40:
                    found.add(str(value)[:40])  # titles cut to 40 characters on some pages
    return sorted((v.strip() for v in found if v.strip()), key=len, reverse=True)
