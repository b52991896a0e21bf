"""Every page of the console and every brief, rendered for a Chinese and an English reader on the
demo shop, holds no text of the other language (the store's own names and texts excepted)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from ecomops.i18n import gettext_for
from ecomops.web.accounts import Accounts
from language_leaks import date_axis_problems, figure_texts, leaks, store_values, visible_text
from web_support import DEMO_DAY, demo_app, login

pytestmark = pytest.mark.slow  # the demo brief takes a while to build on 2 cores
DAY = DEMO_DAY.isoformat()
LANGS = ("zh_CN", "en")
FIG_RE = re.compile(r'<script type="application/json" id="fig-([^"]+)">(.*?)</script>', re.S)
PAGES = {
    "today": f"/today?date={DAY}",
    "findings": f"/findings?date={DAY}",
    "sales": f"/sales?end={DAY}",
    "sales-sku": f"/sales?end={DAY}&by=sku&metric=conversion_rate",
    "sales-source": f"/sales?end={DAY}&by=source&metric=visitors",
    "inventory": f"/inventory?date={DAY}",
    "inventory-slow": f"/inventory?date={DAY}&tab=slow",
    "inventory-channels": f"/inventory?date={DAY}&tab=channels",
    "tasks": "/tasks",
    "standup": f"/reports/standup?date={DAY}",
    "eod": f"/reports/eod?date={DAY}",
    "data": "/data",
    "users": "/admin/users",
    "docs": "/docs",
    "error-finding": f"/findings/no-such-finding?date={DAY}",
    "error-date": "/today?date=tomorrow",
    "error-metric": "/sales?metric=page_views",
}
"""Pages by name; a finding's, a task's and a SKU's page are added from the demo's brief."""
TYPED = ("no-such-finding", "tomorrow", "page_views")
"""What the error pages' addresses typed in: an error message may quote it as it is."""
CODE_COLUMNS = ("Metric code", "Dimension code", "Value code", "Finding ID", "Segment (JSON)",
                "Evidence (JSON)")
"""Workbook columns of the contract's codes, for programs that read the sheets back (their header is
in the reader's language, their values are codes)."""


