"""An accessibility check of rendered console pages (stdlib ``html.parser``): every form control
has an accessible name, a skip link targets ``<main id=...>``, every chart has a text alternative,
and data tables have a caption and scoped headers."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

CONTROLS = {"input", "select", "textarea", "button"}
VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}


@dataclass
class _Control:
    tag: str
    attrs: dict[str, str]
    in_label: bool
    text: str = ""


@dataclass
class Page(HTMLParser):
    controls: list[_Control] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    ids: dict[str, str] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    charts: list[dict[str, str]] = field(default_factory=list)
    tables: list[dict[str, object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)
        self._labels = 0
        self._button: _Control | None = None
        self._table: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if "id" in attrs:
            self.ids[attrs["id"]] = tag
        if tag == "label":
            self._labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in CONTROLS and attrs.get("type") != "hidden":
            control = _Control(tag, attrs, self._labels > 0)
            self.controls.append(control)
            if tag == "button":
                self._button = control
        elif tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])
        elif tag == "div" and "chart" in attrs.get("class", "").split():
            self.charts.append(attrs)
        elif tag == "table":
            self._table = {"caption": bool(attrs.get("aria-label")), "unscoped": 0}
            self.tables.append(self._table)
        elif tag == "caption" and self._table is not None:
            self._table["caption"] = True
        elif tag == "th" and self._table is not None and not attrs.get("scope"):
            self._table["unscoped"] = int(self._table["unscoped"]) + 1  # type: ignore[call-overload]

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._labels -= 1
        elif tag == "button":
            self._button = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button.text += data


def _named(c: _Control, page: Page) -> bool:
    a = c.attrs
    if a.get("aria-label", "").strip() or a.get("title", "").strip():
        return True
    if a.get("aria-labelledby") and all(i in page.ids for i in a["aria-labelledby"].split()):
        return True
    if c.in_label or (a.get("id") and a["id"] in page.label_for):
        return True
    if c.tag == "button":
        return bool(c.text.strip())
    return c.tag == "input" and a.get("type") in ("submit", "button", "reset") and bool(a.get("value"))


def problems(html: str, *, tables: bool = False) -> list[str]:
    """What keeps ``html`` from being usable with a screen reader or a keyboard."""
    page = Page()
    page.feed(html)
    out = [f"<{c.tag} name={c.attrs.get('name')!r}> has no accessible name"
           for c in page.controls if not _named(c, page)]
    if not any(page.ids.get(target) == "main" for target in page.links[:1]):
        out.append("the first in-page link is not a skip link to <main id=...>")
    out += [f"chart {c.get('id')!r} has no text alternative" for c in page.charts
            if c.get("role") != "img" or not c.get("aria-label", "").strip()]
    if tables:
        for i, t in enumerate(page.tables):
            if not t["caption"]:
                out.append(f"table {i + 1} has no caption")
            if t["unscoped"]:
                out.append(f"table {i + 1} has {t['unscoped']} headers without scope")
    return out
