"""The console's pages with a screen reader and a keyboard: named controls, a skip link to the
main content, a text alternative for every chart, captioned tables on the users pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from a11y_support import problems
from ecomops.tasks.model import TaskDraft
from ecomops.web.a11y import chart_summary
from ecomops.web.accounts import Accounts
from web_support import DEMO_DAY, demo_app, login

pytestmark = pytest.mark.slow  # the demo brief takes a while to build on 2 cores
DAY = DEMO_DAY.isoformat()


@pytest.fixture(scope="module")
def app_and_ws(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app, ws = demo_app(demo_workspace, tmp_path_factory.mktemp("a11y") / "ws")
    yield app, ws
    ws.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def admin(app_and_ws: Any) -> TestClient:
    client = TestClient(app_and_ws[0])
    login(client, "admin")
    Accounts(app_and_ws[1].app_sessions).new_token("admin")
    return client


def _pages(app_and_ws: Any) -> list[str]:
    console = app_and_ws[0].state.console
    brief = console.briefs.get(DEMO_DAY)
    task = console.board.create(TaskDraft(title="a11y"), "admin")
    finding = brief.findings[0].id
    with console.gate.reader() as cur:
        sku = cur.execute("SELECT sku FROM products ORDER BY sku LIMIT 1").fetchone()[0]
    return [f"/today?date={DAY}", f"/sales?end={DAY}", f"/inventory?date={DAY}",
            f"/inventory/sku/{sku}?date={DAY}", f"/findings?date={DAY}", f"/findings/{finding}?date={DAY}",
            "/tasks", f"/tasks/{task.id}", f"/reports/standup?date={DAY}", "/reports/eod", "/data",
            "/admin/users", "/account", f"/tasks/{2**64}"]


def test_every_page_is_usable_with_a_screen_reader(admin: TestClient, app_and_ws: Any) -> None:
    found = {}
    for path in _pages(app_and_ws):
        r = admin.get(path)
        assert r.status_code in (200, 404), (path, r.status_code)
        users_page = path in ("/admin/users", "/account")
        if issues := problems(r.text, tables=users_page):
            found[path] = issues
    assert not found, found
    login_page = TestClient(app_and_ws[0]).get("/login").text
    assert problems(login_page) == []


def test_skip_link_is_translated(admin: TestClient, app_and_ws: Any) -> None:
    assert "跳到主要内容" in admin.get("/tasks").text
    assert "Skip to main content" in TestClient(app_and_ws[0]).get("/login?lang=en").text


def test_charts_carry_a_summary_of_their_data(admin: TestClient) -> None:
    page = admin.get(f"/sales?end={DAY}").text
    assert 'role="img" aria-label="图表：' in page
    figure = {"layout": {"title": {"text": "GMV &lt;tmall&gt;"}, "yaxis": {"tickprefix": "¥"}},
              "data": [{"type": "scatter", "name": "Actual", "x": ["2026-11-01", "2026-11-02"],
                        "y": [1200.0, 1530.5]},
                       {"type": "scatter", "name": "band", "showlegend": False, "x": [], "y": []}]}
    assert chart_summary(figure, "en") == (
        "Chart: GMV <tmall>. Actual: 2 values from 2026-11-01 to 2026-11-02, last ¥1,530.")
    bars = {"layout": {"title": {"text": "t"}}, "data": [{"type": "bar", "x": ["a"], "y": [3]}]}
    assert chart_summary(bars, "en") == "Chart: t. values: 1 bar, highest a 3."
