"""Read-only SQL on the analytics store (``ecomops sql``).

Two guards, because DuckDB's read-only mode alone still lets ``COPY ... TO`` write files and
``ATTACH`` open other databases: the statement types are checked before anything runs, and the
connection has external access switched off, so a query sees the workspace's tables only.

Two limits, because one query can otherwise take the machine (5M rows once took 1.5 GB): rows
are streamed from DuckDB in batches and stop after ``max_rows`` (the result says it was cut),
and a query still running after ``timeout`` seconds is interrupted (``QueryTimeout``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ecomops.errors import QueryRefused, QueryTimeout, WorkspaceError

ALLOWED = {
    duckdb.StatementType.SELECT,
    duckdb.StatementType.EXPLAIN,
    duckdb.StatementType.PRAGMA,
}
MAX_ROWS = 10_000
"""Default row cap of ``ecomops sql``."""
TIMEOUT = 30.0
"""Default time limit of ``ecomops sql``, in seconds."""
BATCH = 1_000


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False
    """True when the query had more rows than were asked for (``max_rows``)."""


@dataclass
class RowStream:
    """The rows of a running query, batch by batch; ``truncated`` is known after the last batch."""

    columns: list[str]
    _cur: duckdb.DuckDBPyConnection
    _cap: int | None
    _timeout: float | None
    _timed_out: threading.Event
    truncated: bool = False
    count: int = 0
    _done: bool = field(default=False, repr=False)

    def batches(self, size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
        """Lists of at most ``size`` rows (dicts by column), up to the cap."""
        while not self._done:
            if self._cap is None:
                raw = self._fetch(size)
                self._done = len(raw) < size
            else:
                left = self._cap - self.count
                n = min(size, left)
                last = n == left  # the batch that reaches the cap asks one row more: is there more?
                raw = self._fetch(n + 1 if last else n)
                if len(raw) > left:
                    self.truncated = True
                    raw = raw[:left]
                self._done = last or len(raw) < n
            self.count += len(raw)
            if raw:
                yield [dict(zip(self.columns, r, strict=True)) for r in raw]

    def _fetch(self, n: int) -> list[tuple[Any, ...]]:
        try:
            return self._cur.fetchmany(n)
        except duckdb.Error as exc:
            raise _failure(exc, self._timed_out, self._timeout) from exc


def _failure(exc: duckdb.Error, timed_out: threading.Event, timeout: float | None) -> Exception:
    if timed_out.is_set() or isinstance(exc, duckdb.InterruptException):
        return QueryTimeout(
            f"the query ran longer than {timeout:g} s and was stopped",
            hint="narrow it (WHERE, LIMIT) or give more time with --timeout SECONDS",
        )
    first = str(exc).strip().splitlines()[0]
    return QueryRefused(f"the query failed: {first}")


def check_read_only(sql: str) -> None:
    """Raise ``QueryRefused`` unless ``sql`` is exactly one reading statement."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"the SQL does not parse: {exc}") from exc
    if len(statements) != 1:
        raise QueryRefused(
            f"give exactly one statement (got {len(statements)})",
            hint="split the work into several `ecomops sql` calls",
        )
    kind = statements[0].type
    if kind not in ALLOWED:
        name = str(kind).rsplit(".", 1)[-1]
        raise QueryRefused(
            f"{name} statements are refused: `ecomops sql` only reads",
            hint="change data with `ecomops import`",
        )


@contextmanager
def stream_read_only(
    path: Path, sql: str, *, max_rows: int | None = MAX_ROWS, timeout: float | None = TIMEOUT,
    wait: float | None = None,
) -> Iterator[RowStream]:
    """Run one reading statement on the store at ``path``; its rows stream from the block.

    ``max_rows`` / ``timeout`` of ``None`` (or 0) mean no cap / no time limit. The time limit
    covers running the query and fetching its rows."""
    from ecomops.store.analytics import READ_WAIT, open_raw

    check_read_only(sql)
    if not path.exists():
        raise WorkspaceError(f"the analytics store {path} does not exist")
    con = open_raw(path, config={"enable_external_access": False},
                   wait=READ_WAIT if wait is None else wait)
    timed_out = threading.Event()
    timer: threading.Timer | None = None
    if timeout:
        def stop() -> None:
            timed_out.set()
            con.interrupt()

        timer = threading.Timer(timeout, stop)
        timer.daemon = True
    try:
        if timer is not None:
            timer.start()
        try:
            cur = con.execute(sql)
        except duckdb.Error as exc:
            raise _failure(exc, timed_out, timeout) from exc
        columns = [d[0] for d in cur.description or []]
        yield RowStream(columns, cur, max_rows or None, timeout, timed_out)
    finally:
        if timer is not None:
            timer.cancel()
        con.close()


def run_read_only(path: Path, sql: str, *, limit: int | None = None,
                  timeout: float | None = TIMEOUT) -> QueryResult:
    """Run one reading statement on the store at ``path`` and return its rows (at most ``limit``:
    ``truncated`` says whether there were more)."""
    with stream_read_only(path, sql, max_rows=limit, timeout=timeout) as stream:
        rows = [r for batch in stream.batches() for r in batch]
    return QueryResult(stream.columns, rows, stream.truncated)
