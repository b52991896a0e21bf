"""The app database: users, API tokens, tasks, imports and the audit log.

SQLAlchemy 2 models; the schema is owned by Alembic migrations in ``migrations/`` and every
command upgrades to the newest revision when it opens the database (``open_app_db``). SQLite in
the workspace by default; PostgreSQL through ``[database] app_url``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from ecomops.errors import WorkspaceError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD_REVISION = "websec_0001"
"""The newest migration; ``open_app_db`` skips Alembic (2 s to import) when the database has it.
A test checks that it names Alembic's head."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default="zh_CN")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(Base):
    """An API token: only its SHA-256 is kept; it works until ``expires_at`` unless revoked
    (revoking deletes the row; a password reset or deactivation revokes all of a user's tokens)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Task(Base):
    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="todo")
    owner: Mapped[str | None] = mapped_column(String(80), nullable=True)
    owner_role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    acceptance: Mapped[str] = mapped_column(Text, default="")
    acceptance_check: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    check_result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    finding_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    brief_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    closure: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """How a done task was closed: ``verified`` (its data check passed), ``override`` (closed
    with a reason although the check failed or could not be judged) or ``unchecked`` (no data
    check); ``None`` while open (and for tasks closed before the column existed)."""
    close_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    texts: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """Title, acceptance and description per language (``{"zh_CN": {"title": ...}, "en": ...}``)
    when the task was made from a brief action that had them."""
    comments: Mapped[list[TaskComment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="TaskComment.id"
    )


class TaskComment(Base):
    __tablename__ = "task_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ImportRun(Base):
    __tablename__ = "import_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    source: Mapped[str] = mapped_column(Text)
    user: Mapped[str | None] = mapped_column(String(80), nullable=True)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rejects_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="running", server_default="finished")
    """``running`` while its process imports, then ``finished``, or ``failed`` (interrupted)"""
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    """the importing process, to tell a run still going from one whose process was killed"""
    warnings: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    """``[{"code", "file", "texts": {"zh_CN": ..., "en": ...}}]``: what the user must know"""


class WebSession(Base):
    """A console login: the cookie carries a random token, the table only its SHA-256."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LoginAttempt(Base):
    """Failed logins, kept so that rate limiting holds across restarts and worker processes."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    name: Mapped[str] = mapped_column(String(80))
    client: Mapped[str] = mapped_column(String(64))


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str | None] = mapped_column(String(80), nullable=True)
    action: Mapped[str] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def audit(session: Session, user: str | None, action: str, **detail: Any) -> None:
    """Add an audit row to ``session``; it is committed with the change it describes."""
    session.add(AuditLog(user=user, action=action, detail=detail))


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


SQLITE_BUSY_MS = 60_000
"""How long a SQLite app database waits for another process's write, in milliseconds."""


def _sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: Any, _record: Any) -> None:
        cur = dbapi_con.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
        # the console and the command line write the same file (a login, `user add`, an import's
        # history): wait for another process's write instead of Python's 5 s default
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cur.close()


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (``None`` for a new database)."""
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            return None


def open_app_db(url: str) -> sessionmaker[Any]:
    """Upgrade the app database at ``url`` to the newest migration and return a session maker."""
    try:
        engine = create_engine(url, future=True)
        _sqlite_pragmas(engine)
        if current_revision(engine) != HEAD_REVISION:
            from alembic import command

            cfg = alembic_config(url)
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        raise WorkspaceError(f"cannot open the app database: {exc.__class__.__name__}: {exc}") from exc
    return sessionmaker(engine, expire_on_commit=False)
