"""Reading Excel workbooks within limits: a zip bomb is refused before calamine opens it.

python-calamine reads a whole sheet into memory before the first row comes back, so a 2.8 MB
``.xlsx`` whose XML unpacks to 31 million cells took the importer to 4.4 GB. Before any reading,
``check_workbook`` looks at the zip's declared sizes (the central directory, no unpacking) and
then streams the worksheets' XML (bounded by those sizes, which ``zipfile`` enforces) counting
cells, stopping at the first one over the limit. Only a workbook within both limits is read,
and then row by row into Arrow batches (``iter_rows``), never as one list of lists.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ecomops.errors import IngestError

CHUNK = 1 << 20
BATCH_ROWS = 50_000
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")


@dataclass(frozen=True)
class ExcelLimits:
    """How much one workbook may hold (``[imports]`` in ecomops.toml)."""

    max_cells: int = 5_000_000
    max_unpacked_bytes: int = 500 * 1_000_000


DEFAULT_LIMITS = ExcelLimits()
_LIMITS: contextvars.ContextVar[ExcelLimits] = contextvars.ContextVar("excel_limits", default=DEFAULT_LIMITS)


@contextmanager
def excel_limits(limits: ExcelLimits) -> Iterator[None]:
    """Apply ``limits`` to every workbook read in this block (set by the import service)."""
    token = _LIMITS.set(limits)
    try:
        yield
    finally:
        _LIMITS.reset(token)


class TooBigError(IngestError):
    """A workbook holds more than the limits allow."""

    code = "excel_too_big"


def _mb(n: int) -> str:
    return f"{n / 1_000_000:,.0f} MB"


_CHECKED: dict[tuple[str, int, int, ExcelLimits], int] = {}


def check_workbook(path: Path, limits: ExcelLimits | None = None) -> int:
    """The number of cells in ``path``'s worksheets; ``TooBigError`` past the limits.

    Files that are not zip archives (old ``.xls``) are as big on disk as in memory and pass.
    Remembered per file version, as matching a file and then reading it checks it twice.
    """
    limits = limits or _LIMITS.get()
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns, limits)
    if key in _CHECKED:
        return _CHECKED[key]
    if not zipfile.is_zipfile(path):
        return 0
    hint = "save it as CSV, or raise [imports] max_excel_cells / max_excel_unpacked_mb in ecomops.toml"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > limits.max_unpacked_bytes:
                raise TooBigError(
                    f"{path.name} was not imported: it unpacks to {_mb(declared)}, more than the "
                    f"{_mb(limits.max_unpacked_bytes)} a workbook may hold", hint=hint)
            cells = 0
            for info in infos:
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                with zf.open(info) as fh:
                    tail = b""
                    while chunk := fh.read(CHUNK):
                        data = tail + chunk
                        # Count up to the last "<": a tag cut by the chunk's end starts there (a
                        # match holds no "<" after its first byte) and is counted next round.
                        cut = data.rfind(b"<")
                        cut = len(data) if cut < 0 else cut
                        cells += len(_CELL.findall(data, 0, cut))
                        tail = data[cut:]
                        if cells > limits.max_cells:
                            raise TooBigError(
                                f"{path.name} was not imported: it holds more than "
                                f"{limits.max_cells:,} cells, the most a workbook may have",
                                hint=hint)
                    cells += len(_CELL.findall(tail))
            if cells > limits.max_cells:
                raise TooBigError(
                    f"{path.name} was not imported: it holds {cells:,} cells, more than the "
                    f"{limits.max_cells:,} a workbook may have", hint=hint)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise IngestError(f"{path.name} is not a readable Excel workbook: {exc}") from exc
    if len(_CHECKED) > 256:
        _CHECKED.clear()
    _CHECKED[key] = cells
    return cells


def cell_text(value: object) -> str | None:
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


def unique(names: list[str]) -> list[str]:
    """``names`` with repeats numbered (``a``, ``a_1`` ...), as column names must be unique."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        seen[n] = k + 1
        out.append(n if k == 0 else f"{n}_{k}")
    return out


@contextmanager
def _sheet_rows(path: Path) -> Iterator[Iterator[Sequence[object]]]:
    """The rows of the first non-empty sheet (after ``check_workbook``)."""
    from python_calamine import CalamineError, CalamineWorkbook

    check_workbook(path)
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            for name in book.sheet_names:
                sheet = book.get_sheet_by_name(name)
                if sheet.height == 0:
                    continue
                rows: Iterator[Sequence[object]] = iter(sheet.iter_rows())
                yield rows
                return
            yield iter(())
    except (CalamineError, OSError, ValueError) as exc:
        raise IngestError(f"{path.name} is not a readable Excel workbook: {exc}") from exc


def excel_headers(path: Path) -> list[str]:
    """The header row of a workbook's first non-empty sheet."""
    with _sheet_rows(path) as rows:
        first = next(rows, None)
    return [cell_text(v) or "" for v in first] if first else []


def excel_to_arrow(path: Path, empty_error: type[IngestError] = IngestError) -> pa.Table:
    """The first non-empty sheet of a workbook as an Arrow table of strings, in row batches.

    The first row holds the headers; cells become the text a CSV export would hold (dates as
    ISO text, whole numbers without ``.0``); fully empty rows are left out.
    """
    with _sheet_rows(path) as rows:
        first = next(rows, None)
        if not first:
            raise empty_error(f"{path.name} is empty")
        headers = unique([cell_text(v) or f"column{i}" for i, v in enumerate(first)])
        width = len(headers)
        schema = pa.schema([(h, pa.string()) for h in headers])
        batches: list[pa.RecordBatch] = []
        columns: list[list[str | None]] = [[] for _ in range(width)]
        n = 0
        for r in rows:
            if not any(v not in (None, "") for v in r):
                continue
            for i in range(width):
                columns[i].append(cell_text(r[i]) if i < len(r) else None)
            n += 1
            if n == BATCH_ROWS:
                batches.append(pa.record_batch([pa.array(c, pa.string()) for c in columns], schema=schema))
                columns = [[] for _ in range(width)]
                n = 0
        if n or not batches:
            batches.append(pa.record_batch([pa.array(c, pa.string()) for c in columns], schema=schema))
    return pa.Table.from_batches(batches, schema=schema)
