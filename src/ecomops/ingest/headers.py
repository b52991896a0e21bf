"""Matching file names and header rows to contract tables and columns (pure functions).

DATA.md: headers match case-insensitively, ignoring spaces, ``-`` and ``_``; each column also
accepts its Chinese header. Here also: full-width forms (NFKC), byte-order marks, a trailing unit
in brackets (``实付金额（元）``, ``Spend (₹)``) and the column's ``aliases``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ecomops.store.schema import TABLES, Table

_SEPARATORS = re.compile(r"[\s\-_\ufeff\u200b]+")
_TRAILING_BRACKET = re.compile(r"[(\[{][^)\]}]*[)\]}]$")


def normalize(header: str) -> str:
    """The comparison form of a header or file name: NFKC, lower case, no spaces, ``-``, ``_``."""
    text = unicodedata.normalize("NFKC", header).strip().lower()
    return _SEPARATORS.sub("", text)


def _forms(header: str) -> list[str]:
    """``normalize(header)`` and, when it ends with a bracketed unit, the form without it."""
    norm = normalize(header)
    bare = _TRAILING_BRACKET.sub("", norm)
    return [norm, bare] if bare and bare != norm else [norm]


def column_names(table: Table) -> dict[str, str]:
    """Every accepted normalized header of ``table`` → contract column name."""
    out: dict[str, str] = {}
    for col in table.columns:
        for name in (col.name, *col.zh, *col.aliases):
            out.setdefault(normalize(name), col.name)
    return out


@dataclass(frozen=True)
class HeaderMap:
    """How the headers of one file map to one contract table."""

    table: Table
    columns: dict[str, str]
    """contract column → source header"""
    extras: tuple[str, ...] = ()
    """source headers no contract column takes (they go to the JSON ``extras`` column)"""
    missing: tuple[str, ...] = field(default=())
    """required contract columns with no header (and no default)"""

    @property
    def ok(self) -> bool:
        return not self.missing

    def closest(self, column: str) -> str | None:
        """The unused source header most like the contract column ``column`` (for messages).

        Compared as whole names, with their words sorted (``amount_paid`` for ``payment_amount``)
        and by containment (``Product Title`` for ``title``); ``None`` when nothing is close.
        """
        col = self.table.column(column)
        best: tuple[float, str | None] = (0.0, None)
        for header in self.extras:
            h = normalize(header)
            for name in (col.name, *col.zh, *col.aliases):
                n = normalize(name)
                score = max(
                    difflib.SequenceMatcher(None, n, h).ratio(),
                    difflib.SequenceMatcher(None, _sorted_words(name), _sorted_words(header)).ratio(),
                    CONTAINED if min(len(n), len(h)) >= 2 and (n in h or h in n) else 0.0,
                )
                if score > best[0]:
                    best = (score, header)
        return best[1] if best[0] >= CLOSE_ENOUGH else None


def _sorted_words(text: str) -> str:
    words = _SEPARATORS.split(unicodedata.normalize("NFKC", text).strip().lower())
    return "".join(sorted(w for w in words if w))


CLOSE_ENOUGH = 0.6
CONTAINED = 0.8


def map_headers(table: Table, headers: Sequence[str]) -> HeaderMap:
    """Map ``headers`` to ``table``'s columns; the first header for a column wins."""
    names = column_names(table)
    columns: dict[str, str] = {}
    extras: list[str] = []
    for header in headers:
        target = next((names[f] for f in _forms(header) if f in names), None)
        if target is None or target in columns:
            extras.append(header)
        else:
            columns[target] = header
    missing = tuple(
        c.name for c in table.columns
        if c.required and c.default is None and c.name not in columns
    )
    return HeaderMap(table, columns, tuple(extras), missing)


def table_from_name(path: Path) -> Table | None:
    """The table a file is named after: ``orders.csv``, ``订单.xlsx``, ``order_lines-2024.csv``.

    The longest table name (English or Chinese) that the file's stem equals or starts with wins,
    so ``订单明细`` is order_lines, not orders.
    """
    stem = normalize(path.stem)
    best: tuple[int, Table] | None = None
    for table in TABLES.values():
        for name in (table.name, table.zh):
            norm = normalize(name)
            if not _named(stem, norm):
                continue
            if best is None or len(norm) > best[0]:
                best = (len(norm), table)
    return best[1] if best else None


def _named(stem: str, name: str) -> bool:
    """``stem`` is ``name``, or ``name`` followed by a suffix (a date, a part number...).

    After an English name the suffix must not go on with a letter (``ordersx`` is not orders);
    Chinese names take any suffix (``订单导出``), the longest name winning.
    """
    if not stem.startswith(name):
        return False
    rest = stem[len(name):]
    return not rest or not name.isascii() or not rest[0].isascii() or not rest[0].isalpha()


def table_from_headers(headers: Sequence[str], tables: Iterable[Table] | None = None) -> tuple[
    Table | None, float
]:
    """The table whose required columns all appear in ``headers`` and that maps most of them.

    Returns the table and a score in [0, 1] (share of the headers it takes, weighted towards
    tables with more required columns matched), or ``(None, 0)``.
    """
    best: tuple[float, Table | None] = (0.0, None)
    total = max(len(headers), 1)
    for table in tables if tables is not None else TABLES.values():
        hm = map_headers(table, headers)
        if not hm.ok or not hm.columns:
            continue
        score = 0.5 * len(hm.columns) / total + 0.5 * len(hm.columns) / len(table.columns)
        if score > best[0]:
            best = (score, table)
    return best[1], best[0]
