"""App state (users, sessions, tokens, tasks, audit) on SQLite and on a real PostgreSQL server.

The PostgreSQL server is Debian's (``scripts/test-system-deps`` installs it), started here on
127.0.0.1 on a free port for the session; ``ECOMOPS_TEST_PG_URL`` points at another server instead.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select

from ecomops.store.appdb import AuditLog, Base, open_app_db
from ecomops.tasks.model import TaskDraft
from ecomops.tasks.service import TaskBoard
from ecomops.web.accounts import Accounts, TooManyAttempts
from web_support import PASSWORD


def _free_port() -> int:
    """A loopback port nobody listens on (each xdist worker starts its own server)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_postgres() -> Iterator[str]:
    initdb = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not initdb:
        pytest.skip("PostgreSQL is not installed (scripts/test-system-deps installs it as root)")
    bindir = Path(initdb[-1]).parent
    port = _free_port()
    root = Path(tempfile.mkdtemp(prefix="ecomops-pg-"))
    data, run, log = root / "data", root / "run", root / "log"
    run.mkdir()
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(root, "postgres")
        shutil.chown(run, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_postgres, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8"], check=True, capture_output=True)
    subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                    "start", "-o", f"-c listen_addresses=127.0.0.1 -c port={port} "
                    f"-c unix_socket_directories={run} -c fsync=off"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    url = os.environ.get("ECOMOPS_TEST_PG_URL")
    if url:
        yield url
        return
    yield from _start_postgres()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"ecomops_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_migrations_build_exactly_the_models(app_url: str) -> None:
    sessions = open_app_db(app_url)
    engine = sessions.kw["bind"]
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        open_app_db(app_url).kw["bind"].dispose()  # opening again changes nothing
    finally:
        engine.dispose()


def test_users_sessions_tokens_and_rate_limits(app_url: str) -> None:
    sessions = open_app_db(app_url)
    try:
        accounts = Accounts(sessions)
        user = accounts.add_user("王小明", "operator", PASSWORD)
        assert accounts.authenticate("王小明", PASSWORD, "127.0.0.1") == user
        token, csrf = accounts.start_session(user)
        assert accounts.session_user(token) == (user, csrf)
        api = accounts.new_token("王小明")
        assert accounts.token_user(api) == user
        for _ in range(5):
            assert accounts.authenticate("王小明", "wrong-password", "10.0.0.9") is None
        with pytest.raises(TooManyAttempts):
            accounts.authenticate("王小明", PASSWORD, "127.0.0.1")
        accounts.end_session(token)
        assert accounts.session_user(token) is None
    finally:
        sessions.kw["bind"].dispose()


def test_tasks_comments_and_audit_rows(app_url: str) -> None:
    sessions = open_app_db(app_url)
    try:
        board = TaskBoard(sessions, "Asia/Shanghai")
        check = {"metric": "gmv", "segment": {"channel": "jd"}, "comparison": ">=", "threshold": 1}
        task = board.create(TaskDraft(title="核查京东主图", due=dt.date(2026, 11, 25),
                                      acceptance_check=check, finding_ids=("f-1",)), "alice")
        board.comment(task.id, "bob", "已处理")
        done = board.move(task.id, "done", "bob", as_of=dt.date(2026, 11, 24), reason="已人工核对")
        assert (done.closure, done.close_reason, done.closed_by) == ("override", "已人工核对", "bob")
        assert done.acceptance_check == check
        assert done.finding_ids == ("f-1",)
        assert [c.text for c in done.comments] == ["已处理"]
        with sessions() as s:
            assert [a.user for a in s.scalars(select(AuditLog).order_by(AuditLog.id))] == [
                "alice", "bob", "bob"]
    finally:
        sessions.kw["bind"].dispose()
