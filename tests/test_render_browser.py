"""The HTML brief opened in headless Chromium: every chart drawn, no errors, fits a phone, prints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecomops.report.model import Brief
from ecomops.report.render import html
from render_demo import DEMO_DAY, built_brief_cached, demo_brief_cached

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (scripts/test-system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def brief(demo_workspace: Path) -> Brief:
    return demo_brief_cached(demo_workspace, DEMO_DAY)


def _open(browser: Any, path: Path, width: int, height: int) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
               else route.continue_())  # offline: any network request fails the page
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('[data-figure]').length === "
                           "document.querySelectorAll('[data-figure] .main-svg').length / 3 || "
                           "document.querySelectorAll('.chart-error').length > 0", timeout=60_000)
    return page, errors


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_renders_in_chromium_without_errors(browser: Any, brief: Brief, lang: str,
                                                       tmp_path: Path) -> None:
    path = tmp_path / f"brief-{lang}.html"
    path.write_text(html(brief, lang), encoding="utf-8")
    page, errors = _open(browser, path, 1200, 900)
    try:
        divs = page.locator("[data-figure]")
        n = divs.count()
        assert n == (len(brief.charts.trends) + len(brief.charts.bars) + len(brief.charts.heatmaps)
                     + len(brief.charts.evidence))
        for i in range(n):
            div = divs.nth(i)
            assert div.locator(".main-svg").count() >= 1, div.get_attribute("data-figure")
            assert div.locator(".scatterlayer .trace, .barlayer .trace, .heatmaplayer image").count() \
                >= 1, div.get_attribute("data-figure")
        assert page.locator(".chart-error").count() == 0
        assert not errors
        assert page.title().startswith("Demo Store")
    finally:
        page.close()


def test_report_fits_a_phone_screen_and_prints(browser: Any, brief: Brief, tmp_path: Path) -> None:
    path = tmp_path / "brief-zh.html"
    path.write_text(html(brief, "zh"), encoding="utf-8")
    page, errors = _open(browser, path, 390, 844)
    try:
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
        chart_width = page.evaluate(
            "document.querySelector('[data-figure] .main-svg').getBoundingClientRect().width")
        assert 300 <= chart_width <= 390
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
        assert not errors
    finally:
        page.close()


@pytest.mark.slow
def test_the_built_brief_renders_in_chromium(browser: Any, demo_workspace: Path, tmp_path: Path) -> None:
    built = built_brief_cached(demo_workspace, DEMO_DAY)
    path = tmp_path / "built-zh.html"
    path.write_text(html(built, "zh"), encoding="utf-8")
    page, errors = _open(browser, path, 1200, 900)
    try:
        divs = page.locator("[data-figure]")
        assert divs.count() >= len(built.charts.trends) >= 1
        assert divs.locator(".main-svg").count() >= divs.count()
        assert page.locator(".chart-error").count() == 0
        assert page.locator("article.finding").count() == len(built.findings)
        assert not errors
    finally:
        page.close()
