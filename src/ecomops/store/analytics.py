"""The DuckDB analytics store: one file per workspace, tables named as in DATA.md.

``ensure_schema`` creates missing tables and adds columns that a newer contract added, so every
command migrates the store forward by itself. Keys are enforced by the importer's set-based
upserts, not by DuckDB indexes: an ART index over 10M order lines costs more memory and load
time than the anti-join it would save.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import duckdb

from ecomops.errors import StoreBusy, WorkspaceError
from ecomops.store import derived
from ecomops.store.schema import EXTRAS_COLUMN, TABLES, Table

if TYPE_CHECKING:
    from ibis.backends.duckdb import Backend as IbisDuckDB

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

QueryInterrupted = duckdb.InterruptException
"""Raised in a query that ``connection.interrupt()`` stopped (a server shutting down): callers
that carry on after a failed step let this one through."""


def create_table_sql(table: Table, name: str | None = None) -> str:
    """``CREATE TABLE`` for a contract table (optionally under another name, for staging)."""
    cols = [f'"{c.name}" {c.sql_type}' for c in table.columns]
    if table.extras:
        cols.append(f'"{EXTRAS_COLUMN}" JSON')
    return f'CREATE TABLE IF NOT EXISTS "{name or table.name}" ({", ".join(cols)})'


def add_missing_columns(
    con: duckdb.DuckDBPyConnection, table: str, wanted: Sequence[tuple[str, str]]
) -> list[str]:
    """Add the columns of ``wanted`` (name, DuckDB type) that ``table`` lacks; their names."""
    if not wanted:
        return []
    have = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
    }
    added = [name for name, _ in wanted if name not in have]
    for name, sql_type in wanted:
        if name in added:
            con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {sql_type}')
    return added


def _wanted(table: Table) -> list[tuple[str, str]]:
    wanted = [(c.name, c.sql_type) for c in table.columns]
    if table.extras:
        wanted.append((EXTRAS_COLUMN, "JSON"))
    return wanted + list(derived.DERIVED.get(table.name, ()))


def schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store has every table and column ``ensure_schema`` would create (a read-only
    connection can then use it as it is)."""
    have: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'main'"
    ).fetchall():
        have.setdefault(table, set()).add(column)
    if "_ecomops_meta" not in have:
        return False
    return all(
        name in have.get(table.name, ()) for table in TABLES.values() for name, _ in _wanted(table)
    )


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every contract table, add any column the contract gained since and the store's
    derived columns (``store.derived``), filling those in a store made before them.

    A store that is already current is not written to at all (so opening it for writing and
    closing it again leaves the file as it was)."""
    if schema_is_current(con):
        return
    con.execute(
        "CREATE TABLE IF NOT EXISTS _ecomops_meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
    )
    to_fill = []
    for table in TABLES.values():
        con.execute(create_table_sql(table))
        for name in add_missing_columns(con, table.name, _wanted(table)):
            log.info("adding column %s.%s", table.name, name)
            if name in derived.names(table.name):
                to_fill.append(table.name)
    for name in dict.fromkeys(to_fill):  # after the loop: filling reads the other tables
        derived.refresh(con, name)
    con.execute(
        "INSERT OR REPLACE INTO _ecomops_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
    )


def _holder(message: str) -> str:
    """Who holds the store, from DuckDB's lock message ("... held in /usr/bin/python (PID 42)"):
    "`ecomops serve`, PID 42", "python3.11, PID 42" or "" when the message names nobody."""
    found = re.search(r"\(PID (\d+)\)", message)
    if not found:
        return ""
    pid = found.group(1)
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return f"PID {pid}"
    words = [w.decode(errors="replace") for w in raw if w]
    for i, word in enumerate(words):
        if Path(word).name == "ecomops" or word == "ecomops.cli.main":
            command = next((w for w in words[i + 1:] if w in COMMANDS), None)
            return f"`ecomops {command}`, PID {pid}" if command else f"ecomops, PID {pid}"
    return f"{Path(words[0]).name}, PID {pid}" if words else f"PID {pid}"


COMMANDS = ("import", "serve", "demo", "brief", "sql", "replenish", "inventory", "init", "explain")
"""``ecomops`` commands named in the message about who holds the store."""


def _open(path: Path | str, read_only: bool, wait: float,
          on_wait: Callable[[str], None] | None,
          config: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect``, retried while another process holds a conflicting lock (up to ``wait``
    seconds: an import writing the store, or readers while this one wants to write)."""
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config or {})
            quiet(con)
            return con
        except duckdb.Error as exc:
            text = str(exc)
            if "Conflicting lock" not in text:
                raise WorkspaceError(f"cannot open the analytics store {path}: {exc}") from exc
            holder = _holder(text)
            who = f"another process ({holder})" if holder else "another process"
            if time.monotonic() >= deadline:
                if read_only:
                    raise StoreBusy(
                        f"the analytics store {path} is being written by {who}: still busy after "
                        f"{wait:.0f} s", who=holder or "?",
                        hint="try again when that import has finished",
                    ) from exc
                raise StoreBusy(
                    f"the analytics store {path} is in use by {who}: still busy after {wait:.0f} s",
                    who=holder or "?", hint="import through the console's Data page, or try again when it "
                    "is idle") from exc
            if not told and on_wait is not None:
                on_wait(f"the analytics store is in use by {who}; waiting up to {wait:.0f} s")
                told = True
            time.sleep(RETRY_SECONDS)


