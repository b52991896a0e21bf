"""Task statuses, the board, the overdue rule and drafts prefilled from a brief's action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from ecomops.errors import InputError

Status = Literal["todo", "doing", "done"]
STATUSES: tuple[Status, ...] = get_args(Status)
Closure = Literal["verified", "override", "unchecked"]
"""How a done task was closed: its data check passed / closed with a reason although the check
failed or could not be judged yet / it has no data check."""
CLOSURES: tuple[Closure, ...] = get_args(Closure)
TITLE_MAX = 300
TEXT_LANGS = ("zh_CN", "en")
TEXT_FIELDS = ("title", "acceptance", "description")
Texts = dict[str, dict[str, str]]


@dataclass(frozen=True)
class TaskDraft:
    """What a new task is made of; the web form shows it prefilled before it is saved."""

    title: str
    description: str = ""
    owner: str | None = None
    owner_role: str | None = None
    due: dt.date | None = None
    acceptance: str = ""
    acceptance_check: dict[str, Any] | None = None
    finding_ids: tuple[str, ...] = field(default=())
    brief_date: dt.date | None = None
    texts: Texts | None = None
    """Title, acceptance and description per language (``TEXT_LANGS``), from a brief action's
    ``texts``; the plain fields stay in the store's language."""

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise InputError("a task needs a title")
        if len(self.title) > TITLE_MAX:
            raise InputError(f"a task title has at most {TITLE_MAX} characters")
        for lang, fields in (self.texts or {}).items():
            if lang not in TEXT_LANGS or set(fields) - set(TEXT_FIELDS):
                raise InputError(f"a task's texts are {', '.join(TEXT_FIELDS)} in {' or '.join(TEXT_LANGS)}")
            if len(fields.get("title", "")) > TITLE_MAX:
                raise InputError(f"a task title has at most {TITLE_MAX} characters")


def text_of(texts: Mapping[str, Mapping[str, str]] | None, field_name: str, lang: str | None,
            fallback: str) -> str:
    """``texts[lang][field_name]`` when present and not empty, else ``fallback`` (the stored text,
    also for ``lang`` None: no reader's language given)."""
    from ecomops.i18n import normalize

    if lang is None:
        return fallback
    try:
        code = normalize(lang)
    except InputError:
        return fallback
    return str((texts or {}).get(code, {}).get(field_name) or "") or fallback


def check_status(value: str) -> Status:
    if value not in STATUSES:
        raise InputError(f"unknown task status {value!r}: use one of {', '.join(STATUSES)}")
    return value  # type: ignore[return-value]


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def draft_from_action(
    action: Mapping[str, Any], *, brief_date: dt.date | None, owner: str | None = None,
    findings: Iterable[Mapping[str, Any]] = (),
) -> TaskDraft:
    """A task draft from one ``actions[]`` entry of the brief (BRIEF.md): title, owner role,
    due date, acceptance and its machine check carried over; the findings it answers summarised
    in the description."""
    ids = tuple(str(i) for i in action.get("finding_ids") or ())
    answered = [f for f in findings if f.get("id") in ids]
    summaries = [str(f.get("summary", "")) for f in answered]
    check = action.get("check")
    return TaskDraft(
        title=str(action.get("title") or "").strip()[:TITLE_MAX] or "(untitled action)",
        description="\n".join(s for s in summaries if s),
        owner=owner,
        owner_role=action.get("owner_role"),
        due=_date(action.get("due")),
        acceptance=str(action.get("acceptance") or ""),
        acceptance_check=dict(check) if isinstance(check, Mapping) else None,
        finding_ids=ids,
        brief_date=brief_date,
        texts=_texts_from_action(action, answered),
    )


def _texts_from_action(action: Mapping[str, Any], findings: list[Mapping[str, Any]]) -> Texts | None:
    """Both languages of an action (its optional ``texts``) and of the findings it answers."""
    raw = action.get("texts")
    if not isinstance(raw, Mapping):
        return None
    out: Texts = {}
    for lang in TEXT_LANGS:
        given = raw.get(lang)
        if not isinstance(given, Mapping):
            continue
        fields = {k: str(given[k]).strip()[:TITLE_MAX] if k == "title" else str(given[k])
                  for k in ("title", "acceptance") if given.get(k)}
        lines = [text_of(f.get("texts"), "summary", lang, str(f.get("summary") or "")) for f in findings]
        if any(lines):
            fields["description"] = "\n".join(s for s in lines if s)
        if fields:
            out[lang] = fields
    return out or None


def closure_of(status: str, stored: str | None, check: Mapping[str, Any] | None,
               result: Mapping[str, Any] | None) -> Closure | None:
    """How a task was closed (``None`` while open). Tasks closed before closures were recorded:
    verified when their check passed, ``override`` when it did not, ``unchecked`` without one."""
    if status != "done":
        return None
    if stored in CLOSURES:
        return stored  # type: ignore[return-value]
    if not check:
        return "unchecked"
    return "verified" if (result or {}).get("outcome") == "passed" else "override"


def is_overdue(status: str, due: dt.date | None, today: dt.date) -> bool:
    """Open (not done) and its due date has passed."""
    return status != "done" and due is not None and due < today


def board(tasks: Iterable[Any], today: dt.date) -> dict[Status, list[Any]]:
    """Tasks by status column; within a column overdue first, then by due date, then newest."""
    columns: dict[Status, list[Any]] = {s: [] for s in STATUSES}
    for t in tasks:
        columns[check_status(t.status)].append(t)
    for items in columns.values():
        items.sort(key=lambda t: (
            not is_overdue(t.status, t.due, today),
            t.due or dt.date.max,
            -(t.id or 0),
        ))
    return columns


@dataclass(frozen=True)
class Comment:
    author: str
    text: str
    at: dt.datetime


@dataclass(frozen=True)
class TaskView:
    """A task as front ends and reports see it (dates already in the store's time zone)."""

    id: int
    title: str
    status: Status
    description: str = ""
    owner: str | None = None
    owner_role: str | None = None
    due: dt.date | None = None
    acceptance: str = ""
    acceptance_check: dict[str, Any] | None = None
    check_result: dict[str, Any] | None = None
    finding_ids: tuple[str, ...] = ()
    brief_date: dt.date | None = None
    created_by: str | None = None
    created_on: dt.date | None = None
    closed_on: dt.date | None = None
    comments: tuple[Comment, ...] = ()
    closure: Closure | None = None
    close_reason: str | None = None
    closed_by: str | None = None
    texts: Texts = field(default_factory=dict)

    def overdue(self, today: dt.date) -> bool:
        return is_overdue(self.status, self.due, today)

    def text(self, field_name: str, lang: str | None) -> str:
        """Title, acceptance or description in ``lang``, else as stored (the store's language)."""
        return text_of(self.texts, field_name, lang, str(getattr(self, field_name)))

    def to_dict(self) -> dict[str, Any]:
        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "id": self.id, "title": self.title, "status": self.status,
            "description": self.description, "owner": self.owner, "owner_role": self.owner_role,
            "due": iso(self.due), "acceptance": self.acceptance, "check": self.acceptance_check,
            "check_result": self.check_result, "finding_ids": list(self.finding_ids),
            "brief_date": iso(self.brief_date), "created_by": self.created_by,
            "created_on": iso(self.created_on), "closed_on": iso(self.closed_on),
            "closed_by": self.closed_by, "closure": self.closure, "close_reason": self.close_reason,
            "texts": self.texts,
            "comments": [{"author": c.author, "text": c.text, "at": c.at.isoformat()}
                         for c in self.comments],
        }
