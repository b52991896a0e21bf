"""What every platform profile shares: reading a file into a frame, header lookup, shaping output.

Converters are pure functions over pandas frames of text (one column per source header, empty
cells as ``""``); ``frame`` is the only reader here and it goes through the import pipeline's
``read_raw`` (encoding detection, Excel). ``contract_table`` turns a converter's frame into the
Arrow table ``loader.load_table`` takes: contract columns, the leftover source columns as JSON
text in ``extras`` and the source row in ``_row``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ecomops.ingest.headers import normalize
from ecomops.ingest.loader import ROW_COLUMN
from ecomops.ingest.reader import read_headers, read_raw
from ecomops.ingest.stage import CURRENCY_COLUMN
from ecomops.store.schema import EXTRAS_COLUMN, TABLES

UNCATEGORISED = "uncategorised"
"""Category of a product whose export names none: DATA.md requires one, and this says "unknown"
plainly instead of guessing (the brief and listing checks can then point at these products)."""


def frame(path: Path) -> pd.DataFrame:
    """``path`` as a frame of stripped text, headers stripped too, empty cells as ``""``."""
    _, table = read_raw(path)
    df = table.to_pandas()
    df.columns = [str(c).strip() for c in df.columns]
    return df.fillna("").apply(lambda s: s.str.strip())


def headers_of(path: Path) -> list[str]:
    """The header row of ``path`` (cheap)."""
    return read_headers(path)


def header_set(headers: Iterable[str]) -> set[str]:
    """Headers in the comparison form of DATA.md (case, spaces, ``-`` and ``_`` ignored)."""
    return {normalize(h) for h in headers}


def coverage(headers: Iterable[str], wanted: Sequence[str]) -> float:
    """Share of ``wanted`` headers present in ``headers``."""
    have = header_set(headers)
    return sum(normalize(w) in have for w in wanted) / max(len(wanted), 1)


def pick(df: pd.DataFrame, *names: str) -> pd.Series:
    """The first column of ``df`` whose header matches one of ``names`` (normalised), else blanks.

    Amazon reports spell the same column several ways (``7 Day Total Sales``, ``14 Day Total
    Sales (₹)``, trailing spaces); a pattern ending in ``*`` matches a prefix.
    """
    found = find(df, *names)
    return df[found] if found is not None else pd.Series("", index=df.index, dtype=object)


def find(df: pd.DataFrame, *names: str) -> str | None:
    """The header of ``df`` matching one of ``names`` (see ``pick``), or ``None``."""
    norm = {normalize(str(c)): str(c) for c in df.columns}
    for name in names:
        key = normalize(name.rstrip("*"))
        if name.endswith("*"):
            for n, c in norm.items():
                if n.startswith(key):
                    return c
        elif key in norm:
            return norm[key]
    return None


_NUMBER_NOISE = re.compile(r"(?i)rs\.?|[,\s$£€¥￥₹%]")


def number(s: pd.Series) -> pd.Series:
    """Text amounts (``Rs.201.68``, ``£1,204.50``, ``1.66%`` → 1.66) as floats, blanks as NaN."""
    text = s.astype(str).str.replace(_NUMBER_NOISE, "", regex=True)
    return pd.to_numeric(text.where(text != ""), errors="coerce")


_SPACE_OFFSET = re.compile(r"\s+([+-]\d{2}:?\d{2})$")


def iso_datetime(s: pd.Series, fmt: str | None = None) -> pd.Series:
    """Datetime text as ``YYYY-MM-DD HH:MM:SS`` (offset kept), blanks stay blank.

    ``fmt`` parses another layout (Olist's re-formatted ``M/D/YYYY H:MM``); without it the text
    is only tidied (``2023-05-31 23:06:05 -0700`` → ``...-0700``, which DuckDB reads as an offset).
    """
    if fmt is None:
        return s.astype(str).str.replace(_SPACE_OFFSET, r"\1", regex=True)
    parsed = pd.to_datetime(s.where(s != ""), format=fmt, errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")


def extras_json(
    df: pd.DataFrame, columns: Sequence[str], names: Sequence[str] | None = None
) -> list[str | None]:
    """Per row, a JSON object of the non-empty ``columns`` (keys ``names`` or the headers)."""
    keys = list(names) if names is not None else list(columns)
    if not columns:
        return [None] * len(df)
    out: list[str | None] = []
    for values in zip(*(df[c].tolist() for c in columns), strict=True):
        obj = {k: _plain(v) for k, v in zip(keys, values, strict=True) if _filled(v)}
        out.append(json.dumps(obj, ensure_ascii=False) if obj else None)
    return out


def _filled(v: object) -> bool:
    if v is None or v == "":
        return False
    return not (isinstance(v, float) and np.isnan(v))


def _plain(v: object) -> object:
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def contract_table(table: str, df: pd.DataFrame, source_file: str) -> pa.Table:
    """``df`` (contract columns, optional ``extras`` / ``_row``) as the Arrow table the loader takes.

    Text columns become strings with blanks as nulls; numeric columns stay numeric. Columns that
    are not the table's are refused here, so a typo in a converter fails its tests.
    """
    allowed = {*TABLES[table].column_names, EXTRAS_COLUMN, ROW_COLUMN, CURRENCY_COLUMN}
    unknown = [c for c in df.columns if c not in allowed]
    if unknown:
        raise ValueError(f"{table}: not contract columns: {unknown}")
    arrays: dict[str, pa.Array] = {}
    for col in df.columns:
        s = df[col]
        if col == ROW_COLUMN:
            arrays[col] = pa.array(s.astype("int64"), pa.int64())
        elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            arrays[col] = pa.array(s.astype("float64"), pa.float64(), from_pandas=True)
        else:
            values = [None if not _filled(v) else str(v) for v in s.tolist()]
            arrays[col] = pa.array(values, pa.string())
    out = pa.table(arrays)
    return out.replace_schema_metadata({b"source_file": source_file.encode()})


def keep_extras(df: pd.DataFrame, used: Iterable[str]) -> list[str]:
    """The headers of ``df`` a converter did not use (they go to ``extras``)."""
    taken = set(used)
    return [c for c in df.columns if c not in taken]


def allocate(net: pd.Series, order: pd.Series, subtotal: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Line amounts that add up to each order's ``subtotal``, and which lines were re-shared.

    Exports give list prices or line-level discounts per line, while order-level discounts show
    only in the order's total (Shopify's ``Subtotal``, Taobao's payment). DATA.md wants what was
    charged per line, so where an order's line values disagree with its subtotal the subtotal is shared in
    proportion to them (to the cent, the last line taking the rounding). Orders whose lines
    already add up, or without a subtotal, keep their line values.
    """
    net = net.round(2)
    total = net.groupby(order).transform("sum")
    off = subtotal.notna() & ((total - subtotal).abs() > 0.005)
    share = np.where(total != 0, net / total.where(total != 0), 0.0)
    fixed = pd.Series(np.where(off, (subtotal * share).round(2), net), index=net.index)
    last = ~order.duplicated(keep="last")
    rest = subtotal - fixed.groupby(order).transform("sum")
    fixed = fixed.where(~(off & last), (fixed + rest).round(2))
    return fixed, off
