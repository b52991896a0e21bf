"""The DuckDB analytics store: one file per workspace, tables named as in DATA.md.

``ensure_schema`` creates missing tables and adds columns that a newer contract added, so every
command migrates the store forward by itself. Keys are enforced by the importer's set-based
upserts, not by DuckDB indexes: an ART index over 10M order lines costs more memory and load
time than the anti-join it would save.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import duckdb

from ecomops.errors import WorkspaceError
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


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every contract table, add any column the contract gained since and the store's
    derived columns (``store.derived``), filling those in a store made before them."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS _ecomops_meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
    )
    to_fill = []
    for table in TABLES.values():
        con.execute(create_table_sql(table))
        wanted = [(c.name, c.sql_type) for c in table.columns]
        if table.extras:
            wanted.append((EXTRAS_COLUMN, "JSON"))
        wanted += derived.DERIVED.get(table.name, ())
        for name in add_missing_columns(con, table.name, wanted):
            log.info("adding column %s.%s", table.name, name)
            if name in derived.names(table.name):
                to_fill.append(table.name)
    for name in dict.fromkeys(to_fill):  # after the loop: filling reads the other tables
        derived.refresh(con, name)
    con.execute(
        "INSERT OR REPLACE INTO _ecomops_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
    )


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the analytics store at ``path`` (``":memory:"`` for a throwaway store)."""
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        if "Conflicting lock" in str(exc):  # DuckDB: one process per database file
            raise WorkspaceError(
                f"the analytics store {path} is in use by another process (`ecomops serve`?): "
                "import through the console's Data page, or stop that process first") from exc
        raise WorkspaceError(f"cannot open the analytics store {path}: {exc}") from exc
    if not read_only:
        ensure_schema(con)
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
