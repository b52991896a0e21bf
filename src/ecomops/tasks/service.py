"""The task board's I/O: tasks, comments and audit rows in the app database; checks on the store.

Every change writes an ``AuditLog`` row naming the user. Front ends (console, API, tests) call
these functions; the rules live in ``model``, ``checks`` and ``reports``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from ecomops.errors import EcomopsError, InputError
from ecomops.store.appdb import AuditLog, Task, TaskComment, utcnow
from ecomops.store.recall import Recall
from ecomops.tasks.checks import Check, CheckResult, evaluate, first_counted_day, window
from ecomops.tasks.model import TEXT_LANGS, Comment, TaskDraft, TaskView, check_status, closure_of
from ecomops.tasks.series import BASE, metric_sql
from ecomops.tasks.wording import Words

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)
COMMENT_MAX = 4000
REASON_MAX = 1000
TITLES_SECONDS = 30.0


class TaskNotFound(InputError):
    code = "not_found"


class CheckNotPassed(InputError):
    """Closing a task whose data check failed or cannot be judged yet, without a reason: nothing
    was changed. Carries the evaluation so that front ends word it in the reader's language."""

    code = "check_not_passed"

    def __init__(self, task_id: int, check: Mapping[str, Any], result: CheckResult,
                 currency: str = "CNY") -> None:
        self.task_id = task_id
        self.check = dict(check)
        self.result = result
        super().__init__(Words("en", currency).refusal(task_id, result.to_dict(), check))

    def message_in(self, lang: str | None, currency: str = "CNY") -> str:
        return Words(lang, currency).refusal(self.task_id, self.result.to_dict(), self.check)


def _local_date(at: dt.datetime | None, tz: ZoneInfo) -> dt.date | None:
    if at is None:
        return None
    return at.replace(tzinfo=dt.UTC).astimezone(tz).date()


def to_view(task: Task, tz: ZoneInfo) -> TaskView:
    return TaskView(
        id=task.id, title=task.title, status=check_status(task.status),
        description=task.description, owner=task.owner, owner_role=task.owner_role, due=task.due,
        acceptance=task.acceptance, acceptance_check=task.acceptance_check,
        check_result=task.check_result, finding_ids=tuple(task.finding_ids or ()),
        brief_date=task.brief_date, created_by=task.created_by,
        created_on=_local_date(task.created_at, tz), closed_on=_local_date(task.closed_at, tz),
        comments=tuple(Comment(c.author, c.text, c.created_at)
                       for c in sorted(task.comments, key=lambda c: c.id)),
        closure=closure_of(task.status, task.closure, task.acceptance_check, task.check_result),
        close_reason=task.close_reason, closed_by=task.closed_by,
        texts={k: dict(v) for k, v in (task.texts or {}).items() if k in TEXT_LANGS},
    )


