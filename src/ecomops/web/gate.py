"""The server's one DuckDB connection to the analytics store.

DuckDB lets one process write a database file at a time, so the server opens the store once and
keeps it: page queries run on cursors of that connection (one per request, safe across threads),
and everything that uses the connection itself (imports, building a brief) runs one at a time
under ``lock``. Consequence: while ``ecomops serve`` runs, ``ecomops import`` in another process
cannot open the store; import through the console's Data page, or stop the server first.
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


class StoreGate:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.con = ws.analytics
        self.lock = threading.RLock()
        self.version = 0
        """Goes up with every import; caches key on it."""
        self.epoch = secrets.token_hex(4)
        """Names this process's start: with ``version``, a stamp of the data for browser caches."""

    @property
    def stamp(self) -> str:
        """Changes with every import and every restart (URLs of cacheable data carry it)."""
        return f"{self.epoch}.{self.version}"

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for this request's queries (its own connection to the same database)."""
        with self.lock:
            cur = self.con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def import_files(self, paths: list[Path], *, user: str, source: str) -> ImportReport:
        from ecomops.ingest.service import import_files

        with self.lock:
            try:
                return import_files(self.ws, paths, user=user, source=source)
            finally:
                self.version += 1
