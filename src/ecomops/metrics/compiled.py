"""Running fact queries, with the compiled SQL of each query shape cached (DuckDB).

Building and compiling an Ibis expression costs ~7 ms (STACK.md) plus catalog look-ups; a brief
runs dozens of queries of a handful of shapes. A shape (fact, dimensions, measures, number of
periods, grain, lag, filtered dimensions) is compiled once with placeholder literals; later runs
put the quoted values in their place, so DuckDB still sees constants it can push into scans.
Other engines (Spark) execute the Ibis expression with the values themselves.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import ibis
import pandas as pd

from ecomops.metrics.defs import Grain
from ecomops.metrics.facts import BUILDERS
from ecomops.metrics.scope import TOKEN, Params, Scope

log = logging.getLogger(__name__)

_CACHE: dict[tuple[str, Shape], str] = {}
_CACHE_LIMIT = 512
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


def expression(con: ibis.BaseBackend, shape: Shape, params: Params) -> ibis.Table:
    """The Ibis expression of ``shape`` on ``con``'s tables."""
    scope = Scope(
        table=con.table, params=params, n_periods=shape.n_periods, labelled=shape.labelled,
        grain=shape.grain, lag=shape.lag, filter_dims=shape.filter_dims,
    )
    return BUILDERS[shape.fact](scope, shape.dims, shape.measures)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql(con: ibis.BaseBackend, shape: Shape, values: dict[str, str]) -> str:
    """The SQL of ``shape`` with ``values`` in place (compiled once per shape and backend)."""
    key = (con.name, shape)
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


def cache_info() -> int:
    """Number of compiled query shapes held (for tests and --debug logs)."""
    return len(_CACHE)
