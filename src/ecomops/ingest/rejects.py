"""The rejects file of an import: one CSV line per rejected value (file, row, column, value, reason).

``row`` counts data rows as a spreadsheet user does: 1 is the first row under the header (the
spreadsheet's row 2). Written with a UTF-8 byte-order mark so Excel shows Chinese text correctly.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.csv as pacsv

SCHEMA = pa.schema([
    ("file", pa.string()), ("row", pa.int64()), ("column", pa.string()),
    ("value", pa.string()), ("reason", pa.string()),
])


class RejectSink:
    """Appends rejected rows to ``path``; the file is created on the first row only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines = 0
        self._fh: IO[bytes] | None = None
        self._writer: pacsv.CSVWriter | None = None

    def add(self, rows: pa.Table) -> None:
        """Append ``rows`` (columns file, row, column, value, reason, in any compatible types)."""
        if rows.num_rows == 0:
            return
        rows = rows.select(SCHEMA.names).cast(SCHEMA)
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("wb")
            self._fh.write(codecs.BOM_UTF8)
            self._writer = pacsv.CSVWriter(self._fh, SCHEMA)
        self._writer.write_table(rows)
        self.lines += rows.num_rows

    @property
    def written(self) -> Path | None:
        """The rejects file, or ``None`` when nothing was rejected."""
        return self.path if self.lines else None

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> RejectSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
