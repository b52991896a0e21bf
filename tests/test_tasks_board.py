"""The task board: drafts from brief actions, moves, comments, audit rows, checks on the data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from ecomops.errors import InputError
from ecomops.store.appdb import AuditLog
from ecomops.tasks.checks import Check, evaluate
from ecomops.tasks.model import TaskDraft, board, draft_from_action, is_overdue
from ecomops.tasks.reports import end_of_day, standup
from ecomops.tasks.service import TaskBoard, TaskNotFound, run_check
from ecomops.workspace import Workspace

DAY = dt.date(2026, 11, 24)
ACTION = {
    "priority": 1, "title": "Check SKU-0042 page and price on tmall", "owner_role": "operations",
    "due": "2026-11-25", "acceptance": "Conversion of SKU-0042 back above 2.5% for 2 days",
    "finding_ids": ["f-1"],
    "check": {"metric": "conversion_rate", "segment": {"channel": "tmall"}, "comparison": ">=",
              "threshold": 0.025, "days": 2},
}


def test_draft_from_action_prefills_owner_due_acceptance_and_check() -> None:
    draft = draft_from_action(ACTION, brief_date=DAY, owner="alice",
                              findings=[{"id": "f-1", "summary": "Conversion fell"}, {"id": "f-2"}])
    assert draft.title == ACTION["title"]
    assert draft.owner == "alice"
    assert draft.owner_role == "operations"
    assert draft.due == dt.date(2026, 11, 25)
    assert draft.acceptance == ACTION["acceptance"]
    assert draft.acceptance_check == ACTION["check"]
    assert draft.description == "Conversion fell"
    assert draft.finding_ids == ("f-1",)


def test_draft_without_title_is_refused() -> None:
    with pytest.raises(InputError):
        TaskDraft(title="  ")


def test_overdue_only_when_open_and_past_due() -> None:
    assert is_overdue("todo", DAY, DAY + dt.timedelta(days=1))
    assert not is_overdue("done", DAY, DAY + dt.timedelta(days=1))
    assert not is_overdue("doing", DAY, DAY)
    assert not is_overdue("todo", None, DAY)


def test_check_passes_fails_or_is_unknown_by_the_window() -> None:
    check = Check.parse(ACTION["check"])
    good = {DAY - dt.timedelta(days=1): 0.03, DAY: 0.026}
    assert evaluate(check, good, DAY).outcome == "passed"
    assert evaluate(check, {**good, DAY: 0.01}, DAY).outcome == "failed"
    assert evaluate(check, {DAY: 0.03}, DAY).outcome == "unknown"


def test_check_with_unknown_comparison_is_refused() -> None:
    with pytest.raises(InputError):
        Check.parse({**ACTION["check"], "comparison": "~"})


def _board(ws: Workspace) -> TaskBoard:
    return TaskBoard(ws.app_sessions, ws.settings.store.timezone)


def test_task_moves_comments_and_audit_rows_are_kept(workspace: Workspace) -> None:
    b = _board(workspace)
    task = b.create(TaskDraft(title="Fix main image", owner="bob", due=DAY), "alice")
    assert task.status == "todo"
    assert task.created_by == "alice"
    b.move(task.id, "doing", "bob", as_of=DAY)
    b.comment(task.id, "bob", "New image uploaded")
    b.update(task.id, "alice", owner="carol", due=DAY + dt.timedelta(days=2))
    done = b.move(task.id, "done", "carol", as_of=DAY)
    assert done.status == "done"
    assert done.closed_on is not None
    assert done.owner == "carol"
    assert done.due == DAY + dt.timedelta(days=2)
    assert [c.text for c in done.comments] == ["New image uploaded"]
    assert done.check_result is None  # no machine check, nothing evaluated
    with workspace.app_sessions() as s:
        actions = [a.action for a in s.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert actions == ["task.create", "task.move", "task.comment", "task.update", "task.move"]


def test_move_to_unknown_status_is_refused(workspace: Workspace) -> None:
    b = _board(workspace)
    task = b.create(TaskDraft(title="x"), "alice")
    with pytest.raises(InputError):
        b.move(task.id, "archived", "alice", as_of=DAY)
    with pytest.raises(TaskNotFound):
        b.get(task.id + 100)


def test_board_puts_overdue_tasks_first(workspace: Workspace) -> None:
    b = _board(workspace)
    b.create(TaskDraft(title="later", due=DAY + dt.timedelta(days=5)), "a")
    b.create(TaskDraft(title="late", due=DAY - dt.timedelta(days=1)), "a")
    b.create(TaskDraft(title="no date"), "a")
    columns = board(b.list(), DAY)
    assert [t.title for t in columns["todo"]] == ["late", "later", "no date"]


def test_closing_a_task_checks_its_acceptance_on_the_data(demo_workspace: Path, tmp_path: Path) -> None:
    import shutil

    root = shutil.copytree(demo_workspace, tmp_path / "ws")
    ws = Workspace.open(root)
    try:
        con = ws.analytics
        sql = ("SELECT min(v) FROM (SELECT CAST(o.order_time AS DATE) d, count(DISTINCT o.order_id) v "
               "FROM orders o WHERE o.status <> 'cancelled' AND o.channel = 'tmall' "
               "AND CAST(o.order_time AS DATE) BETWEEN ? AND ? GROUP BY 1)")
        low = con.execute(sql, [DAY - dt.timedelta(days=1), DAY]).fetchone()[0]
        assert low
        assert low > 1
        # Created three days before the data ends: the last two days count.
        b = TaskBoard(ws.app_sessions, ws.settings.store.timezone,
                      clock=lambda: dt.datetime(2026, 11, 21, 4, 0))
        check = {"metric": "orders", "segment": {"channel": "tmall"}, "comparison": ">=", "days": 2}
        passing = b.create(TaskDraft(title="hold orders", acceptance_check={**check, "threshold": low}), "a")
        failing = b.create(TaskDraft(title="double orders",
                                     acceptance_check={**check, "threshold": low + 1}), "a")
        closed = b.move(passing.id, "done", "a", as_of=DAY, store=con)
        assert closed.check_result is not None
        assert closed.check_result["outcome"] == "passed"
        closed_anyway = b.move(failing.id, "done", "a", as_of=DAY, store=con, reason="target too high")
        assert closed_anyway.check_result is not None
        assert closed_anyway.check_result["outcome"] == "failed"
        # A day after the data ends cannot be judged.
        assert run_check(con, {**check, "threshold": 1}, DAY + dt.timedelta(days=3)).outcome == "unknown"
        # Nor a metric the series do not know.
        assert run_check(con, {**check, "metric": "nps", "threshold": 1}, DAY).outcome == "unknown"
    finally:
        ws.close()


def test_standup_and_end_of_day_markdown_list_progress_and_risks(workspace: Workspace) -> None:
    b = _board(workspace)
    late = b.create(TaskDraft(title="Restock SKU-7", due=DAY - dt.timedelta(days=2)), "a")
    b.create(TaskDraft(title="Reply to reviews", owner="bob", due=DAY + dt.timedelta(days=1)), "a")
    brief = {"kpis": [{"metric": "gmv", "value": 1234.5, "dod": 0.1, "wow": None}],
             "findings": [{"severity": "low", "summary": "AOV of jd rose"},
                          {"severity": "medium", "summary": "Visitors from search fell"},
                          {"severity": "high", "summary": "GMV of tmall fell"}]}
    md = standup(brief, b.list(), DAY).to_markdown()
    risks = md.split("**Risks**", 1)[1].split("**Needs**", 1)[0]
    assert risks.index("GMV of tmall fell") < risks.index("Visitors from search fell")
    assert "AOV of jd rose" not in md
    assert f"#{late.id} Restock SKU-7" in md
    assert "+10.0%" in md
    eod = end_of_day(b.list(), DAY).to_dict()
    sections = {s["heading"]: s["lines"] for s in eod["sections"]}
    assert any("Restock SKU-7" in line for line in sections["Not done"])
    assert any("Reply to reviews" in line for line in sections["Tomorrow's plan"])
