"""Opening import files for DuckDB: CSV/TSV/TXT in any supported encoding, Excel, Parquet.

``open_source`` gives the SQL that reads a file (DuckDB's own CSV and Parquet readers; Excel goes
through python-calamine to Arrow), and ``read_raw`` the file's headers and rows as strings, for
platform profiles that reshape a file in Python before loading it.
"""

from __future__ import annotations

import csv
import io
import itertools
import logging
import re
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
from ecomops.ingest.excel import excel_headers
from ecomops.ingest.excel import excel_to_arrow as _excel_to_arrow
from ecomops.ingest.repair import BadRow, isolate_bad_rows
from ecomops.ingest.sqltext import ident, lit

log = logging.getLogger(__name__)

FileKind = Literal["csv", "excel", "parquet"]


class EmptyFileError(IngestError):
    """The file has no bytes, or no header row (reported as "empty", not as unreadable)."""

    code = "empty_file"


class SourceReadError(IngestError):
    """DuckDB's reader stopped on the file (a CSV may still import with its bad rows isolated)."""

    code = "source_read"


def user_error(exc: BaseException, path: Path, *others: Path) -> str:
    """DuckDB's error as one line for the user: its first meaningful line, with every server
    path (the file's own, an upload folder, a temporary copy) replaced by the file's name."""
    lines = [x.strip() for x in str(exc).strip().splitlines() if x.strip()]
    text = lines[0] if lines else exc.__class__.__name__
    if len(lines) > 1 and ("CSV Error on Line" in text or "sniffing file" in text):
        # The first line only says where; the second says what.
        text = f"{text} {lines[1][:200]}"
    for p in sorted({str(path), str(path.resolve()), *(str(o) for o in others)}, key=len, reverse=True):
        text = text.replace(p, path.name)
    return scrub_paths(text, path.name)


_PATH_LIKE = re.compile(r"""(?:/|[A-Za-z]:\\)[^\s"',;)]+""")


def scrub_paths(text: str, name: str) -> str:
    """``text`` with every path of this machine in it (one whose folder exists) shown as ``name``:
    messages reach console users, who must not learn the server's folders."""

    def hide(m: re.Match[str]) -> str:
        token = m.group(0)
        try:
            known = Path(token).parent.is_dir() and Path(token).parent != Path(token)
        except (OSError, ValueError):
            known = False
        return name if known and len(token) > 1 else token

    return _PATH_LIKE.sub(hide, text)


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
        return excel_headers(path)
    if kind == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    text = _head_text(path, detect_encoding(path))
    if not text.strip():
        raise EmptyFileError(f"{path.name} is empty")
    line = _first_line(text)
    return next(csv.reader([line], delimiter=sniff_delimiter(line)), [])


def excel_to_arrow(path: Path) -> pa.Table:
    """The first non-empty sheet of an Excel workbook as an Arrow table of strings (see ``excel``)."""
    return _excel_to_arrow(path, EmptyFileError)


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
    repaired: bool = False
    """rows DuckDB could not get past were isolated first (``repair.isolate_bad_rows``)"""


def _csv_sql(path: Path, delimiter: str, rejects: str) -> str:
    return (
        f"read_csv({lit(str(path))}, header = true, all_varchar = true, delim = {lit(delimiter)}, "
        f"quote = '\"', escape = '\"', store_rejects = true, "
        f"rejects_table = {lit(rejects)}, rejects_scan = {lit(rejects + '_scan')})"
    )


def _reader_rejects_sql(rejects: str, isolated: list[BadRow] | None = None) -> str:
    # ``line`` counts records with the header as 1 (a quoted cell spanning lines stays one
    # record), so data row = line - 1. DuckDB logs one error per surplus field of a line: keep
    # the first of each line, so that the line counts (and shifts later row numbers) once.
    sql = (
        f"SELECT DISTINCT ON (line) CAST(line - 1 AS BIGINT) AS row, column_name AS \"column\", "
        f"csv_line AS value, 'the line could not be read: ' || lower(CAST(error_type AS VARCHAR)) "
        f"|| ' (' || error_message || ')' AS reason FROM {ident(rejects)} ORDER BY line, column_idx"
    )
    if not isolated:
        return sql
    values = ", ".join(
        f"(CAST({b.row} AS BIGINT), CAST(NULL AS VARCHAR), {lit(b.value)}, {lit(b.reason)})"
        for b in isolated
    )
    # Rows the repair pass left out come first in the file's numbering; DuckDB's own (rare after
    # the repair) are numbered in the clean copy, which is close enough for a message.
    return (
        f"SELECT * FROM (VALUES {values}) isolated(row, \"column\", value, reason) "
        f"UNION ALL SELECT * FROM ({sql})"
    )


