"""Each contract column as set-based SQL: clean text, typed value, and the reason a value fails.

Pure string building (no connection): ``loader`` runs the expressions over whole files in DuckDB.
Fast paths come first inside ``COALESCE`` (a plain ``TRY_CAST``), so the regular expressions only
run on the values that need them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecomops.ingest.sqltext import ident, lit
from ecomops.ingest.vocab import accepted
from ecomops.store.schema import Column

TRIM_CHARS = " \t\r\n\u3000\u00a0"
EDGE_CODES = ", ".join(str(ord(c)) for c in TRIM_CHARS)
FULL_WIDTH = ("０１２３４５６７８９．，－＋", "0123456789.,-+")
SPACE_NOISE = r"[\s\x{3000}\x{a0}]"
MONEY_NOISE = r"(?i)rs\.?|rmb|cny|usd|eur|gbp|inr|元|[¥￥$€£₹\s\x{3000}\x{a0}]"
NUMBER_NOISE = MONEY_NOISE[:-1] + "%]"
GROUPED = r"[+-]?\d{1,3}(,\d{2})*(,\d{3})+(\.\d*)?"
"""Thousands separators: ``1,299.00``, and Indian grouping ``1,00,000``. A comma anywhere else
(``3,50`` written with a decimal comma) makes the value invalid instead of silently 350."""
DATE_FORMATS = ("%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
DATETIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M",
    "%Y%m%d %H:%M:%S", "%Y%m%d%H%M%S", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M",
    "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日",
)
NUMERIC_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                 "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "REAL"}
TYPE_REASONS = {
    "money": "not an amount of money",
    "number": "not a number",
    "integer": "not a whole number",
    "date": "not a date (expected YYYY-MM-DD)",
    "datetime": "not a date and time (expected YYYY-MM-DD HH:MM[:SS])",
}
AMOUNT_LIMIT = 1e12
"""Money and numbers must lie strictly inside ±1e12: no shop's order, cost or budget comes near,
while 1e308 or 1e300 (a typo, a broken export, a test) would overflow every sum downstream
(anomaly detection failed with ``decimal.InvalidOperation`` on such a GMV)."""
RANGE_REASON = f"amount out of range (at most {AMOUNT_LIMIT:g} either way)"


def _formats(fmts: tuple[str, ...]) -> str:
    return "[" + ", ".join(lit(f) for f in fmts) + "]"


@dataclass(frozen=True)
class ColumnSQL:
    """The SQL of one contract column over one source column."""

    column: Column
    clean: str
    """the source value as trimmed text, NULL when blank (or the typed source value as is)"""
    typed: str
    """the contract-typed value over the column named ``v`` (holding ``clean``); NULL if invalid"""
    reason: str | None
    """a VARCHAR reason over ``v`` and ``t`` (holding ``typed``), NULL when valid"""


def _slow_number(v: str, noise: str) -> str:
    """A number from text with full-width digits, currency words/symbols and grouping commas."""
    bare = (f"regexp_replace(translate({v}, {lit(FULL_WIDTH[0])}, {lit(FULL_WIDTH[1])}), "
            f"{lit(noise)}, '', 'g')")
    # The cleaned text is bound once through a one-element list and a lambda: written out three
    # times, DuckDB's common-subexpression pass would hoist it out of the COALESCE and run the
    # regular expression on every row instead of only the rows whose plain TRY_CAST failed.
    return (
        f"list_transform([{bare}], lambda b: CASE WHEN NOT contains(b, ',') OR "
        f"regexp_full_match(b, {lit(GROUPED)}) THEN TRY_CAST(replace(b, ',', '') AS DOUBLE) END)[1]"
    )


def _typed_text(col: Column, v: str, tz: str) -> str:
    t = col.type
    if t in ("money", "number", "integer"):
        noise = {"money": MONEY_NOISE, "number": NUMBER_NOISE, "integer": SPACE_NOISE}[t]
        d = f"COALESCE(TRY_CAST({v} AS DOUBLE), {_slow_number(v, noise)})"
        if t == "integer":
            return f"CASE WHEN {d} = trunc({d}) AND abs({d}) < 9e15 THEN CAST({d} AS BIGINT) END"
        return f"CASE WHEN isfinite({d}) THEN {d} END"
    if t == "date":
        return (
            f"COALESCE(TRY_CAST({v} AS DATE), "
            f"CAST(try_strptime(trim({v}, {lit(TRIM_CHARS)}), {_formats(DATE_FORMATS)}) AS DATE))"
        )
    if t == "datetime":
        has_offset = (
            f"(contains({v}, ':') AND (suffix(upper({v}), 'Z') OR contains(substr({v}, 9), '+') "
            f"OR contains(substr({v}, 11), '-')))"
        )
        return (
            f"CASE WHEN {has_offset} THEN timezone({lit(tz)}, TRY_CAST({v} AS TIMESTAMPTZ)) "
            f"ELSE COALESCE(TRY_CAST({v} AS TIMESTAMP), "
            f"try_strptime(trim({v}, {lit(TRIM_CHARS)}), {_formats(DATETIME_FORMATS)})) END"
        )
    if t == "enum":
        key = f"lower(replace(replace(trim({v}, {lit(TRIM_CHARS)}), ' ', '_'), '-', '_'))"
        whens = " ".join(f"WHEN {lit(k)} THEN {lit(val)}" for k, val in accepted(col.values).items())
        canonical = ", ".join(lit(x) for x in col.values)
        # Fast path for values already spelled as in the contract; the long CASE for the rest.
        return f"CASE WHEN {v} IN ({canonical}) THEN {v} ELSE (CASE {key} {whens} END) END"
    return v  # text, list


def _typed_source(col: Column, v: str, src_type: str, tz: str) -> str | None:
    """The typed value straight from an already typed source column, or None to go via text."""
    t, st = col.type, src_type.upper()
    if t in ("money", "number") and (st in NUMERIC_TYPES or st.startswith("DECIMAL")):
        return f"CASE WHEN isfinite(CAST({v} AS DOUBLE)) THEN CAST({v} AS DOUBLE) END"
    if t == "integer" and st in NUMERIC_TYPES:
        d = f"CAST({v} AS DOUBLE)"
        return f"CASE WHEN {d} = trunc({d}) AND abs({d}) < 9e15 THEN CAST({d} AS BIGINT) END"
    if t in ("date", "datetime") and st in ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS",
                                              "TIMESTAMP_S", "TIMESTAMP WITH TIME ZONE"):
        x = f"timezone({lit(tz)}, {v})" if st == "TIMESTAMP WITH TIME ZONE" else v
        return f"CAST({x} AS {'DATE' if t == 'date' else 'TIMESTAMP'})"
    return None


def column_sql(
    col: Column, source: str | None, source_type: str, tz: str, *, v: str, t: str
) -> ColumnSQL:
    """SQL for contract column ``col`` read from source column ``source`` (None: absent).

    ``v`` and ``t`` are the (quoted) names under which the caller selects ``clean`` and ``typed``.
    """
    if source is None:
        return ColumnSQL(col, "CAST(NULL AS VARCHAR)", f"CAST(NULL AS {col.sql_type})", None)
    src = ident(source)
    typed = None
    if col.type not in ("text", "list", "enum"):
        typed = _typed_source(col, v, source_type, tz)
    if typed is not None:
        clean = src
    else:
        text = src if source_type.upper() == "VARCHAR" else f"CAST({src} AS VARCHAR)"
        if col.type in ("text", "list"):
            # Trimming every value costs more than the rest of the stage: only values with a
            # space at an edge, found by code point (3x faster here than a regular expression).
            trimmed = f"NULLIF(trim({text}, {lit(TRIM_CHARS)}), '')"
            edge = f"ord({text}) IN ({EDGE_CODES}) OR ord(right({text}, 1)) IN ({EDGE_CODES})"
            clean = f"CASE WHEN {edge} THEN {trimmed} ELSE NULLIF({text}, '') END"
        else:
            # TRY_CAST skips surrounding spaces itself; the slow paths trim what is left.
            clean = f"NULLIF({text}, '')"
        typed = _typed_text(col, v, tz)
        if col.type in ("text", "list"):
            typed = v
    return ColumnSQL(col, clean, typed, _reason(col, v, t))


def _reason(col: Column, v: str, t: str) -> str | None:
    whens: list[str] = []
    if col.required and col.default is None:
        whens.append(f"WHEN {v} IS NULL THEN 'required value is empty'")
    if col.type not in ("text", "list"):
        if col.type == "enum":
            shown = ", ".join(col.values)
            whens.append(f"WHEN {v} IS NOT NULL AND {t} IS NULL THEN {lit('not one of: ' + shown)}")
        else:
            whens.append(f"WHEN {v} IS NOT NULL AND {t} IS NULL THEN {lit(TYPE_REASONS[col.type])}")
    if col.type in ("money", "number"):
        whens.append(f"WHEN abs({t}) >= {AMOUNT_LIMIT!r} THEN {lit(RANGE_REASON)}")
    if col.min is not None:
        whens.append(f"WHEN {t} < {col.min!r} THEN {lit(f'must be at least {col.min:g}')}")
    if col.max is not None:
        whens.append(f"WHEN {t} > {col.max!r} THEN {lit(f'must be at most {col.max:g}')}")
    return f"CASE {' '.join(whens)} END" if whens else None


def default_sql(col: Column) -> str | None:
    """The SQL literal of ``col``'s default (``order_lines`` defaults are computed by the loader)."""
    if col.default is None:
        return None
    return f"CAST({lit(col.default)} AS {col.sql_type})"
