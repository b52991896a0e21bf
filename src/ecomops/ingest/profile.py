"""The interface of source profiles, their registry, and the default profile (the DATA.md template).

A profile recognises a kind of file (a Shopify order export, an Amazon search-term report, the
nine Olist CSVs...) and converts it into contract tables; ``loader.load_table`` then validates
and upserts what it yields. ``import_folder`` asks every registered profile to score each file;
the best score above 0.5 wins, and the files a profile won are handed to ``convert`` together.

A profile may also expose ``required_headers`` (a sequence of header names it needs): the
importer uses it to tell the user which headers an unrecognised file lacks. An Arrow table a
profile yields may name its source file in its schema metadata (``b"source_file"``) so the
report attributes it; otherwise it is attributed to all the files the profile claimed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import duckdb
import pyarrow as pa

from ecomops.ingest.currency import file_currency, is_currency_header
from ecomops.ingest.headers import HeaderMap, map_headers, normalize, table_from_headers, table_from_name
from ecomops.ingest.reader import read_raw
from ecomops.ingest.sqltext import ident, lit
from ecomops.ingest.stage import CURRENCY_COLUMN
from ecomops.settings import Settings
from ecomops.store.schema import EXTRAS_COLUMN, TABLES, Table

log = logging.getLogger(__name__)

MATCH_THRESHOLD = 0.5
PROFILES_PACKAGE = "ecomops.ingest.profiles"


@runtime_checkable
class SourceProfile(Protocol):
    """What a source profile implements."""

    name: str
    """e.g. ``"template"``, ``"shopify_orders"``, ``"amazon_search_terms"``, ``"olist"``"""

    def match(self, path: Path, headers: list[str]) -> float:
        """How sure the profile is that it reads ``path`` (0 = no, 1 = certain)."""
        ...

    def convert(self, paths: list[Path], settings: Settings) -> Iterator[tuple[str, pa.Table]]:
        """Yield ``(contract table name, Arrow table as load_table takes it)`` for ``paths``."""
        ...


_REGISTRY: dict[str, SourceProfile] = {}


def register_profile(profile: SourceProfile) -> SourceProfile:
    """Add ``profile`` (replacing one of the same name); returns it, so it works as a decorator."""
    _REGISTRY[profile.name] = profile
    return profile


def profiles() -> list[SourceProfile]:
    """Every registered profile, the template first, then the platform profiles if installed."""
    _load_platform_profiles()
    return list(_REGISTRY.values())


_loaded = False


def _load_platform_profiles() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    try:
        importlib.import_module(PROFILES_PACKAGE)  # registers its profiles on import
    except ModuleNotFoundError as exc:
        if exc.name != PROFILES_PACKAGE:
            raise
        log.debug("no platform profiles installed")


def missing_headers(profile: SourceProfile, headers: Sequence[str]) -> list[str]:
    """The headers ``profile`` declares as required that ``headers`` lacks."""
    have = {normalize(h) for h in headers}
    wanted = getattr(profile, "required_headers", ()) or ()
    return [h for h in wanted if normalize(h) not in have]


def template_select(hm: HeaderMap, from_sql: str, store_currency: str | None = None) -> str:
    """SQL renaming a file's headers to contract columns, the other headers into ``extras``.

    With ``store_currency``, the rows' currency goes to ``_currency`` (``stage``): from a
    currency column (kept in ``extras`` too), else from a money header's unit (``Price (USD)``).
    """
    parts = [f"{ident(src)} AS {ident(col)}" for col, src in hm.columns.items()]
    if store_currency is not None:
        money = [src for col, src in hm.columns.items() if hm.table.column(col).type == "money"]
        column = next((h for h in hm.extras if is_currency_header(h)), None)
        if money and column is not None:
            parts.append(f"{ident(column)} AS {ident(CURRENCY_COLUMN)}")
        elif money and (code := file_currency(money, store_currency)):
            parts.append(f"{lit(code)} AS {ident(CURRENCY_COLUMN)}")
    if hm.extras and hm.table.extras:
        pairs = ", ".join(f"{lit(h)}, {ident(h)}" for h in hm.extras)
        parts.append(f"json_object({pairs}) AS {ident(EXTRAS_COLUMN)}")
    if not parts:
        parts.append("NULL AS _nothing")
    return f"(SELECT {', '.join(parts)} FROM {from_sql})"


class TemplateProfile:
    """Files in the shape of DATA.md, recognised by file name (English or Chinese) or headers."""

    name = "template"

    def table_for(self, path: Path, headers: Sequence[str]) -> tuple[Table | None, bool]:
        """The contract table of ``path`` and whether its file name (not its headers) said so."""
        table = table_from_name(path)
        if table is not None:
            return table, True
        return table_from_headers(list(headers))[0], False

    def match(self, path: Path, headers: list[str]) -> float:
        table, by_name = self.table_for(path, headers)
        if table is None:
            return 0.0
        if by_name:
            # Claimed even when a required column is missing, so the refusal names the column.
            return 0.9 if map_headers(table, headers).ok else 0.6
        return 0.6

    def convert(self, paths: list[Path], settings: Settings) -> Iterator[tuple[str, pa.Table]]:
        """The generic conversion (the import pipeline reads template files with SQL directly)."""
        for path in paths:
            headers, raw = read_raw(path)
            table, _ = self.table_for(path, headers)
            if table is None:
                continue
            hm = map_headers(table, headers)
            with duckdb.connect() as con:
                con.register("raw", raw)
                data = con.sql(f"SELECT * FROM {template_select(hm, 'raw')}").to_arrow_table()
            yield table.name, data.replace_schema_metadata({b"source_file": path.name.encode()})


def closest_table(headers: Sequence[str]) -> tuple[Table, list[str]]:
    """The contract table whose columns ``headers`` cover best, and its required columns missing."""
    best: tuple[int, Table, list[str]] | None = None
    for table in TABLES.values():
        hm = map_headers(table, headers)
        if best is None or len(hm.columns) > best[0]:
            best = (len(hm.columns), table, list(hm.missing))
    assert best is not None
    return best[1], best[2]


TEMPLATE = TemplateProfile()
register_profile(TEMPLATE)
