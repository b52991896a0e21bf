"""A task's data check evaluated on a real small store: segment filter, comparison direction,
days without sales, and only the days after the task was created."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecomops.tasks.model import TaskDraft
from ecomops.tasks.service import TaskBoard, metric_history, run_check
from ecomops.workspace import Workspace

DAY = dt.date(2026, 11, 24)  # the demo store's last day
ORDERS_SQL = """
SELECT CAST(o.order_time AS DATE) AS d, count(DISTINCT o.order_id)
FROM orders o JOIN order_lines l ON l.order_id = o.order_id
WHERE o.status <> 'cancelled' AND o.channel = ? AND l.sku = ?
  AND CAST(o.order_time AS DATE) BETWEEN ? AND ?
GROUP BY 1
"""


@pytest.fixture(scope="module")
def store(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace.open(shutil.copytree(demo_workspace, tmp_path_factory.mktemp("checks") / "ws"))
    yield ws
    ws.close()


def _orders(ws: Workspace, channel: str, sku: str, start: dt.date, end: dt.date) -> dict[dt.date, int]:
    return dict(ws.analytics.execute(ORDERS_SQL, [channel, sku, start, end]).fetchall())


def _sku_without_sales_on_the_last_day(ws: Workspace) -> str:
    """A tmall SKU that sold on the day before the store's last day but not on the last day."""
    row = ws.analytics.execute("""
        SELECT l.sku FROM orders o JOIN order_lines l ON l.order_id = o.order_id
        WHERE o.status <> 'cancelled' AND o.channel = 'tmall'
        GROUP BY 1
        HAVING count(*) FILTER (WHERE CAST(o.order_time AS DATE) = ?) > 0
           AND count(*) FILTER (WHERE CAST(o.order_time AS DATE) = ?) = 0
        ORDER BY 1 LIMIT 1""", [DAY - dt.timedelta(days=1), DAY]).fetchone()
    assert row, "the demo store has no such SKU"
    return str(row[0])


def test_check_values_are_the_segment_s_numbers_of_the_store(store: Workspace) -> None:
    sku = _sku_without_sales_on_the_last_day(store)
    start = DAY - dt.timedelta(days=6)
    expected = _orders(store, "tmall", sku, start, DAY)
    got = metric_history(store.analytics, "orders", {"channel": "tmall", "sku": sku}, start, DAY)
    assert set(got) == {start + dt.timedelta(days=i) for i in range(7)}
    assert got == {d: float(expected.get(d, 0)) for d in got}
    whole = metric_history(store.analytics, "orders", {}, start, DAY)
    assert all(whole[d] > got[d] for d in got)  # the segment filter is applied


def test_a_day_the_segment_sold_nothing_fails_a_check_on_orders(store: Workspace) -> None:
    sku = _sku_without_sales_on_the_last_day(store)
    check = {"metric": "orders", "segment": {"channel": "tmall", "sku": sku}, "comparison": ">=",
             "threshold": 1, "days": 2}
    result = run_check(store.analytics, check, DAY)
    assert result.outcome == "failed"  # 0 orders on the last day, not "no data"
    assert (result.day, result.value) == (DAY, 0.0)
    # The same SKU held on the day before.
    assert run_check(store.analytics, {**check, "days": 1}, DAY - dt.timedelta(days=1)).outcome == "passed"


def test_comparison_direction_on_the_store(store: Workspace) -> None:
    values = metric_history(store.analytics, "orders", {"channel": "tmall"}, DAY - dt.timedelta(days=2), DAY)
    low, high = min(values.values()), max(values.values())
    assert low is not None
    assert high is not None
    assert low < high

    def outcome(comparison: str, threshold: float) -> str:
        check = {"metric": "orders", "segment": {"channel": "tmall"}, "comparison": comparison,
                 "threshold": threshold, "days": 3}
        return run_check(store.analytics, check, DAY).outcome

    assert outcome(">=", low) == "passed"
    assert outcome(">", low) == "failed"
    assert outcome(">=", low + 1) == "failed"
    assert outcome("<=", high) == "passed"
    assert outcome("<", high) == "failed"
    assert outcome("<=", high - 1) == "failed"


def test_ratio_check_uses_the_segment_s_conversion(store: Workspace) -> None:
    start = DAY - dt.timedelta(days=1)
    tmall = metric_history(store.analytics, "conversion_rate", {"channel": "tmall"}, start, DAY)
    whole = metric_history(store.analytics, "conversion_rate", {}, start, DAY)
    assert tmall != whole
    check = {"metric": "conversion_rate", "segment": {"channel": "tmall"}, "comparison": ">=", "days": 2}
    assert run_check(store.analytics, {**check, "threshold": min(tmall.values())}, DAY).outcome == "passed"
    assert run_check(store.analytics, {**check, "threshold": max(tmall.values()) + 1e-9},
                     DAY).outcome == "failed"


def test_only_days_after_the_task_was_created_count(store: Workspace) -> None:
    check = {"metric": "orders", "segment": {"channel": "tmall"}, "comparison": ">=", "threshold": 1,
             "days": 2}
    # Created the day before the last day (the first counted day is the last day): too early.
    early = run_check(store.analytics, check, DAY, since=DAY)
    assert early.outcome == "unknown"
    assert early.cause == "too_early"
    assert early.day == DAY + dt.timedelta(days=1)  # the first data that can judge it
    ready = run_check(store.analytics, check, DAY, since=DAY - dt.timedelta(days=1))
    assert ready.outcome == "passed"
    assert [d for d, _ in ready.values] == [DAY - dt.timedelta(days=1), DAY]


def test_board_judges_a_task_from_the_day_after_it_was_created(store: Workspace, tmp_path: Path) -> None:
    from ecomops.store.appdb import open_app_db

    sessions = open_app_db(f"sqlite:///{tmp_path / 'app.db'}")
    created = dt.datetime(2026, 11, 23, 2, 0)  # 10:00 on 2026-11-23 in Asia/Shanghai
    board = TaskBoard(sessions, "Asia/Shanghai", clock=lambda: created)
    check = {"metric": "orders", "segment": {"channel": "tmall"}, "comparison": ">=", "threshold": 1,
             "days": 1}
    task = board.create(TaskDraft(title="hold tmall orders", acceptance_check=check), "alice")
    assert task.created_on == dt.date(2026, 11, 23)
    done = board.move(task.id, "done", "alice", as_of=DAY, store=store.analytics)
    assert done.closure == "verified"
    assert done.check_result is not None
    assert done.check_result["since"] == "2026-11-24"
    two_days = board.create(TaskDraft(title="two days", acceptance_check={**check, "days": 2}), "alice")
    refused = board.move(two_days.id, "done", "alice", as_of=DAY, store=store.analytics,
                         reason="the promotion ended early")
    assert refused.closure == "override"  # 2026-11-23 is the creation day: not judged on it
    assert refused.check_result is not None
    assert refused.check_result["cause"] == "too_early"
    sessions.kw["bind"].dispose()
