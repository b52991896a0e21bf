"""Read-only SQL on the analytics store (``ecomops sql``).

Two guards, because DuckDB's read-only mode alone still lets ``COPY ... TO`` write files and
``ATTACH`` open other databases: the statement types are checked before anything runs, and the
connection has external access switched off, so a query sees the workspace's tables only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from ecomops.errors import QueryRefused, WorkspaceError

ALLOWED = {
    duckdb.StatementType.SELECT,
    duckdb.StatementType.EXPLAIN,
    duckdb.StatementType.PRAGMA,
}


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]


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


def run_read_only(path: Path, sql: str, *, limit: int | None = None) -> QueryResult:
    """Run one reading statement on the store at ``path`` and return its rows."""
    check_read_only(sql)
    if not path.exists():
        raise WorkspaceError(f"the analytics store {path} does not exist")
    try:
        con = duckdb.connect(
            str(path), read_only=True, config={"enable_external_access": False}
        )
    except duckdb.Error as exc:
        raise WorkspaceError(f"cannot open {path} for reading: {exc}") from exc
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description or []]
        raw = cur.fetchmany(limit) if limit else cur.fetchall()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise QueryRefused(f"the query failed: {first}") from exc
    finally:
        con.close()
    return QueryResult(columns, [dict(zip(columns, r, strict=True)) for r in raw])
