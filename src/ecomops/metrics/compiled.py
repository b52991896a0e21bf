"""Running fact queries, with the compiled SQL of each query shape cached (DuckDB).

Building and compiling an Ibis expression costs ~7 ms (STACK.md) plus catalog look-ups; a brief
runs dozens of queries of a handful of shapes. A shape (fact, dimensions, measures, number of
periods, grain, lag, filtered dimensions) is compiled once with placeholder literals; later runs
put the quoted values in their place, so DuckDB still sees constants it can push into scans.
Other engines (Spark) execute the Ibis expression with the values themselves.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ecomops.metrics.defs import Grain
from ecomops.metrics.scope import TOKEN, Params, Scope

if TYPE_CHECKING:
    import ibis

log = logging.getLogger(__name__)

_CACHE: dict[tuple[str, Shape], str] = {}
_CACHE_LIMIT = 512
_NAMESPACES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
_MARK = TOKEN.split("{}")[0]


@dataclass(frozen=True)
class Shape:
    """Everything about a fact query except its dates and filter values."""

    fact: str
    dims: tuple[str, ...]
    measures: tuple[str, ...]
    n_periods: int = 1
    labelled: bool = False
    grain: Grain = "day"
    lag: int | None = None
    filter_dims: tuple[str, ...] = ()
    filter_sizes: tuple[int, ...] = ()


def expression(con: ibis.BaseBackend, shape: Shape, params: Params) -> ibis.Table:
    """The Ibis expression of ``shape`` on ``con``'s tables."""
    from ecomops.metrics.facts import BUILDERS  # imports Ibis: only a shape not compiled yet pays

    scope = Scope(
        table=con.table, params=params, n_periods=shape.n_periods, labelled=shape.labelled,
        grain=shape.grain, lag=shape.lag, filter_dims=shape.filter_dims,
        filter_sizes=shape.filter_sizes,
    )
    return BUILDERS[shape.fact](scope, shape.dims, shape.measures)


def namespace(con: ibis.BaseBackend) -> str:
    """The cache key of ``con``: its engine and, for DuckDB, its tables' columns.

    Two connections with the same engine but different table columns (an older workspace, a
    test's in-memory copy) must not share compiled SQL: a query compiled where ``inventory`` has
    an ``extras`` column selects it. The columns are read once per connection object.
    """
    with _LOCK:
        known = _NAMESPACES.get(con)
    if known is not None:
        return known
    key = con.name
    if con.name == "duckdb":
        cols = con.raw_sql(  # type: ignore[attr-defined]
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE schema_name = 'main' ORDER BY ALL"
        ).fetchall()
        key = f"duckdb:{hashlib.sha256(repr(cols).encode()).hexdigest()[:16]}"
    with _LOCK:
        _NAMESPACES[con] = key
    return key


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql(con: ibis.BaseBackend, shape: Shape, values: dict[str, str]) -> str:
    """The SQL of ``shape`` with ``values`` in place (compiled once per shape and backend)."""
    key = (namespace(con), shape)
    with _LOCK:
        text = _CACHE.get(key)
    if text is None:
        text = str(con.compile(expression(con, shape, Params(sentinel=True))))
        with _LOCK:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = text
        log.debug("compiled %s", shape)
    for name, value in values.items():
        text = text.replace(_quote(TOKEN.format(name)), _quote(value))
    if _MARK in text:
        raise RuntimeError(f"unbound parameter left in the SQL of {shape}")
    return text


def run(con: ibis.BaseBackend, shape: Shape, values: dict[str, str]) -> pd.DataFrame:
    """Execute one fact query and return its rows (``date``, dims, measures)."""
    if con.name == "duckdb":
        result: Any = con.raw_sql(sql(con, shape, values))  # type: ignore[attr-defined]
        df: pd.DataFrame = result.fetch_df()
    else:
        df = con.execute(expression(con, shape, Params(values=values)))
    return df


def entries(backend: str) -> dict[str, str]:
    """The compiled SQL held for ``backend`` (a ``namespace``), by the shape's ``repr`` (disk cache)."""
    with _LOCK:
        return {repr(shape): text for (name, shape), text in _CACHE.items() if name == backend}


def restore(backend: str, saved: dict[str, str]) -> int:
    """Put SQL saved by ``entries`` back (keys that are not shapes are skipped); how many."""
    n = 0
    for key, text in saved.items():
        shape = _shape(key)
        if shape is None or not isinstance(text, str):
            continue
        with _LOCK:
            if len(_CACHE) < _CACHE_LIMIT:
                _CACHE[(backend, shape)] = text
                n += 1
    return n


def _shape(key: str) -> Shape | None:
    """The ``Shape`` written as ``repr(shape)`` (literals only: nothing is executed)."""
    import ast

    try:
        call = ast.parse(key, mode="eval").body
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id == "Shape" and not call.args):
            return None
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
        return Shape(**kwargs)
    except (SyntaxError, ValueError, TypeError):
        return None


def cache_info() -> int:
    """Number of compiled query shapes held (for tests and --debug logs)."""
    return len(_CACHE)