@pytest.fixture(scope="module")
def rendered(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Per (language, page): the page's HTML and its figures; plus the store's own texts."""
    app, ws = demo_app(demo_workspace, tmp_path_factory.mktemp("i18n") / "ws")
    client = TestClient(app)  # type: ignore[arg-type]
    csrf = login(client, "admin")
    brief = app.state.console.briefs.get(DEMO_DAY)  # type: ignore[attr-defined]
    assert brief.findings
    assert brief.actions
    r = client.post("/tasks/from-action", data={"csrf": csrf, "date": DAY, "priority": "1",
                                                 "owner": "admin", "next": "/tasks"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    task_id = re.search(r'href="/tasks/(\d+)"', client.get("/tasks").text)
    assert task_id
    comment = "已联系供应商 / supplier called"
    client.post(f"/tasks/{task_id.group(1)}/comment", data={"csrf": csrf, "text": comment})
    pages = dict(PAGES)
    pages["task"] = f"/tasks/{task_id.group(1)}"
    for f in brief.findings:
        pages[f"finding-{f.id}"] = f"/findings/{f.id}?date={DAY}"
    sku = re.search(r'href="(/inventory/sku/[^"]+)"', client.get(PAGES["inventory"]).text)
    if sku:
        pages["inventory-sku"] = unescape(sku.group(1))
    accounts = Accounts(ws.app_sessions)  # type: ignore[attr-defined]
    admin = accounts.get("admin")
    out: dict[str, Any] = {}
    with app.state.console.gate.reader() as cur:  # type: ignore[attr-defined]
        # The store's own texts, its users, what they typed and the names of the imported files.
        typed = [ws.settings.store.name, ws.settings.store.currency, comment, *TYPED,  # type: ignore[attr-defined]
                 *(u.name for u in accounts.users()), *(r.source for r in history_of(ws))]
        out["data"] = store_values(cur, typed)
    for lang in LANGS:
        accounts.set_language(admin.id, lang)
        for name, url in pages.items():
            html = client.get(url).text
            figures = {k: json.loads(v) for k, v in FIG_RE.findall(html)}
            out[(lang, name)] = (html, figures)
        src = re.search(r'data-src="([^"]+)"', out[(lang, "today")][0])
        assert src
        out[(lang, "today")][1].update(client.get(unescape(src.group(1))).json())
    out["pages"] = list(pages)
    out["brief"] = brief
    yield out
    ws.close()  # type: ignore[attr-defined]


def history_of(ws: Any) -> list[Any]:
    from sqlalchemy import select

    from ecomops.store.appdb import ImportRun

    with ws.app_sessions() as session:
        return list(session.scalars(select(ImportRun)))


def channel_names(lang: str) -> list[str]:
    """Channel names that are the same in Chinese (Shopify, Amazon): brands, not English words."""
    from ecomops.i18n import labels

    return [w for name in labels("channel", lang).values() for w in name.split()]


def _page_names() -> list[str]:
    return [*PAGES, "task", "finding-*", "inventory-sku"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", _page_names())
def test_console_page_has_no_text_of_the_other_language(rendered: dict[str, Any], lang: str,
                                                        page: str) -> None:
    names = [p for p in rendered["pages"] if p == page or (page.endswith("*") and p.startswith(page[:-1]))]
    assert names, f"no page {page} was rendered"
    problems = {}
    for name in names:
        html, figures = rendered[(lang, name)]
        found = leaks(visible_text(html), lang, rendered["data"], channel_names(lang))
        for key, fig in figures.items():
            found += leaks("\n".join(figure_texts(fig)), lang, rendered["data"], channel_names(lang))
            found += [f"chart {key}: {p}" for p in date_axis_problems(fig, lang)]
        if found:
            problems[name] = sorted(set(found))
    assert not problems, f"{lang} pages with text of the other language: {problems}"


@pytest.mark.parametrize("lang", LANGS)
def test_brief_html_has_no_text_of_the_other_language(rendered: dict[str, Any], lang: str) -> None:
    from ecomops.report.render import html as brief_html

    page = brief_html(rendered["brief"], lang)
    found = leaks(visible_text(page), lang, rendered["data"], channel_names(lang))
    figures = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    assert figures
    for doc in figures:
        parsed = json.loads(doc)
        for fig in parsed.values() if "data" not in parsed else [parsed]:
            found += leaks("\n".join(figure_texts(fig)), lang, rendered["data"], channel_names(lang))
            found += date_axis_problems(fig, lang)
    assert not found, sorted(set(found))


@pytest.mark.parametrize("lang", LANGS)
def test_brief_workbook_has_no_text_of_the_other_language(rendered: dict[str, Any], lang: str,
                                                          tmp_path: Path) -> None:
    from ecomops.report.render import xlsx

    path = tmp_path / "brief.xlsx"
    xlsx(rendered["brief"], path, lang)
    book = CalamineWorkbook.from_path(str(path))
    found: dict[str, list[str]] = {}
    _ = gettext_for(lang)
    codes = {_(c) for c in CODE_COLUMNS}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        skip = {i for i, head in enumerate(rows[0]) if head in codes} if rows else set()
        cells = [str(c) for r, row in enumerate(rows) for i, c in enumerate(row)
                 if isinstance(c, str) and (r == 0 or i not in skip)]
        words = leaks("\n".join([name, *cells]), lang, rendered["data"], channel_names(lang))
        if words:
            found[name] = sorted(set(words))
    assert not found, found


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [("zh_CN", "渠道 jd 的转化率下降", ["jd"]),
     ("zh_CN", "可售 sellable：12", ["sellable"]),
     ("zh_CN", "page_views 下降", ["page_views"]),
     ("zh_CN", "GMV 下降 12.5% · SKU-0042 · 2026-11-24", []),
     ("en", "Restock SKU-0042 · 补货", ["补货"]),
     ("en", "Open 栖木 Memory foam pillow in Sales", [])],
)
def test_leak_finder_catches_the_testers_examples(lang: str, text: str, expected: list[str]) -> None:
    assert leaks(text, lang, ["栖木 Memory foam pillow", "栖木"]) == expected
