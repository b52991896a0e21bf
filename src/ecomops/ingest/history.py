"""The import history in the app database, and what an interrupted import leaves behind.

Every run is recorded as ``running`` with its process (pid and host) before anything is read,
and ``finished`` (or ``failed``) at the end. A run whose process was killed stays ``running``
with a process that no longer exists: ``mark_interrupted`` (called before each import and when
the console shows the history) marks it ``failed``; ``reclaim_space`` drops the staging tables
a killed import left in the analytics store and checkpoints, which gives their blocks back (the
store grew 16 → 139 MB over two killed imports before).
"""

from __future__ import annotations

import logging
import os
import socket
from typing import TYPE_CHECKING, Any

import duckdb

from ecomops.ingest.loader import STAGE_PREFIX
from ecomops.ingest.sqltext import ident

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from ecomops.ingest.report import ImportReport

log = logging.getLogger(__name__)

RUNNING, FINISHED, FAILED = "running", "finished", "failed"
INTERRUPTED = {
    "en": "The import was interrupted (its process ended before it finished); the files it was "
          "importing kept their previous rows.",
    "zh_CN": "导入被中断（进程在完成前结束）；正在导入的文件保留了导入前的数据。",
}


def this_host() -> str:
    return socket.gethostname()[:255]


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def mark_interrupted(sessions: sessionmaker[Session]) -> list[int]:
    """Mark ``failed`` the runs of this host still ``running`` whose process is gone; their ids."""
    from ecomops.store.appdb import ImportRun, utcnow

    host = this_host()
    failed: list[int] = []
    with sessions() as session:
        runs = session.query(ImportRun).filter(ImportRun.status == RUNNING).all()
        for run in runs:
            # A run of another machine (a shared PostgreSQL app database) cannot be checked here.
            if run.host != host or (run.pid is not None and process_alive(run.pid)):
                continue
            run.status = FAILED
            run.finished_at = utcnow()
            run.warnings = [*(run.warnings or []), {"code": "interrupted", "file": None,
                                                    "texts": dict(INTERRUPTED)}]
            failed.append(int(run.id))
        if failed:
            session.commit()
            log.warning("import run(s) %s were interrupted: marked failed", failed)
    return failed


def reclaim_space(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Drop staging tables left by killed imports and checkpoint; the tables dropped."""
    stale = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND starts_with(table_name, ?)",
        [STAGE_PREFIX],
    ).fetchall()]
    for name in stale:
        log.info("dropping %s, left by an interrupted import", name)
        con.execute(f"DROP TABLE IF EXISTS {ident(name)}")
    if stale:
        # The checkpoint writes the store without the dropped blocks and truncates the file.
        try:
            con.execute("CHECKPOINT")
        except duckdb.Error:  # another transaction is open (the console): the next one will
            log.warning("could not checkpoint after dropping %s", stale, exc_info=True)
    return stale


def start_run(sessions: sessionmaker[Session], source: str, user: str | None) -> int:
    """Record a new ``running`` import by this process; its id."""
    from ecomops.store.appdb import ImportRun

    with sessions() as session:
        run = ImportRun(source=source, user=user, summary={}, status=RUNNING, pid=os.getpid(),
                        host=this_host())
        session.add(run)
        session.commit()
        return int(run.id)


def finish_run(
    sessions: sessionmaker[Session], run_id: int, report: ImportReport | None,
    warnings: list[dict[str, Any]] | None = None, *, failed: bool = False,
) -> None:
    """Record the end of import ``run_id``: its report and warnings, ``finished`` or ``failed``."""
    from ecomops.store.appdb import ImportRun, utcnow

    with sessions() as session:
        run = session.get(ImportRun, run_id)
        if run is None:
            return
        run.finished_at = utcnow()
        run.status = FAILED if failed else FINISHED
        if report is not None:
            run.summary = report.to_dict()
            run.rejects_path = str(report.rejects_path) if report.rejects_path else None
        if warnings:
            run.warnings = warnings
        session.commit()
