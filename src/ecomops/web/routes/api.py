"""The REST API: ``Authorization: Bearer TOKEN`` on every route; viewers read, operators change."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from ecomops.errors import InputError, NoDataError
from ecomops.i18n import translations
from ecomops.store.appdb import ImportRun
from ecomops.tasks.model import TaskDraft, draft_from_action
from ecomops.tasks.reports import end_of_day, standup
from ecomops.tasks.series import metric_sql
from ecomops.tasks.service import CheckNotPassed
from ecomops.web.briefs import parse_date
from ecomops.web.deps import ApiOperator, ApiViewer, RowId, console
from ecomops.web.routes.insight import brief_soon
from ecomops.web.routes.tasks import store_today

router = APIRouter(prefix="/api", tags=["api"])


class NewTask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=300)
    description: str = ""
    owner: str | None = None
    due: dt.date | None = None
    acceptance: str = ""
    check: dict[str, Any] | None = None


class FromAction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date | None = None
    priority: int
    owner: str | None = None


class TaskChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: str | None = None
    owner: str | None = None
    due: dt.date | None = None
    title: str | None = None
    acceptance: str | None = None
    comment: str | None = None
    override_reason: str | None = Field(
        None, max_length=1000,
        description="Why the task is closed although its data check failed or cannot be judged "
        "yet (with status done); audit-logged. Without it such a closure is refused with 409.")


def _day(request: Request, date: str | None) -> dt.date:
    return console(request).briefs.day(date)


@router.get("/brief", summary="The morning brief of a date (BRIEF.md)",
            response_class=Response, responses={200: {"content": {"application/json": {}}}})
async def brief(request: Request, _user: ApiViewer,
                date: str | None = Query(None, description="YYYY-MM-DD; default: yesterday")) -> Response:
    briefs = console(request).briefs
    b = await brief_soon(request, date)
    body = briefs.derived(("json", b.date), lambda: json.dumps(
        b.to_dict(), ensure_ascii=False, allow_nan=False, default=str).encode("utf-8"))
    return Response(body, media_type="application/json")


@router.get("/me", summary="The user the token belongs to")
def me(user: ApiViewer) -> dict[str, Any]:
    return {"name": user.name, "role": user.role, "language": user.language}


@router.get("/tasks", summary="Tasks of the board")
def tasks(request: Request, _user: ApiViewer, status: str | None = None) -> list[dict[str, Any]]:
    return [t.to_dict() for t in console(request).board.list(status=status)]


@router.get("/tasks/{task_id}", summary="One task with its comments")
def task(request: Request, _user: ApiViewer, task_id: RowId) -> dict[str, Any]:
    return console(request).board.get(task_id).to_dict()


@router.post("/tasks", status_code=201, summary="Create a task")
def create_task(request: Request, user: ApiOperator, body: NewTask) -> dict[str, Any]:
    draft = TaskDraft(title=body.title, description=body.description, owner=body.owner, due=body.due,
                      acceptance=body.acceptance, acceptance_check=body.check)
    return console(request).board.create(draft, user.name).to_dict()


@router.post("/tasks/from-action", status_code=201, summary="Make a task of an action of the brief")
def from_action(request: Request, user: ApiOperator, body: FromAction) -> dict[str, Any]:
    c = console(request)
    day = body.date or c.briefs.default_date()
    b = c.briefs.get(day)
    action = next((a for a in b.actions if a.priority == body.priority), None)
    if action is None:
        raise NoDataError(f"the brief of {day.isoformat()} has no action {body.priority}")
    draft = draft_from_action(action.to_dict(), brief_date=day, owner=body.owner or user.name,
                              findings=[f.to_dict() for f in b.findings])
    return c.board.create(draft, user.name).to_dict()


@router.patch("/tasks/{task_id}", summary="Move, assign, edit or comment on a task",
              responses={409: {"description": "Closing refused: the data check has not passed and "
                                              "no override_reason was given; nothing changed"}})
def change_task(request: Request, user: ApiOperator, task_id: RowId, body: TaskChange) -> Any:
    c = console(request)
    if body.title is not None:
        TaskDraft(title=body.title)  # refused before anything changes
    if body.status:
        try:
            with c.gate.reader() as cur:
                c.board.move(task_id, body.status, user.name, as_of=c.briefs.default_date(), store=cur,
                             reason=body.override_reason)
        except CheckNotPassed as refused:
            return JSONResponse({
                "error": refused.code,
                "message": refused.message_in(user.language, c.ws.settings.store.currency),
                "check_result": refused.result.to_dict(),
            }, status_code=409)
    c.board.update(task_id, user.name, owner=body.owner, due=body.due, title=body.title,
                   acceptance=body.acceptance)
    if body.comment:
        c.board.comment(task_id, user.name, body.comment)
    return c.board.get(task_id).to_dict()


@router.get("/series", summary="A metric per day (and per dimension), with filters")
def series(
    request: Request, _user: ApiViewer, metric: str, start: str | None = None, end: str | None = None,
    by: str | None = None, channel: str | None = None, category: str | None = None,
    source: str | None = None, sku: str | None = None,
) -> dict[str, Any]:
    last = _day(request, end)
    first = parse_date(start) or last - dt.timedelta(days=27)
    if (last - first).days > 800:
        raise InputError("ask for at most 800 days at a time")
    filters = {k: v for k, v in {"channel": channel, "category": category, "source": source,
                                 "sku": sku}.items() if v}
    sql, params, columns = metric_sql(metric, first, last, by=[by] if by else [], filters=filters)
    with console(request).gate.reader() as cur:
        rows = cur.execute(sql, params).fetchall()
    return {"metric": metric, "columns": columns,
            "rows": [[v.isoformat() if isinstance(v, dt.date) else v for v in r] for r in rows]}


@router.get("/imports", summary="Import history")
def imports(request: Request, _user: ApiViewer, limit: int = Query(50, ge=1, le=500)) -> list[dict[str, Any]]:
    with console(request).ws.app_sessions() as session:
        runs = session.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit))
        return [{"id": r.id, "source": r.source, "user": r.user, "started_at": r.started_at.isoformat(),
                 "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                 "total_rejected": (r.summary or {}).get("total_rejected"),
                 "tables": (r.summary or {}).get("tables", {})} for r in runs]


@router.get("/reports/{kind}", summary="Stand-up (standup) or end-of-day (eod) report")
def team_report(request: Request, user: ApiViewer, kind: str, date: str | None = None) -> dict[str, Any]:
    c = console(request)
    _ = translations(user.language).gettext
    if kind == "standup":
        day = _day(request, date)
        return standup(c.briefs.get(day).to_dict(), c.board.list(), day, _, user.language).to_dict()
    if kind == "eod":
        return end_of_day(c.board.list(), parse_date(date) or store_today(c), _, user.language).to_dict()
    raise NoDataError(f"there is no {kind!r} report: use standup or eod")