@contextmanager
def open_source(
    con: duckdb.DuckDBPyConnection, path: Path, tmp_dir: Path, *, repair: bool = False
) -> Iterator[OpenedSource]:
    """Prepare ``path`` for reading on ``con``; temporary files and views go when the block ends.

    ``repair`` (CSV only) first copies the file without the rows DuckDB's reader cannot get past
    (see ``repair.isolate_bad_rows``); those rows come back in ``reader_rejects_sql``.
    """
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
            src = _open_csv(con, path, tmp_dir, tag, cleanup, repair=repair)
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
    con: duckdb.DuckDBPyConnection, path: Path, tmp_dir: Path, tag: str, cleanup: list[Path],
    *, repair: bool = False,
) -> OpenedSource:
    encoding = detect_encoding(path)
    csv_path = path
    if encoding not in (UTF8, UTF8_SIG) or (repair and path.name.lower().endswith(".gz")):
        tmp_dir.mkdir(parents=True, exist_ok=True)
        csv_path = tmp_dir / f"{tag}.csv"
        cleanup.append(csv_path)
        transcode_to_utf8(path, encoding, csv_path)
    head = _head_text(csv_path, UTF8)
    if not head.strip():
        raise EmptyFileError(f"{path.name} is empty")
    delimiter = sniff_delimiter(_first_line(head))
    isolated: list[BadRow] = []
    if repair:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        clean = tmp_dir / f"{tag}.clean.csv"
        cleanup.append(clean)
        isolated = isolate_bad_rows(csv_path, clean, delimiter)
        log.info("%s: %d row(s) isolated before reading", path.name, len(isolated))
        csv_path = clean
    rejects = f"_csvrej_{tag}"
    sql = _csv_sql(csv_path, delimiter, rejects)
    return OpenedSource(
        path, "csv", _describe(con, sql, path, csv_path), sql, encoding,
        _reader_rejects_sql(rejects, isolated), repaired=repair,
    )


def _describe(
    con: duckdb.DuckDBPyConnection, from_sql: str, path: Path, *others: Path
) -> list[str]:
    try:
        return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {from_sql}").fetchall()]
    except duckdb.Error as exc:
        raise SourceReadError(f"{path.name} cannot be read: {user_error(exc, path, *others)}") from exc


def read_raw(path: Path, tmp_dir: Path | None = None) -> tuple[list[str], pa.Table]:
    """The headers and rows of ``path`` as an Arrow table of strings (one column per header).

    Encoding detection, Excel and Parquet as for the generic import. Lines DuckDB cannot parse
    (wrong number of fields) are left out and logged; when its reader stops on a CSV (a huge
    field, a quote never closed), those rows are isolated and the file read again.
    """
    try:
        return _read_raw(path, tmp_dir, repair=False)
    except SourceReadError:
        if file_kind(path) != "csv":
            raise
        log.info("%s: reading again with the bad rows isolated", path.name)
    return _read_raw(path, tmp_dir, repair=True)


def _read_raw(path: Path, tmp_dir: Path | None, *, repair: bool) -> tuple[list[str], pa.Table]:
    import tempfile

    with tempfile.TemporaryDirectory(dir=tmp_dir) as tmp, duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        with open_source(con, path, Path(tmp), repair=repair) as src:
            cols = ", ".join(f"CAST({ident(h)} AS VARCHAR) AS {ident(h)}" for h in src.headers)
            try:
                data = con.sql(f"SELECT {cols} FROM {src.from_sql}").to_arrow_table()
                if src.reader_rejects_sql:
                    bad = con.execute(f"SELECT row, reason FROM ({src.reader_rejects_sql})").fetchall()
                    for row, reason in itertools.islice(bad, 20):
                        log.warning("%s row %s left out: %s", path.name, row, reason)
            except duckdb.Error as exc:
                raise SourceReadError(
                    f"{path.name} cannot be read: {user_error(exc, path, Path(tmp))}"
                ) from exc
        return list(src.headers), data
