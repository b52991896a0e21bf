"""The console in Debian's Chromium (Playwright): a morning's work, clicked through.

Screenshots of each step go to ``test-artifacts/`` (gitignored) for CI to keep.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecomops.web.service import BackgroundServer
from web_support import DEMO_DAY, PASSWORD, demo_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app, ws = demo_app(demo_workspace, tmp_path_factory.mktemp("browser") / "ws")
    try:
        with BackgroundServer(app) as running:
            yield running.url
    finally:
        ws.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (scripts/test-system-deps installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield b
        b.close()


def test_a_morning_in_the_console(server: str, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/today?date={DEMO_DAY.isoformat()}")
    assert "/login" in page.url
    page.fill("input[name=name]", "operator")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/today?date=*")
    # A chart is drawn by the served plotly.js (no CDN: the page would fail offline).
    page.wait_for_selector("div.chart[data-drawn='1'] .main-svg", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "today.png"), full_page=True)
    first_action = page.locator("li.action").first
    title = first_action.locator(".action-title").inner_text().split(".", 1)[1].strip()
    first_action.locator("button.primary").click()  # one click: the action becomes a task
    page.wait_for_load_state()
    page.goto(f"{server}/tasks")
    card = page.locator("article.card", has_text=title)
    assert card.count() == 1
    assert card.locator("xpath=ancestor::section[@data-status='todo']").count() == 1
    card.locator("button[data-move='done']").click()
    page.wait_for_load_state()
    # Its data check cannot pass yet (no data after the day it was made): a reason is asked for.
    assert page.locator("p.refusal").count() == 1
    page.fill("textarea[name=override_reason]", "主图已更换，等数据确认")
    page.click("button[data-move='done-override']")
    page.wait_for_load_state()
    page.goto(f"{server}/tasks")
    done = page.locator("section[data-status='done'] [data-closure='override'] article.card", has_text=title)
    assert done.count() == 1
    assert done.locator(".check").count() == 1  # checked on the data when closed
    page.screenshot(path=str(ARTIFACTS / "tasks.png"), full_page=True)
    page.click("button[data-lang='en']")
    page.wait_for_load_state()
    assert page.locator("section[data-status='todo'] h2").inner_text().startswith("To do")
    page.goto(f"{server}/sales?end={DEMO_DAY.isoformat()}")
    page.wait_for_selector("div.chart[data-drawn='1'] .main-svg", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "sales-en.png"), full_page=True)
    page.click("button[data-lang='zh_CN']")
    assert not errors, errors
    page.close()
