"""Isolating the rows of a CSV that DuckDB's reader cannot get past (the slow, second path).

DuckDB's CSV reader rejects rows with too many or too few fields one by one, but a row longer
than its line limit (one 200 MB field) or a quote that is never closed stops the whole file. When
that happens the importer runs ``isolate_bad_rows``: one streaming pass in Python that copies the
readable records to a clean UTF-8 file and returns the others with their row number and reason,
so the good rows still import and the bad ones go to the rejects file.

Records are split as RFC 4180 does (a quote opens a field only at its start, ``""`` inside
quotes is a quote); a quoted field may span lines, up to ``MAX_RECORD_BYTES``. A quote that
is still open there, or at the end of the file, rejects its first line only and the pass goes on
from the next line, so one stray quote costs one row, not the rest of the file.
"""

from __future__ import annotations

import csv
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MAX_RECORD_BYTES = 2_000_000
"""DuckDB's default ``max_line_size``: longer records are rejected (and given to DuckDB shorter)."""
MAX_RECORD_LINES = 1000
PREVIEW_CHARS = 120
READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class BadRow:
    """A record left out of the clean file: data row (1 = first under the header) and why."""

    row: int
    value: str
    reason: str


def _preview(text: str) -> str:
    text = text.rstrip("\r\n")
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def _read_line(fh: BinaryIO, limit: int) -> tuple[bytes, int]:
    """The next physical line (at most ``limit`` bytes kept) and its full length in bytes."""
    line = fh.readline(limit + 1)
    size = len(line)
    if size > limit and not line.endswith(b"\n"):
        while True:  # skip the rest of an overlong line without holding it
            more = fh.readline(READ_CHUNK)
            size += len(more)
            if not more or more.endswith(b"\n"):
                break
    return line, size


class _Open(Exception):
    """The record's last quoted field is still open at the end of the lines given."""


def _parse(lines: list[str], delimiter: str) -> list[str]:
    rows = list(csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=True))
    if not rows:
        return []
    return rows[0] if len(rows) == 1 else [*rows[0], "\x00more"]  # several records: bad


def _record(lines: list[str], delimiter: str) -> list[str]:
    try:
        return _parse(lines, delimiter)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc) or "newline inside string" in str(exc):
            raise _Open from exc
        raise


def isolate_bad_rows(
    src: Path, dest: Path, delimiter: str, max_bytes: int = MAX_RECORD_BYTES
) -> list[BadRow]:
    """Copy the readable records of the UTF-8 CSV ``src`` (header first) to ``dest``.

    Returns the records left out, in file order. A record is left out when it is longer than
    ``max_bytes``, opens a quote it never closes, puts text after a closing quote, or has
    another number of fields than the header.
    """
    bad: list[BadRow] = []
    with src.open("rb") as fh, dest.open("wb") as out:
        header_raw, _ = _read_line(fh, max_bytes)
        header_text = header_raw.decode("utf-8", errors="replace").lstrip("\ufeff")
        out.write(header_raw)
        width = len(next(csv.reader([header_text], delimiter=delimiter), []))
        pending: deque[tuple[str, bytes, int]] = deque()
        row = 0
        eof = False

        def next_line() -> tuple[str, bytes, int] | None:
            """(text, bytes, full size) of the next line; only the start of an overlong one."""
            nonlocal eof
            if eof:
                return None
            raw, size = _read_line(fh, max_bytes)
            if not raw:
                eof = True
                return None
            return raw.decode("utf-8", errors="replace"), raw, size

        while True:
            item = pending.popleft() if pending else next_line()
            if item is None:
                break
            text, raw, full = item
            if not text.strip("\r\n"):
                continue  # blank lines are not rows (DuckDB skips them too)
            row += 1
            if full > max_bytes:
                bad.append(BadRow(row, _preview(text), f"the row is {_mb(full)} long, more than "
                                                       f"the {_mb(max_bytes)} a row may have"))
                continue
            record = [(text, raw)]
            size = len(raw)
            fields: list[str] | None = None
            while True:
                try:
                    fields = _record([t for t, _ in record], delimiter)
                    break
                except _Open:
                    more = pending.popleft() if pending else next_line()
                    if (more is not None and len(record) < MAX_RECORD_LINES
                            and size + more[2] <= max_bytes):
                        record.append(more[:2])
                        size += more[2]
                        continue
                    if more is not None:
                        pending.appendleft(more)
                    error = None
                except csv.Error as exc:
                    error = exc
                if error is not None and len(record) == 1:
                    bad.append(BadRow(row, _preview(text), f"the row cannot be read as CSV: {error}"))
                    break
                # The quote opened on the first line never closes where a record could end: only
                # that line is bad; the lines taken after it are rows of their own.
                for t, r in reversed(record[1:]):
                    pending.appendleft((t, r, len(r)))
                bad.append(BadRow(row, _preview(text), "a quote (\") opened in this row is never closed"))
                break
            if fields is None:
                continue
            if len(fields) != width:
                bad.append(BadRow(row, _preview("".join(t for t, _ in record)),
                                  f"the row has {len(fields)} field(s), the header {width}"))
                continue
            for _, r in record:
                out.write(r)
            if not record[-1][1].endswith(b"\n"):
                out.write(b"\n")
    return bad
