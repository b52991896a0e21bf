"""The server's connection to the analytics store, held only while it is used.

DuckDB lets one process write a database file, or any number of processes read it, at a time.
The server reads through a read-only connection, so ``ecomops brief``, ``sql`` and the other
readers run next to it. The connection is opened when a request needs it and closed after
``IDLE_SECONDS`` without use, so that an ``ecomops import`` in another process (which waits for
the readers to let go) gets its turn; requests arriving during that import wait for it. An import
through the console's Data page closes the read connection, writes through a read-write one
(waiting for other processes' readers), and closes it again.

Page queries run on cursors of the connection (one per request, safe across threads); building a
brief runs on its own cursor too (``session``). ``version`` goes up with every import, this
server's or another process's (the store file changed while the connection was closed), so
caches keyed on it show fresh data.

A workspace whose analytics connection is already open when the gate is made (tests, a script
that imported first) is read through that connection, which the gate never closes.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from ecomops.ingest.report import ImportReport
    from ecomops.workspace import Workspace

IDLE_SECONDS = 1.0
"""How long the read connection stays open after its last use (opening one costs ~0.1 s)."""


def file_stamp(path: Path) -> tuple[int, ...]:
    """What changes when a process writes the store: its file's and its WAL's size and time."""
    out: list[int] = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = p.stat()
        except OSError:
            out += [0, 0, 0]
            continue
        out += [st.st_ino, st.st_size, st.st_mtime_ns]
    return tuple(out)


class StoreGate:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._borrowed: duckdb.DuckDBPyConnection | None = ws.__dict__.get("analytics")
        self._con: duckdb.DuckDBPyConnection | None = self._borrowed
        self._cond = threading.Condition()
        self._users = 0
        self._writing = False
        self._want_write = False
        self._opening = False
        self._local = threading.local()
        self._cursors: set[duckdb.DuckDBPyConnection] = set()
        self._timer: threading.Timer | None = None
        self._closed = False
        self.lock = threading.RLock()
        """Held while a brief is built or an import runs: they happen one at a time."""
        self._version = 0
        self._stamp = file_stamp(ws.analytics_path)
        self.epoch = secrets.token_hex(4)
        """Names this process's start: with ``version``, a stamp of the data for browser caches."""

    @property
    def version(self) -> int:
        """Goes up with every import; caches key on it."""
        with self._cond:
            if self._con is None and not (self._writing or self._opening):
                self._notice_changes()
            return self._version

    def _notice_changes(self) -> None:
        stamp = file_stamp(self.ws.analytics_path)
        if stamp != self._stamp:
            self._stamp = stamp
            self._version += 1

    @property
    def stamp(self) -> str:
        """Changes with every import and every restart (URLs of cacheable data carry it)."""
        return f"{self.epoch}.{self.version}"

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for this request's queries (its own connection to the same database).

        Opens the store when it is closed; while another process imports, waits for it (up to
        ``[database] store_wait_seconds``, then ``WorkspaceError`` says who holds it)."""
        from ecomops.store import analytics

        depth: int = getattr(self._local, "depth", 0)
        with self._cond:
            # a thread already reading gets its second cursor at once (the connection is open and
            # a waiting import waits for that thread); others let a waiting import go first
            while depth == 0 and (self._writing or self._want_write):
                self._cond.wait()
            if self._closed:
                raise RuntimeError("the store gate is closed")
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._users += 1
            while self._con is None and self._opening:
                self._cond.wait()
            opener = self._con is None
            if opener:
                self._opening = True
        try:
            if opener:
                self._open()
            with self._cond:
                assert self._con is not None
                cur = self._con.cursor()
                self._cursors.add(cur)
            analytics.quiet(cur)
        except BaseException:
            self._release()
            raise
        self._local.depth = depth + 1
        try:
            yield cur
        finally:
            self._local.depth = depth
            cur.close()
            with self._cond:
                self._cursors.discard(cur)
            self._release()

    def _open(self) -> None:
        """Open the read connection (outside the condition's lock: it may wait for an import)."""
        from ecomops.store import analytics

        try:
            con = analytics.connect(self.ws.analytics_path, read_only=True, wait=self.ws.store_wait)
        finally:
            with self._cond:
                self._opening = False
                self._cond.notify_all()
        with self._cond:
            self._notice_changes()
            self._con = con

    def _release(self) -> None:
        with self._cond:
            self._users -= 1
            if self._users == 0:
                self._cond.notify_all()
                self._schedule_close()

    @contextmanager
    def session(self) -> Iterator[Workspace]:
        """The workspace reading through a cursor of this gate (for ``build_brief(ws, ...)``)."""
        with self.reader() as cur:
            yield self.ws.with_analytics(cur)

    def _schedule_close(self) -> None:
        if self._borrowed is not None or self._con is None:
            return
        timer = threading.Timer(IDLE_SECONDS, self._close_if_idle)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _close_if_idle(self) -> None:
        with self._cond:
            if self._users == 0 and self._con is not None and self._borrowed is None:
                self._con.close()
                self._con = None
                self._stamp = file_stamp(self.ws.analytics_path)
            self._timer = None

    def interrupt(self) -> None:
        """Stop the queries running on the gate's connection (the server is shutting down)."""
        with self._cond:
            live = list(self._cursors)
        for cur in live:
            try:
                cur.interrupt()
            except Exception:  # the query may have finished and closed it
                continue

    def close(self) -> None:
        """Let go of the store (after the last request). A borrowed connection stays open."""
        with self._cond:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._con is not None and self._borrowed is None and self._users == 0:
                self._con.close()
                self._con = None

    def import_files(self, paths: list[Path], *, user: str, source: str) -> ImportReport:
        """Import ``paths``: waits for this server's readers, writes, then lets go of the store."""
        from ecomops.ingest.service import import_files

        with self.lock:
            if self._borrowed is not None:
                try:
                    return import_files(self.ws, paths, user=user, source=source)
                finally:
                    with self._cond:
                        self._version += 1
            with self._cond:
                while self._writing or self._want_write:
                    self._cond.wait()
                self._want_write = True
                while self._users:
                    self._cond.wait()
                self._want_write = False
                self._writing = True
                if self._timer is not None:
                    self._timer.cancel()
                    self._timer = None
                if self._con is not None:
                    self._con.close()
                    self._con = None
            writer = self.ws.for_writing()
            try:
                return import_files(writer, paths, user=user, source=source)
            finally:
                writer.close_analytics()
                with self._cond:
                    self._writing = False
                    self._version += 1
                    self._stamp = file_stamp(self.ws.analytics_path)
                    self._cond.notify_all()
