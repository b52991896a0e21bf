"""Import files built from the DATA.md contract (``store.schema``), for the import tests.

``sample_rows(table, n)`` gives ``n`` valid rows of every column of a contract table, as the text
a shop's export would hold; ``write_csv`` writes them in any encoding and delimiter.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from ecomops.store.schema import Column, Table


def sample_value(col: Column, i: int) -> str:
    """A valid value of ``col`` for row ``i`` (distinct per row for key and text columns)."""
    if col.values:
        return col.values[i % len(col.values)]
    match col.type:
        case "money":
            return f"{10 + i}.50"
        case "number":
            return f"{1 + i}.5"
        case "integer":
            if col.max is not None:
                low = int(col.min or 0)
                return str(low + i % (int(col.max) - low + 1))
            return str(i + 1)
        case "date":
            return f"2026-10-{1 + i % 28:02d}"
        case "datetime":
            return f"2026-10-{1 + i % 28:02d} 10:{i % 60:02d}:00"
        case "list":
            return f"a{i}|b{i}"
        case _:
            return f"{col.name}-{i}"


def sample_rows(table: Table, n: int) -> list[dict[str, str]]:
    """``n`` valid rows of ``table`` with every contract column filled."""
    return [{c.name: sample_value(c, i) for c in table.columns} for i in range(n)]


def write_csv(
    path: Path,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    """Write ``headers`` and ``rows`` to ``path`` as delimited text in ``encoding``."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_table_csv(path: Path, table: Table, n: int, **kw: str) -> list[dict[str, str]]:
    """Write ``n`` sample rows of ``table`` (contract headers) to ``path``; return the rows."""
    rows = sample_rows(table, n)
    cols = table.column_names
    write_csv(path, cols, [[r[c] for c in cols] for r in rows], **kw)
    return rows
