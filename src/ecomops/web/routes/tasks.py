"""The task board: to do / doing / done; an action of the brief becomes a task in one click."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ecomops.errors import InputError, NoDataError
from ecomops.tasks.model import CLOSURES, STATUSES, TaskDraft, board, draft_from_action
from ecomops.tasks.service import CheckNotPassed
from ecomops.tasks.wording import Words
from ecomops.web.briefs import parse_date
from ecomops.web.deps import Console, OperatorForm, RowId, Viewer, console
from ecomops.web.routes.auth import safe_next

router = APIRouter(include_in_schema=False)


def store_today(c: Console) -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(c.ws.settings.store.timezone)).date()


def _back(form: Any, default: str) -> Response:
    return RedirectResponse(safe_next(str(form.get("next") or default)), status_code=303)


def _text(form: Any, name: str) -> str:
    return str(form.get(name) or "").strip()


def words(c: Console, lang: str) -> Words:
    """Sentences (checks, results, closures) for a reader of ``lang`` in the store's currency."""
    return Words(lang, c.ws.settings.store.currency)


def _users(c: Console) -> list[str]:
    return [u.name for u in c.accounts.users() if u.active]


@router.get("/tasks")
def tasks_page(request: Request, pu: Viewer) -> Response:
    from ecomops.web.pages import render

    c = console(request)
    today = store_today(c)
    return render(request, "tasks.html", pu, columns=board(c.board.list(), today), today=today,
                  statuses=STATUSES, closures=CLOSURES, users=_users(c), words=words(c, pu.lang))


@router.get("/tasks/{task_id}")
def task_page(request: Request, pu: Viewer, task_id: RowId) -> Response:
    from ecomops.web.pages import render

    c = console(request)
    return render(request, "task.html", pu, task=c.board.get(task_id), today=store_today(c),
                  statuses=STATUSES, users=_users(c), words=words(c, pu.lang))


@router.post("/tasks")
def create_task(request: Request, posted: OperatorForm) -> Response:
    pu, form = posted
    draft = TaskDraft(
        title=_text(form, "title"), description=_text(form, "description"),
        owner=_text(form, "owner") or None, due=parse_date(_text(form, "due")),
        acceptance=_text(form, "acceptance"),
    )
    task = console(request).board.create(draft, pu.user.name)
    return _back(form, f"/tasks#task-{task.id}")


@router.post("/tasks/from-action")
def task_from_action(request: Request, posted: OperatorForm) -> Response:
    """One click on an action of the brief: title, owner, due date, acceptance (and its machine
    check) prefilled from the action; the owner is the chosen user, else whoever clicked."""
    pu, form = posted
    c = console(request)
    day = c.briefs.day(_text(form, "date"))
    brief = c.briefs.get(day)
    try:
        priority = int(_text(form, "priority"))
    except ValueError as exc:
        raise InputError("choose an action of the brief") from exc
    action = next((a for a in brief.actions if a.priority == priority), None)
    if action is None:
        raise NoDataError(f"the brief of {day.isoformat()} has no action {priority}")
    draft = draft_from_action(action.to_dict(), brief_date=day,
                              owner=_text(form, "owner") or pu.user.name,
                              findings=[f.to_dict() for f in brief.findings])
    task = c.board.create(draft, pu.user.name)
    return _back(form, f"/tasks#task-{task.id}")


@router.post("/tasks/{task_id}/move")
def move_task(request: Request, posted: OperatorForm, task_id: RowId) -> Response:
    from ecomops.web.pages import render

    pu, form = posted
    c = console(request)
    as_of = c.briefs.default_date()
    try:
        with c.gate.reader() as cur:
            c.board.move(task_id, _text(form, "status"), pu.user.name, as_of=as_of, store=cur,
                         reason=_text(form, "override_reason"))
    except CheckNotPassed as refused:
        # The task page again, with the sentence and the reason field open; nothing changed.
        w = words(c, pu.lang)
        return render(request, "task.html", pu, status=409, task=c.board.get(task_id),
                      today=store_today(c), statuses=STATUSES, users=_users(c), words=w,
                      refusal=refused.message_in(pu.lang, w.currency),
                      latest=refused.result.to_dict())
    return _back(form, f"/tasks#task-{task_id}")


@router.post("/tasks/{task_id}/edit")
def edit_task(request: Request, posted: OperatorForm, task_id: RowId) -> Response:
    pu, form = posted
    fields: dict[str, Any] = {}
    for name in ("owner", "title", "acceptance"):
        if name in form:
            fields[name] = _text(form, name)
    if "due" in form:
        due = _text(form, "due")
        fields["due"] = parse_date(due) if due else ""
    console(request).board.update(task_id, pu.user.name, **fields)
    return _back(form, f"/tasks/{task_id}")


@router.post("/tasks/{task_id}/comment")
def comment_task(request: Request, posted: OperatorForm, task_id: RowId) -> Response:
    pu, form = posted
    console(request).board.comment(task_id, pu.user.name, str(form.get("text") or ""))
    return _back(form, f"/tasks/{task_id}")