def quiet(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No progress bar on ``con``: DuckDB draws one on standard output for queries over 2 s, in
    the middle of a command's JSON or a server's log (a session setting: each cursor needs it)."""
    con.execute("SET enable_progress_bar = false")
    return con


READ_WAIT = 120.0
"""Seconds a reader waits for an import in another process to finish."""
WRITE_WAIT = 120.0
"""Seconds a writer waits for other processes (the console, a brief) to let go of the store."""
RETRY_SECONDS = 0.1


def open_raw(path: Path | str, *, config: dict[str, Any] | None = None, wait: float = READ_WAIT,
             on_wait: Callable[[str], None] | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store as it is (no migration), with DuckDB ``config``;
    waits like ``connect`` while an import holds the store."""
    return _open(path, True, wait, on_wait, config)


def connect(
    path: Path | str, *, read_only: bool = False, wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the analytics store at ``path`` (``":memory:"`` for a throwaway store).

    For writing, the schema is migrated forward (``ensure_schema``). For reading, a store whose
    schema is behind (or a missing file) is migrated by a short write connection first, so that
    reads never need the write lock otherwise. While another process holds a conflicting lock,
    the open is retried for ``wait`` seconds (``READ_WAIT`` / ``WRITE_WAIT``); ``on_wait`` is told
    once who holds it.
    """
    if wait is None:
        wait = READ_WAIT if read_only else WRITE_WAIT
    if read_only and str(path) != ":memory:":
        if Path(path).exists():
            con = _open(path, True, wait, on_wait)
            if schema_is_current(con):
                return con
            con.close()
        _open_for_writing(path, wait, on_wait).close()  # migrates, then lets go
        return _open(path, True, wait, on_wait)
    return _open_for_writing(path, wait, on_wait)


def _open_for_writing(path: Path | str, wait: float,
                      on_wait: Callable[[str], None] | None) -> duckdb.DuckDBPyConnection:
    con = _open(path, False, wait, on_wait)
    try:
        ensure_schema(con)
    except BaseException:
        con.close()
        raise
    return con


class LazyIbisDuckDB:
    """An Ibis DuckDB backend over ``con`` that imports Ibis the first time it is really needed.

    The metric layer runs SQL it compiled before (``metrics.compiled``, kept on disk between
    runs) through ``raw_sql``, which needs only the DuckDB connection; building and compiling a
    new expression, or any other backend call, imports Ibis and delegates to the real backend.
    Importing Ibis and its SQL compilers is ~0.6 s, an eighth of a CLI brief at demo scale.
    """

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._backend: IbisDuckDB | None = None

    def raw_sql(self, query: str) -> duckdb.DuckDBPyConnection:
        """Execute ``query`` on the connection (what Ibis's ``raw_sql`` does with a string)."""
        return self.con.execute(query)

    @property
    def backend(self) -> IbisDuckDB:
        if self._backend is None:
            import ibis

            self._backend = ibis.duckdb.from_connection(self.con)
        return self._backend

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)


def ibis_backend(con: duckdb.DuckDBPyConnection) -> IbisDuckDB:
    """An Ibis backend over an open DuckDB connection (metrics are Ibis expressions), imported
    lazily (``LazyIbisDuckDB``)."""
    return cast("IbisDuckDB", LazyIbisDuckDB(con))