class TaskBoard:
    """Tasks of one workspace's app database; ``tz`` is the store's time zone, ``currency`` the
    store's currency (for messages), ``clock`` the UTC time now (naive; tests pin it)."""

    def __init__(self, sessions: sessionmaker[Session], tz: str, *, currency: str = "CNY",
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.sessions = sessions
        self.tz = ZoneInfo(tz)
        self.currency = currency
        self.clock = clock
        self._titles = Recall(TITLES_SECONDS)
        """Titles per brief date, asked by every Today page: kept ``TITLES_SECONDS`` at most and
        forgotten when this board creates or renames a task."""

    def _audit(self, session: Session, user: str, action: str, *, when: dt.datetime | None = None,
               **detail: Any) -> None:
        """An audit row at ``when`` (default: the board's clock now)."""
        session.add(AuditLog(at=when or self.clock(), user=user, action=action, detail=detail))

    def _get(self, session: Session, task_id: int) -> Task:
        task = session.get(Task, task_id, options=[selectinload(Task.comments)])
        if task is None:
            raise TaskNotFound(f"there is no task #{task_id}")
        return task

    def list(self, *, status: str | None = None) -> list[TaskView]:
        with self.sessions() as session:
            query = select(Task).options(selectinload(Task.comments)).order_by(Task.id)
            if status:
                query = query.where(Task.status == check_status(status))
            return [to_view(t, self.tz) for t in session.scalars(query)]

    def titles_from_brief(self, brief_date: dt.date) -> frozenset[str]:
        """Titles of the tasks made from the brief of ``brief_date`` (to mark its actions)."""
        known: frozenset[str] | None = self._titles.get(brief_date)
        if known is None:
            with self.sessions() as session:
                known = frozenset(session.scalars(select(Task.title).where(Task.brief_date == brief_date)))
            self._titles.put(brief_date, known)
        return known

    def get(self, task_id: int) -> TaskView:
        with self.sessions() as session:
            return to_view(self._get(session, task_id), self.tz)

    def create(self, draft: TaskDraft, user: str) -> TaskView:
        if draft.acceptance_check is not None:
            Check.parse(draft.acceptance_check)
        with self.sessions() as session:
            task = Task(
                title=draft.title, description=draft.description, status="todo", owner=draft.owner,
                owner_role=draft.owner_role, due=draft.due, acceptance=draft.acceptance,
                acceptance_check=draft.acceptance_check, finding_ids=list(draft.finding_ids),
                brief_date=draft.brief_date, created_by=user, texts=draft.texts,
                created_at=self.clock(),
            )
            session.add(task)
            session.flush()
            self._audit(session, user, "task.create", task_id=task.id, title=task.title)
            session.commit()
            self._titles.clear()
            return self.get(task.id)

    def update(self, task_id: int, user: str, **fields: Any) -> TaskView:
        """Change ``owner``, ``due``, ``title`` or ``acceptance`` (None keeps the value; "" clears
        owner and due)."""
        allowed = {"owner", "due", "title", "acceptance"}
        unknown = set(fields) - allowed
        if unknown:
            raise InputError(f"a task has no field {sorted(unknown)[0]!r} to change")
        with self.sessions() as session:
            task = self._get(session, task_id)
            changed: dict[str, Any] = {}
            for name, value in fields.items():
                if value is None:
                    continue
                if name == "title":
                    TaskDraft(title=value)  # validates
                if name in ("owner", "due") and value == "":
                    value = None
                if getattr(task, name) != value:
                    setattr(task, name, value)
                    changed[name] = value.isoformat() if isinstance(value, dt.date) else value
                    if name in ("title", "acceptance") and task.texts:
                        # The edit is what everyone reads now, whatever their language.
                        task.texts = {lang: {k: v for k, v in fields.items() if k != name}
                                      for lang, fields in task.texts.items()}
            if changed:
                self._audit(session, user, "task.update", task_id=task_id, **changed)
                session.commit()
                self._titles.clear()
            return to_view(task, self.tz)

    def comment(self, task_id: int, user: str, text: str) -> TaskView:
        text = text.strip()
        if not text:
            raise InputError("a comment cannot be empty")
        if len(text) > COMMENT_MAX:
            raise InputError(f"a comment has at most {COMMENT_MAX} characters")
        with self.sessions() as session:
            task = self._get(session, task_id)
            task.comments.append(TaskComment(author=user, text=text))
            self._audit(session, user, "task.comment", task_id=task_id)
            session.commit()
            return self.get(task_id)

    def move(
        self, task_id: int, status: str, user: str, *, as_of: dt.date,
        store: duckdb.DuckDBPyConnection | None = None, reason: str | None = None,
    ) -> TaskView:
        """Move a task to another column. Moving it to ``done`` closes it: a task with a data check
        is checked on the store up to ``as_of`` (only days after the day it was created count);
        it closes as ``verified`` when the check passes, else only with a ``reason`` (closure
        ``override``, the reason audit-logged) and ``CheckNotPassed`` without one (nothing
        changes). Without ``store`` a check cannot be judged."""
        new = check_status(status)
        note = (reason or "").strip() or None
        if note is not None and len(note) > REASON_MAX:
            raise InputError(f"a reason has at most {REASON_MAX} characters")
        with self.sessions() as session:
            task = self._get(session, task_id)
            old = task.status
            if old == new:
                return to_view(task, self.tz)
            detail: dict[str, Any] = {"task_id": task_id, "from": old, "to": new}
            now = self.clock()
            if new == "done":
                closure, result = "unchecked", None
                if task.acceptance_check:
                    created = _local_date(task.created_at, self.tz) or as_of
                    result = (run_check(store, task.acceptance_check, as_of,
                                        since=first_counted_day(created))
                              if store is not None else
                              CheckResult("unknown", as_of, [], "the store's data was not available"))
                    closure = "verified" if result.outcome == "passed" else "override"
                    if closure == "override" and note is None:
                        raise CheckNotPassed(task_id, task.acceptance_check, result, self.currency)
                    task.check_result = result.to_dict()
                    detail["check"] = result.outcome
                task.closed_at = now
                task.closed_by = user
                task.closure = closure
                task.close_reason = note if closure == "override" else None
                detail["closure"] = closure
                if task.close_reason:
                    detail["override_reason"] = task.close_reason
            else:
                task.closed_at = task.closed_by = task.closure = task.close_reason = None
            task.status = new
            self._audit(session, user, "task.move", when=now, **detail)
            session.commit()
            return to_view(task, self.tz)


def _history(
    store: duckdb.DuckDBPyConnection, metric: str, segment: Mapping[str, str],
    start: dt.date, end: dt.date,
) -> dict[dt.date, float | None]:
    from ecomops.metrics import METRICS, daily
    from ecomops.store.analytics import ibis_backend

    cur = store.cursor()
    try:
        if metric in METRICS:
            df = daily(ibis_backend(cur), [metric], [], start, end, as_of=end, filters=dict(segment))
            return {d: (None if v is None or v != v else float(v))
                    for d, v in zip(df["date"], df[metric], strict=True)}
        sql, params, _ = metric_sql(metric, start, end, filters=segment)
        rows = cur.execute(sql, params).fetchall()
    finally:
        cur.close()
    return {r[0]: (None if r[-1] is None else float(r[-1])) for r in rows}


def _is_sum(metric: str) -> bool:
    from ecomops.metrics import METRICS

    known = METRICS.get(metric)
    return known.kind == "sum" if known is not None else metric in BASE


def metric_history(
    store: duckdb.DuckDBPyConnection, metric: str, segment: Mapping[str, str],
    start: dt.date, end: dt.date,
) -> dict[dt.date, float | None]:
    """``metric`` on ``segment`` per day from ``start`` to ``end``: from the declared metric layer
    (``ecomops.metrics``) when it knows the metric, else from ``series``. ``InputError`` when
    neither can cut the metric by the segment's dimensions.

    A sum (orders, GMV...) is 0 on a day the segment had no rows while the store has data for
    that day (a SKU that sold nothing sold 0, it is not unknown); a day the whole store has no
    data for stays missing."""
    values = _history(store, metric, segment, start, end)
    span = (end - start).days + 1
    if not segment or not _is_sum(metric) or len(values) >= span:
        return values
    whole = _history(store, metric, {}, start, end)
    out: dict[dt.date, float | None] = {}
    for i in range(span):
        d = start + dt.timedelta(days=i)
        if d in values:
            out[d] = values[d]
        elif whole.get(d) is not None:
            out[d] = 0.0
    return out


def check_series(
    store: duckdb.DuckDBPyConnection, check: Check, as_of: dt.date
) -> dict[dt.date, float | None]:
    """The check's metric on its segment, day by day over the check's window."""
    start, end = window(check, as_of)
    return metric_history(store, check.metric, check.segment, start, end)


def run_check(
    store: duckdb.DuckDBPyConnection, raw: Mapping[str, Any], as_of: dt.date, *,
    since: dt.date | None = None,
) -> CheckResult:
    """Evaluate an acceptance check (counting only days from ``since``); a check the data cannot
    answer comes back ``unknown``."""
    try:
        check = Check.parse(raw)
        return evaluate(check, check_series(store, check, as_of), as_of, since=since)
    except EcomopsError as exc:
        return CheckResult("unknown", as_of, [], exc.message, since=since)
    except Exception as exc:  # a broken store must not stop a task from closing
        log.warning("acceptance check failed: %s", exc, exc_info=True)
        return CheckResult("unknown", as_of, [], f"the check could not run: {exc.__class__.__name__}",
                           since=since)
