"""The inventory tables' sort buttons in Debian's Chromium: keyboard, aria-sort, downloads follow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecomops.web.service import BackgroundServer
from web_support import DEMO_DAY, PASSWORD, demo_app

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]
DAY = DEMO_DAY.isoformat()


@pytest.fixture(scope="module")
def server(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app, ws = demo_app(demo_workspace, tmp_path_factory.mktemp("inv-browser") / "ws", brief=False)
    try:
        with BackgroundServer(app) as running:
            yield running.url
    finally:
        ws.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian chromium is needed (scripts/test-system-deps installs it)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        tab = browser.new_page(locale="zh-CN")
        tab.goto(f"{server}/inventory?tab=slow&date={DAY}")  # the login page comes back here
        tab.fill("input[name=name]", "viewer")
        tab.fill("input[name=password]", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url("**/inventory?*", timeout=120_000)
        yield tab
        browser.close()


def _values(page: Any, index: int) -> list[float | None]:
    texts = page.eval_on_selector_all(
        "table.sortable tbody tr[data-sku]",
        f"rows => rows.map(r => r.cells[{index}].getAttribute('data-value'))")
    return [None if t is None else float(t) for t in texts]


def test_sort_buttons_work_from_the_keyboard_and_downloads_follow(server: str, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/inventory?tab=slow&date={DAY}")
    assert page.locator("table.sortable").get_attribute("data-complete") == "true"
    button = page.locator("th button.sort[data-key='stock_value']")
    th = page.locator("th:has(button[data-key='stock_value'])")
    assert th.get_attribute("aria-sort") is None
    button.focus()
    page.keyboard.press("Enter")
    assert th.get_attribute("aria-sort") == "ascending"
    index = page.eval_on_selector("th:has(button[data-key='stock_value'])", "th => th.cellIndex")
    up = [v for v in _values(page, index) if v is not None]
    assert up == sorted(up)
    assert len(up) > 1
    page.keyboard.press("Space")
    assert th.get_attribute("aria-sort") == "descending"
    down = [v for v in _values(page, index) if v is not None]
    assert down == sorted(up, reverse=True)
    href = page.locator("a[data-export]").first.get_attribute("href")
    assert "sort=stock_value" in href
    assert "dir=desc" in href
    first = page.locator("table.sortable tbody tr[data-sku]").first.get_attribute("data-sku")
    csv = page.request.get(f"{server}{href}").body().decode("utf-8-sig").splitlines()
    assert csv[1].split(",")[0] == first  # the download starts where the screen does
    assert not errors


def test_a_cut_table_asks_the_server_for_the_sorted_rows(server: str, page: Any) -> None:
    page.goto(f"{server}/inventory?tab=plan&date={DAY}")
    if page.locator("table.sortable").get_attribute("data-complete") == "true":
        pytest.fail("the demo plan should have more rows than the page shows (MAX_ROWS)")
    page.locator("th button.sort[data-key='days_of_cover']").click()
    page.wait_for_url("**sort=days_of_cover**")
    th = page.locator("th:has(button[data-key='days_of_cover'])")
    assert th.get_attribute("aria-sort") == "ascending"
