"""Opening import files for DuckDB: CSV/TSV/TXT in any supported encoding, Excel, Parquet.

``open_source`` gives the SQL that reads a file (DuckDB's own CSV and Parquet readers; Excel goes
through python-calamine to Arrow), and ``read_raw`` the file's headers and rows as strings, for
platform profiles that reshape a file in Python before loading it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import pyarrow as pa

from ecomops.errors import IngestError
from ecomops.ingest.encoding import UTF8, UTF8_SIG, detect_encoding, open_bytes, transcode_to_utf8
from ecomops.ingest.sqltext import ident, lit

log = logging.getLogger(__name__)

FileKind = Literal["csv", "excel", "parquet"]


class EmptyFileError(IngestError):
    """The file has no bytes, or no header row (reported as "empty", not as unreadable)."""

    code = "empty_file"


SUFFIXES: dict[str, FileKind] = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel",
    ".parquet": "parquet", ".pq": "parquet",
}
DELIMITERS = (",", "\t", ";")
HEAD_BYTES = 64 << 10


def file_kind(path: Path) -> FileKind | None:
    """The reader for ``path`` by its suffix, or ``None`` for a file the importer does not read.

    Text files may be gzip-compressed (``orders.csv.gz``): DuckDB's CSV reader decompresses them.
    """
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if len(suffixes) == 2 and suffixes[1] == ".gz":
        kind = SUFFIXES.get(suffixes[0])
        return kind if kind == "csv" else None
    return SUFFIXES.get(path.suffix.lower())


def sniff_delimiter(first_line: str) -> str:
    """Comma, tab or semicolon: whichever splits the header line into the most fields.

    Hand-written because DuckDB's sniffer also considers ``|``, which DATA.md uses inside cells
    for lists, and Python's ``csv.Sniffer`` guesses letters on one-column files.
    """
    counts = {d: len(next(csv.reader([first_line], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def _head_text(path: Path, encoding: str) -> str:
    try:
        with open_bytes(path) as fh:
            raw = fh.read(HEAD_BYTES)
    except OSError as exc:  # a damaged gzip stream is already an IngestError (``open_bytes``)
        raise IngestError(f"{path.name} cannot be read: {exc}") from exc
    return raw.decode("utf-16" if encoding == "utf-16" else encoding, errors="ignore").lstrip("\ufeff")


def _first_line(text: str) -> str:
    line = next(iter(io.StringIO(text, newline="")), "")
    return line.rstrip("\r\n")


def read_headers(path: Path) -> list[str]:
    """The header row of ``path`` (cheap: reads the start of the file only)."""
    kind = file_kind(path)
    if kind is None:
        raise IngestError(f"{path.name}: unsupported file type {path.suffix or '(none)'}")
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{path.name} is empty")
    if kind == "excel":
        rows = _excel_rows(path, nrows=1)
        return [_cell_text(v) or "" for v in rows[0]] if rows else []
    if kind == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    text = _head_text(path, detect_encoding(path))
    if not text.strip():
        raise EmptyFileError(f"{path.name} is empty")
    line = _first_line(text)
    return next(csv.reader([line], delimiter=sniff_delimiter(line)), [])


def _cell_text(value: object) -> str | None:
    """One Excel cell as the text a CSV export would hold."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _excel_rows(path: Path, nrows: int | None = None) -> list[list[object]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            for name in book.sheet_names:
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=True, nrows=nrows)
                if rows:
                    return rows  # type: ignore[return-value]
    except (CalamineError, OSError, ValueError) as exc:
        raise IngestError(f"{path.name} is not a readable Excel workbook: {exc}") from exc
    return []


def excel_to_arrow(path: Path) -> pa.Table:
    """The first non-empty sheet of an Excel workbook as an Arrow table of strings.

    The first row holds the headers; cells become the text a CSV export would hold (dates as
    ISO text, whole numbers without ``.0``). Per cell in Python, because calamine hands back
    Python objects; a sheet holds at most about a million rows.
    """
    rows = _excel_rows(path)
    if not rows:
        raise EmptyFileError(f"{path.name} is empty")
    headers = _unique([_cell_text(v) or f"column{i}" for i, v in enumerate(rows[0])])
    width = len(headers)
    body = [r for r in rows[1:] if any(v not in (None, "") for v in r)]
    columns = [[_cell_text(r[i]) if i < len(r) else None for r in body] for i in range(width)]
    return pa.table({h: pa.array(c, pa.string()) for h, c in zip(headers, columns, strict=True)})


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        seen[n] = k + 1
        out.append(n if k == 0 else f"{n}_{k}")
    return out


@dataclass(frozen=True)
class OpenedSource:
    """A file ready to be read by SQL."""

    path: Path
    kind: FileKind
    headers: list[str]
    """column names of ``from_sql`` (the file's headers, made unique)"""
    from_sql: str
    """a table expression: ``read_csv(...)``, ``read_parquet(...)`` or a registered Arrow view"""
    encoding: str | None = None
    reader_rejects_sql: str | None = None
    """for CSV: the lines DuckDB's reader could not parse, as ``(row, "column", value, reason)``"""


