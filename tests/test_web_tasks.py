"""The task pages and API: a failed data check closes only with a reason (page form and API),
checks read as sentences in the user's language, closures apart on the board and reports."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ecomops.store.appdb import AuditLog
from ecomops.tasks.model import TaskDraft
from ecomops.web.accounts import Accounts
from web_support import DEMO_DAY, demo_app, login, signed_in

NOW = dt.datetime(2026, 11, 21, 2, 0)  # 10:00 on 2026-11-21, store time: the last 2 days count
CHECK = {"metric": "orders", "segment": {"channel": "tmall"}, "comparison": ">=", "days": 2}


@pytest.fixture(scope="module")
def app_and_ws(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app, ws = demo_app(demo_workspace, tmp_path_factory.mktemp("web_tasks") / "ws", brief=False)
    app.state.console.board.clock = lambda: NOW  # type: ignore[attr-defined]
    app.state.console.briefs.default_date = lambda: DEMO_DAY  # type: ignore[attr-defined]
    yield app, ws
    ws.close()  # type: ignore[attr-defined]


@pytest.fixture
def operator(app_and_ws: Any) -> TestClient:
    return signed_in(app_and_ws[0])


def _board(app_and_ws: Any) -> Any:
    return app_and_ws[0].state.console.board


def _task(app_and_ws: Any, threshold: float, title: str = "Double tmall orders") -> Any:
    return _board(app_and_ws).create(TaskDraft(
        title=title, acceptance_check={**CHECK, "threshold": threshold}), "operator")


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _group(board: str, closure: str) -> str:
    """The done column's group of one closure, up to the next group or the column's end."""
    start = board.index(f'<div class="closure-group" data-closure="{closure}">')
    rest = board[start + 1:]
    return board[start:start + 1 + min(i for i in (rest.find('<div class="closure-group"'),
                                                   rest.find("</section>")) if i >= 0)]


def test_closing_on_the_page_with_a_failed_check_needs_a_reason(
    operator: TestClient, app_and_ws: Any,
) -> None:
    task = _task(app_and_ws, 10_000)
    r = operator.post(f"/tasks/{task.id}/move", data={"csrf": operator.csrf, "status": "done"},  # type: ignore[attr-defined]
                      follow_redirects=False)
    assert r.status_code == 409
    text = _text(r.text)
    assert f"任务 #{task.id} 未关闭：数据验收未通过。" in text
    assert "需要不低于 10,000 单" in text
    assert 'name="override_reason"' in r.text
    assert _board(app_and_ws).get(task.id).status == "todo"  # nothing changed
    r = operator.post(f"/tasks/{task.id}/move", data={  # type: ignore[attr-defined]
        "csrf": operator.csrf, "status": "done", "override_reason": "大促结束，目标作废",  # type: ignore[attr-defined]
    }, follow_redirects=False)
    assert r.status_code == 303
    done = _board(app_and_ws).get(task.id)
    assert (done.status, done.closure, done.close_reason, done.closed_by) == (
        "done", "override", "大促结束，目标作废", "operator")
    board = operator.get("/tasks").text
    group = _group(board, "override")
    assert f'id="task-{task.id}"' in group
    assert "未通过数据验证即关闭" in group
    assert "大促结束，目标作废" in group
    page = " ".join(_text(operator.get(f"/tasks/{task.id}").text).split())
    assert "未通过数据验证即关闭 · 原因：大促结束，目标作废 · operator · 2026-11-21" in page


def test_task_page_shows_the_check_as_a_sentence_not_json(operator: TestClient, app_and_ws: Any) -> None:
    task = _task(app_and_ws, 1, title="Keep tmall selling")
    html = operator.get(f"/tasks/{task.id}").text
    assert "任务创建之后最近连续 2 天的数据中，渠道 天猫的订单数每天不低于 1 单" in unescape(html)
    for raw in ("\\u003e", "&gt;=", "&#34;metric", '"metric"', "{&#34;"):
        assert raw not in html
    operator.post(f"/tasks/{task.id}/move", data={"csrf": operator.csrf, "status": "done"})  # type: ignore[attr-defined]
    done = _board(app_and_ws).get(task.id)
    assert done.closure == "verified"
    html = unescape(operator.get(f"/tasks/{task.id}").text)
    assert "通过：2026-11-23 至 2026-11-24 每天订单数都不低于 1 单。" in html
    assert "数据验证通过" in html
    board = operator.get("/tasks").text
    verified = _group(board, "verified")
    assert f'id="task-{task.id}"' in verified
    assert re.search(r'<span class="count">\d+ 项任务</span>', verified)


def test_english_reader_sees_english_texts_of_a_task_from_an_action(
    app_and_ws: Any,
) -> None:
    texts = {"zh_CN": {"title": "检查天猫详情页"}, "en": {"title": "Check the tmall page"}}
    task = _board(app_and_ws).create(TaskDraft(title="检查天猫详情页", texts=texts,
                                               acceptance_check={**CHECK, "threshold": 3.5}), "operator")
    client = TestClient(app_and_ws[0])
    csrf = login(client, "viewer")
    zh = unescape(client.get(f"/tasks/{task.id}").text)
    assert f"#{task.id} 检查天猫详情页" in zh
    client.post("/language", data={"csrf": csrf, "lang": "en", "next": "/tasks"})
    try:
        en = unescape(client.get(f"/tasks/{task.id}").text)
        assert f"#{task.id} Check the tmall page" in en
        assert ("Orders of Channel Tmall at least 3.5 orders on each of the latest 2 consecutive days "
                "of data after the task was created") in en
        assert f"#{task.id} Check the tmall page" in unescape(client.get("/tasks").text)
    finally:
        client.post("/language", data={"csrf": csrf, "lang": "zh_CN", "next": "/tasks"})


def test_api_refuses_to_close_a_failed_check_without_a_reason(app_and_ws: Any) -> None:
    app, ws = app_and_ws
    token = Accounts(ws.app_sessions).new_token("operator")
    api = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    task = _task(app_and_ws, 10_000, title="API task")
    r = api.patch(f"/api/tasks/{task.id}", json={"status": "done", "owner": "viewer"})
    assert r.status_code == 409
    body = r.json()
    assert body["error"] == "check_not_passed"
    assert body["message"].startswith(f"任务 #{task.id} 未关闭")  # the operator reads Chinese
    assert body["check_result"]["outcome"] == "failed"
    assert _board(app_and_ws).get(task.id).owner is None  # nothing changed, not even the owner
    r = api.patch(f"/api/tasks/{task.id}", json={"status": "done", "override_reason": "   "})
    assert r.status_code == 409
    r = api.patch(f"/api/tasks/{task.id}", json={"status": "done", "override_reason": "duplicate of #1"})
    assert r.status_code == 200
    assert (r.json()["closure"], r.json()["close_reason"]) == ("override", "duplicate of #1")
    with ws.app_sessions() as s:
        moves = select(AuditLog).where(AuditLog.action == "task.move").order_by(AuditLog.id.desc())
        row = s.scalars(moves).first()
    assert row is not None
    assert (row.user, row.detail["task_id"], row.detail["override_reason"]) == ("operator", task.id,
                                                                                "duplicate of #1")
    listed = {t["id"]: t for t in api.get("/api/tasks?status=done").json()}
    assert listed[task.id]["closure"] == "override"
    eod = api.get("/api/reports/eod?date=2026-11-21").json()
    headings = [s["heading"] for s in eod["sections"]]
    assert any(h.startswith("已完成（数据验证通过） · ") for h in headings)
    override = next(s for s in eod["sections"] if s["heading"].startswith("已完成但未通过数据验证"))
    assert any(f"#{task.id} API task" in line and "duplicate of #1" in line for line in override["lines"])
    assert override["heading"].endswith(f" · {len(override['lines'])} 项任务")


def test_end_of_day_page_shows_closures_apart(operator: TestClient, app_and_ws: Any) -> None:
    _task(app_and_ws, 1, title="eod verified")  # closed below: verified
    board = _board(app_and_ws)
    last = board.list()[-1]
    board.move(last.id, "done", "operator", as_of=DEMO_DAY, store=app_and_ws[1].analytics)
    html = unescape(operator.get("/reports/eod?date=2026-11-21").text)
    verified = html.split("已完成（数据验证通过）", 1)[1].split("</section>", 1)[0]
    assert "eod verified" in verified
    assert "eod verified" not in html.split("已完成但未通过数据验证", 1)[1].split("</section>", 1)[0]
    md = operator.get("/reports/eod?date=2026-11-21&format=md").text
    assert "**已完成（数据验证通过） · " in md
