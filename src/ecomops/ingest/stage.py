"""The SELECT that stages a source for loading: typed contract columns plus what is wrong per row.

Pure SQL building (no connection). Every contract column is cleaned (``v``), typed (``t``, via
``rules``) and defaulted; ``_err`` lists (column, value, reason) for failing rows only and is
NULL for good ones, so the loader splits rows with one ``WHERE`` and never loops in Python.
"""

from __future__ import annotations

from ecomops.ingest.rules import column_sql, default_sql
from ecomops.ingest.sqltext import ident, lit
from ecomops.settings import Settings
from ecomops.store.schema import EXTRAS_COLUMN, Table

ROW_COLUMN = "_row"
"""Optional source column: the row number to show in reject messages (else the file position)."""
CURRENCY_COLUMN = "_currency"
"""Optional source column: the currency of the row's amounts (ISO code; empty = the store's).
A row in another currency than the store's is rejected: amounts are never mixed."""
CURRENCY_REJECT = "currency"
"""The ``column`` of such a reject in the rejects file."""


def stage_sql(table: Table, cols: dict[str, str], settings: Settings, source: str) -> str:
    """SELECT of the stage: contract columns typed (defaults applied), ``_err`` for bad rows."""
    tz = settings.store.timezone
    clean, typed, final, errors = [], [], [], []
    for i, col in enumerate(table.columns):
        v, t = ident(f"v{i}"), ident(f"t{i}")
        present = col.name if col.name in cols else None
        c = column_sql(col, present, cols.get(col.name, "VARCHAR"), tz, v=v, t=t)
        clean.append(f"{c.clean} AS {v}")
        typed.append(f"{c.typed} AS {t}")
        value = t
        default = default_sql(col)
        if default is not None:
            value = f"COALESCE({t}, {default})"
        final.append(f"{value} AS {ident(col.name)}")
        if c.reason is not None and present is not None:
            errors.append((col.name, v, c.reason))
    if table.name == "order_lines":
        # DATA.md: amount defaults to quantity × unit_price.
        i_amount = table.column_names.index("amount")
        i_qty, i_price = table.column_names.index("quantity"), table.column_names.index("unit_price")
        final[i_amount] = (
            f"COALESCE({ident(f't{i_amount}')}, round({ident(f't{i_qty}')} * "
            f"{ident(f't{i_price}')}, 2)) AS \"amount\""
        )
    if EXTRAS_COLUMN in cols:
        x = ident(EXTRAS_COLUMN)
        # Never lose what a profile put in extras: text that is not JSON is kept as a string.
        extras = (x if cols[EXTRAS_COLUMN] == "JSON"
                  else f"COALESCE(TRY_CAST({x} AS JSON), json_object('extras', {x}))")
    else:
        extras = "CAST(NULL AS JSON)"
    clean.append(f"{extras} AS _x")
    row = f"CAST({ident(ROW_COLUMN)} AS BIGINT)" if ROW_COLUMN in cols else "CAST(NULL AS BIGINT)"
    clean.append(f"{row} AS _r")
    money = any(c.type == "money" for c in table.columns if c.name in cols)
    if CURRENCY_COLUMN in cols and money:
        store = settings.store.currency.upper()
        cur = ident("_cur")
        clean.append(f"NULLIF(upper(trim(CAST({ident(CURRENCY_COLUMN)} AS VARCHAR))), '') AS {cur}")
        errors.append((CURRENCY_REJECT, cur, (
            f"CASE WHEN {cur} IS NOT NULL AND {cur} <> {lit(store)} THEN 'amounts in ' || {cur} || "
            f"{lit(f', not in the store currency {store}')} END"
        )))
    if errors:
        any_bad = " OR ".join(f"({r}) IS NOT NULL" for _, _, r in errors)
        items = ", ".join(
            f"{{'column': {lit(name)}, 'value': CAST({v} AS VARCHAR), 'reason': {r}}}"
            for name, v, r in errors
        )
        err = f"CASE WHEN {any_bad} THEN list_filter([{items}], lambda e: e.reason IS NOT NULL) END"
    else:
        err = "CAST(NULL AS STRUCT(\"column\" VARCHAR, value VARCHAR, reason VARCHAR)[])"
    final += [f"_x AS {ident(EXTRAS_COLUMN)}", "_r", f"{err} AS _err"]
    return (
        f"SELECT {', '.join(final)} FROM (SELECT *, {', '.join(typed)} FROM "
        f"(SELECT {', '.join(clean)} FROM {source}))"
    )