def _csv_sql(path: Path, delimiter: str, rejects: str) -> str:
    return (
        f"read_csv({lit(str(path))}, header = true, all_varchar = true, delim = {lit(delimiter)}, "
        f"quote = '\"', escape = '\"', store_rejects = true, "
        f"rejects_table = {lit(rejects)}, rejects_scan = {lit(rejects + '_scan')})"
    )


def _reader_rejects_sql(rejects: str) -> str:
    # ``line`` counts records with the header as 1 (a quoted cell spanning lines stays one
    # record), so data row = line - 1. DuckDB logs one error per surplus field of a line: keep
    # the first of each line, so that the line counts (and shifts later row numbers) once.
    return (
        f"SELECT DISTINCT ON (line) CAST(line - 1 AS BIGINT) AS row, column_name AS \"column\", "
        f"csv_line AS value, 'the line could not be read: ' || lower(CAST(error_type AS VARCHAR)) "
        f"|| ' (' || error_message || ')' AS reason FROM {ident(rejects)} ORDER BY line, column_idx"
    )


@contextmanager
def open_source(con: duckdb.DuckDBPyConnection, path: Path, tmp_dir: Path) -> Iterator[OpenedSource]:
    """Prepare ``path`` for reading on ``con``; temporary files and views go when the block ends."""
    kind = file_kind(path)
    if kind is None:
        raise IngestError(f"{path.name}: unsupported file type {path.suffix or '(none)'}")
    if not path.is_file():
        raise IngestError(f"{path} does not exist")
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{path.name} is empty")
    tag = uuid.uuid4().hex[:10]
    cleanup: list[Path] = []
    views: list[str] = []
    try:
        if kind == "csv":
            src = _open_csv(con, path, tmp_dir, tag, cleanup)
        elif kind == "excel":
            view = f"_xl_{tag}"
            con.register(view, excel_to_arrow(path))
            views.append(view)
            src = OpenedSource(path, kind, _describe(con, ident(view), path), ident(view))
        else:
            sql = f"read_parquet({lit(str(path))})"
            src = OpenedSource(path, kind, _describe(con, sql, path), sql)
        yield src
    finally:
        for view in views:
            con.unregister(view)
        if kind == "csv":
            for t in (f"_csvrej_{tag}", f"_csvrej_{tag}_scan"):
                con.execute(f"DROP TABLE IF EXISTS temp.{t}")
        for p in cleanup:
            p.unlink(missing_ok=True)


def _open_csv(
    con: duckdb.DuckDBPyConnection, path: Path, tmp_dir: Path, tag: str, cleanup: list[Path]
) -> OpenedSource:
    encoding = detect_encoding(path)
    csv_path = path
    if encoding not in (UTF8, UTF8_SIG):
        tmp_dir.mkdir(parents=True, exist_ok=True)
        csv_path = tmp_dir / f"{tag}.csv"
        cleanup.append(csv_path)
        transcode_to_utf8(path, encoding, csv_path)
    head = _head_text(csv_path, UTF8)
    if not head.strip():
        raise EmptyFileError(f"{path.name} is empty")
    delimiter = sniff_delimiter(_first_line(head))
    rejects = f"_csvrej_{tag}"
    sql = _csv_sql(csv_path, delimiter, rejects)
    return OpenedSource(
        path, "csv", _describe(con, sql, path), sql, encoding, _reader_rejects_sql(rejects)
    )


def _describe(con: duckdb.DuckDBPyConnection, from_sql: str, path: Path) -> list[str]:
    try:
        return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {from_sql}").fetchall()]
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise IngestError(f"{path.name} cannot be read: {first}") from exc


def read_raw(path: Path, tmp_dir: Path | None = None) -> tuple[list[str], pa.Table]:
    """The headers and rows of ``path`` as an Arrow table of strings (one column per header).

    Encoding detection, Excel and Parquet as for the generic import. Lines DuckDB cannot parse
    (wrong number of fields) are left out and logged.
    """
    import tempfile

    with tempfile.TemporaryDirectory(dir=tmp_dir) as tmp, duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        with open_source(con, path, Path(tmp)) as src:
            cols = ", ".join(f"CAST({ident(h)} AS VARCHAR) AS {ident(h)}" for h in src.headers)
            try:
                data = con.sql(f"SELECT {cols} FROM {src.from_sql}").to_arrow_table()
                if src.reader_rejects_sql:
                    bad = con.execute(f"SELECT row, reason FROM ({src.reader_rejects_sql})").fetchall()
                    for row, reason in itertools.islice(bad, 20):
                        log.warning("%s row %s left out: %s", path.name, row, reason)
            except duckdb.Error as exc:
                first = str(exc).strip().splitlines()[0]
                raise IngestError(f"{path.name} cannot be read: {first}") from exc
        return list(src.headers), data
