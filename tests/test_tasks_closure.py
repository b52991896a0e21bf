"""Closing a task: verified when its data check passed, else only with a reason (audited);
reports and the board keep verified and unverified closures apart, with counts."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from ecomops.errors import InputError
from ecomops.store.appdb import AuditLog
from ecomops.tasks.model import TaskDraft, TaskView
from ecomops.tasks.reports import end_of_day, standup
from ecomops.tasks.service import CheckNotPassed, TaskBoard
from ecomops.workspace import Workspace

DAY = dt.date(2026, 11, 24)
CREATED = dt.datetime(2026, 11, 20, 2, 0)  # 2026-11-20 10:00 in Asia/Shanghai
CHECK = {"metric": "orders", "segment": {"channel": "tmall"}, "comparison": ">=", "days": 2}


@pytest.fixture(scope="module")
def store(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace.open(shutil.copytree(demo_workspace, tmp_path_factory.mktemp("closure") / "ws"))
    yield ws
    ws.close()


@pytest.fixture
def board(store: Workspace) -> TaskBoard:
    clock = {"now": CREATED}
    b = TaskBoard(store.app_sessions, store.settings.store.timezone, clock=lambda: clock["now"])
    b.clock_at = clock  # type: ignore[attr-defined]
    return b


def _audit(ws: Workspace, task_id: int) -> list[AuditLog]:
    with ws.app_sessions() as s:
        rows = s.scalars(select(AuditLog).order_by(AuditLog.id))
        return [r for r in rows if r.detail.get("task_id") == task_id]


def _failing(board: TaskBoard) -> TaskView:
    return board.create(TaskDraft(title="triple tmall orders", owner="bob",
                                  acceptance_check={**CHECK, "threshold": 10_000}), "alice")


def test_closing_with_a_failed_check_without_reason_is_refused_and_changes_nothing(
    board: TaskBoard, store: Workspace,
) -> None:
    task = _failing(board)
    board.move(task.id, "doing", "bob", as_of=DAY)
    before = board.get(task.id)
    for reason in (None, "", "   "):
        with pytest.raises(CheckNotPassed) as refused:
            board.move(task.id, "done", "bob", as_of=DAY, store=store.analytics, reason=reason)
        assert refused.value.result.outcome == "failed"
        assert refused.value.code == "check_not_passed"
    assert board.get(task.id) == before
    assert [a.action for a in _audit(store, task.id)] == ["task.create", "task.move"]
    en = refused.value.message_in("en")
    assert en.startswith(f"Task #{task.id} was not closed: its data check has not passed.")
    assert "needs to be at least 10,000 orders" in en
    assert en.endswith("To close it anyway, give a reason.")
    zh = refused.value.message_in("zh_CN")
    assert zh.startswith(f"任务 #{task.id} 未关闭：数据验收未通过。")
    assert "不低于 10,000 单" in zh


def test_closing_with_a_failed_check_and_a_reason_is_an_audited_override(
    board: TaskBoard, store: Workspace,
) -> None:
    task = _failing(board)
    board.clock_at["now"] = dt.datetime(2026, 11, 25, 1, 30)  # type: ignore[attr-defined]
    done = board.move(task.id, "done", "carol", as_of=DAY, store=store.analytics,
                      reason="  target was a typo; agreed with the shop owner  ")
    assert (done.status, done.closure, done.closed_by) == ("done", "override", "carol")
    assert done.close_reason == "target was a typo; agreed with the shop owner"
    assert done.closed_on == dt.date(2026, 11, 25)
    assert done.check_result is not None
    assert done.check_result["outcome"] == "failed"
    row = _audit(store, task.id)[-1]
    assert (row.user, row.action, row.at) == ("carol", "task.move", dt.datetime(2026, 11, 25, 1, 30))
    assert row.detail["closure"] == "override"
    assert row.detail["check"] == "failed"
    assert row.detail["override_reason"] == "target was a typo; agreed with the shop owner"
    # Reopened, it is open again: no closure any more.
    reopened = board.move(task.id, "doing", "carol", as_of=DAY)
    assert (reopened.closure, reopened.close_reason, reopened.closed_by, reopened.closed_on) == (
        None, None, None, None)


def test_passed_check_closes_verified_and_a_reason_is_not_needed(board: TaskBoard, store: Workspace) -> None:
    draft = TaskDraft(title="keep tmall selling", acceptance_check={**CHECK, "threshold": 1})
    task = board.create(draft, "a")
    done = board.move(task.id, "done", "a", as_of=DAY, store=store.analytics)
    assert (done.closure, done.close_reason) == ("verified", None)
    plain = board.create(TaskDraft(title="reply to reviews"), "a")
    assert board.move(plain.id, "done", "a", as_of=DAY).closure == "unchecked"


def test_a_check_that_cannot_be_judged_needs_a_reason_too(board: TaskBoard, store: Workspace) -> None:
    task = board.create(TaskDraft(title="later", acceptance_check={**CHECK, "threshold": 1}), "a")
    with pytest.raises(CheckNotPassed) as no_store:
        board.move(task.id, "done", "a", as_of=DAY)
    assert no_store.value.result.outcome == "unknown"
    future = DAY + dt.timedelta(days=5)
    with pytest.raises(CheckNotPassed) as no_data:
        board.move(task.id, "done", "a", as_of=future, store=store.analytics)
    assert no_data.value.result.cause == "no_data"
    assert "店铺还没有 2026-11-28 的数据" in no_data.value.message_in("zh_CN")
    with pytest.raises(InputError):
        board.move(task.id, "done", "a", as_of=DAY, store=store.analytics, reason="x" * 1001)
    assert board.get(task.id).status == "todo"


def _view(i: int, closure: str | None, *, reason: str | None = None, outcome: str | None = None) -> TaskView:
    return TaskView(id=i, title=f"task {i}", status="done" if closure else "doing", closure=closure,  # type: ignore[arg-type]
                    close_reason=reason, closed_on=DAY if closure else None, owner="bob",
                    acceptance_check=CHECK if outcome else None,
                    check_result={"outcome": outcome} if outcome else None)


TASKS = [_view(1, "verified", outcome="passed"), _view(2, "verified", outcome="passed"),
         _view(3, "override", reason="supplier confirmed the fix", outcome="failed"),
         _view(4, "unchecked"), _view(5, None)]


def test_end_of_day_shows_verified_and_unverified_closures_apart_with_counts() -> None:
    sections = {s["heading"]: s["lines"] for s in end_of_day(TASKS, DAY).to_dict()["sections"]}
    verified = sections["Done, verified by the data · 2 tasks"]
    assert [line.split(" · ")[0] for line in verified] == ["#1 task 1", "#2 task 2"]
    override = sections["Done without a passed check (closed with a reason) · 1 task"]
    assert override == ["#3 task 3 · @bob · Check: failed · reason: supplier confirmed the fix"]
    assert sections["Done, no data check · 1 task"] == ["#4 task 4 · @bob"]
    from ecomops.i18n import translations

    zh = end_of_day(TASKS, DAY, translations("zh_CN").gettext, "zh_CN").to_markdown()
    assert "**已完成（数据验证通过） · 2 项任务**" in zh
    assert "**已完成但未通过数据验证（附原因关闭） · 1 项任务**" in zh
    assert "数据验收: 未通过 · 原因：supplier confirmed the fix" in zh


def test_standup_shows_yesterday_s_closures_apart_with_counts() -> None:
    md = standup({"kpis": [], "findings": []}, TASKS[2:], DAY).to_markdown()
    assert "**Done, verified by the data · 0 tasks**" in md
    assert "**Done without a passed check (closed with a reason) · 1 task**" in md
    assert "reason: supplier confirmed the fix" in md
    assert "→ #5 task 5" in md.split("**Progress**", 1)[1]


def test_reports_name_tasks_in_the_reader_s_language() -> None:
    task = TaskView(id=7, title="换主图", status="done", closure="unchecked", closed_on=DAY,
                    texts={"en": {"title": "Change the main image"}, "zh_CN": {"title": "换主图"}})
    from ecomops.i18n import translations

    en = end_of_day([task], DAY, translations("en").gettext, "en").to_markdown()
    assert "#7 Change the main image" in en
    zh = end_of_day([task], DAY, translations("zh_CN").gettext, "zh_CN").to_markdown()
    assert "#7 换主图" in zh
    assert "**已完成（无数据验收） · 1 项任务**" in zh
