"""The metric layer against hand-written SQL on the small demo store."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ecomops.metrics import METRICS, UnknownMetric, UnsupportedCut, changes, compiled, daily, series
from ecomops.metrics.compiled import Shape
from ecomops.metrics.scope import Params, make_params
from ecomops.store.analytics import ensure_schema, ibis_backend

D = dt.date(2026, 11, 24)  # conftest.DEMO_END
DATA_MD = Path(__file__).resolve().parents[2] / "shared" / "contract" / "DATA.md"


@pytest.fixture(scope="module")
def duck(demo_workspace: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(demo_workspace / "analytics.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def con(duck: duckdb.DuckDBPyConnection):  # type: ignore[no-untyped-def]
    return ibis_backend(duck)


def _one(duck: duckdb.DuckDBPyConnection, sql: str, *params: object) -> float:
    rows = duck.execute(sql, list(params)).fetchall()
    return float(rows[0][0] or 0.0)


def test_store_sums_match_hand_sql_on_a_day(con, duck) -> None:  # type: ignore[no-untyped-def]
    row = daily(con, ["gmv", "orders", "units", "visitors", "ad_cost", "ad_clicks"], [], D, D).iloc[0]
    sales = """SELECT {} FROM orders o JOIN order_lines l USING (order_id)
               WHERE o.status <> 'cancelled' AND CAST(o.order_time AS DATE) = ?"""
    assert row["gmv"] == pytest.approx(_one(duck, sales.format("sum(l.amount)"), D))
    assert row["units"] == _one(duck, sales.format("sum(l.quantity)"), D)
    assert row["orders"] == _one(duck, sales.format("count(DISTINCT o.order_id)"), D)
    assert row["visitors"] == _one(duck, "SELECT sum(visitors) FROM traffic WHERE date = ?", D)
    assert row["ad_cost"] == pytest.approx(_one(duck, "SELECT sum(cost) FROM ads WHERE date = ?", D))
    assert row["ad_clicks"] == _one(duck, "SELECT sum(clicks) FROM ads WHERE date = ?", D)


def test_ratio_metrics_carry_their_numerator_and_denominator(con) -> None:  # type: ignore[no-untyped-def]
    df = daily(con, ["gmv", "orders", "aov", "ad_ctr", "ship_hours"], [], D - dt.timedelta(days=6), D)
    assert len(df) == 7
    assert (df["aov__num"] == df["gmv"]).all()
    assert (df["aov__den"] == df["orders"]).all()
    assert df["aov"].tolist() == pytest.approx((df["gmv"] / df["orders"]).tolist())
    assert (df["ad_ctr"].between(0, 1)).all()
    assert (df["ship_hours__den"] > 0).all()
    assert list(df["date"]) == [D - dt.timedelta(days=i) for i in range(6, -1, -1)]
    assert isinstance(df["date"].iloc[0], dt.date)


@pytest.mark.parametrize(("metric", "dim"), [
    ("gmv", "channel"), ("gmv", "category"), ("units", "sku"), ("visitors", "source"),
    ("ad_cost", "campaign"), ("refund_amount", "sku"), ("ship_hours", "carrier"),
    ("late_delivery_rate", "warehouse"), ("days_of_cover", "warehouse"),
])
def test_segments_add_up_to_the_store_total(con, metric: str, dim: str) -> None:  # type: ignore[no-untyped-def]
    start = D - dt.timedelta(days=2)
    total = daily(con, [metric], [], start, D).set_index("date")
    cut = daily(con, [metric], [dim], start, D)
    col = f"{metric}__num" if METRICS[metric].kind == "ratio" else metric
    sums = cut.groupby("date")[col].sum()
    assert sums.to_numpy() == pytest.approx(total[col].to_numpy())
    assert cut[dim].nunique() > 1


def test_filter_gives_the_segment_row(con) -> None:  # type: ignore[no-untyped-def]
    metrics = ["gmv", "conversion_rate", "ad_roas"]
    by_channel = daily(con, metrics, ["channel"], D, D).set_index("channel")
    tmall = daily(con, metrics, [], D, D, filters={"channel": "tmall"}).iloc[0]
    for m in metrics:
        assert tmall[m] == pytest.approx(by_channel.loc["tmall", m])


def test_a_filter_with_several_values_keeps_each_of_them(con) -> None:  # type: ignore[no-untyped-def]
    start = D - dt.timedelta(days=3)
    skus = daily(con, ["units"], ["sku"], D, D).nlargest(3, "units")["sku"].tolist()
    both = daily(con, ["units", "days_of_cover"], ["sku"], start, D, filters={"sku": skus[:2]})
    assert set(both["sku"]) == set(skus[:2])
    for sku in skus[:2]:
        one = daily(con, ["units", "days_of_cover"], [], start, D, filters={"sku": sku})
        mine = both[both["sku"] == sku].drop(columns="sku").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, one, check_dtype=False)


def test_compiled_sql_is_kept_on_disk_for_the_next_run(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ecomops.metrics.service import sql_cache

    path = tmp_path / "cache" / "metric_sql.json"
    with sql_cache(con, path):
        want = daily(con, ["gmv", "ship_hours"], ["carrier"], D, D)
    assert path.is_file()
    saved = compiled.entries(con.name)
    compiled._CACHE.clear()
    with sql_cache(con, path):
        assert compiled.entries(con.name) == saved  # restored before any query compiles
        got = daily(con, ["gmv", "ship_hours"], ["carrier"], D, D)
    pd.testing.assert_frame_equal(got, want)
    stale = json.loads(path.read_text(encoding="utf-8"))
    stale["fingerprint"] = "an older ibis"
    path.write_text(json.dumps(stale), encoding="utf-8")
    compiled._CACHE.clear()
    with sql_cache(con, path):
        assert compiled.entries(con.name) == {}  # another version's SQL is not trusted


def test_nothing_after_as_of_is_seen(con, duck) -> None:  # type: ignore[no-untyped-def]
    past = D - dt.timedelta(days=30)
    metrics = ["gmv", "return_rate", "refund_amount", "delivery_days", "days_of_cover"]
    df = daily(con, metrics, [], past - dt.timedelta(days=5), D, as_of=past)
    assert max(df["date"]) == past
    # Returns of the day's sales keep arriving after the day: as of the day fewer are known.
    early = daily(con, ["return_rate"], [], past - dt.timedelta(days=5), past).set_index("date")
    late = daily(con, ["return_rate"], [], past - dt.timedelta(days=5), past, as_of=D).set_index("date")
    assert (early["return_rate__num"] <= late["return_rate__num"]).all()
    assert early["return_rate__num"].sum() < late["return_rate__num"].sum()
    known = _one(duck, """SELECT sum(coalesce(r.quantity, 1)) FROM returns r JOIN orders o USING (order_id)
        WHERE CAST(o.order_time AS DATE) = ? AND o.status <> 'cancelled' AND r.requested_at < ?
          AND NOT (r.status IN ('rejected', 'closed')
                   AND coalesce(coalesce(r.closed_at, r.updated_at) < ?, true))""",
        past - dt.timedelta(days=5), past + dt.timedelta(days=1), past + dt.timedelta(days=1))
    assert early.loc[past - dt.timedelta(days=5), "return_rate__num"] == known


def test_days_of_cover_is_available_over_recent_demand(con, duck) -> None:  # type: ignore[no-untyped-def]
    row = daily(con, ["days_of_cover"], [], D, D).iloc[0]
    available = _one(duck, "SELECT sum(on_hand - coalesce(reserved, 0)) FROM inventory WHERE date = ?", D)
    sold = _one(duck, """SELECT sum(l.quantity) FROM orders o JOIN order_lines l USING (order_id)
        WHERE o.status <> 'cancelled' AND o.order_time >= ? AND o.order_time < ?
          AND l.sku IN (SELECT sku FROM inventory WHERE date = ?)""",
        D - dt.timedelta(days=27), D + dt.timedelta(days=1), D)
    assert row["days_of_cover__num"] == available
    assert row["days_of_cover__den"] == pytest.approx(sold / 28)


def test_late_delivery_rate_counts_orders_due_that_day(con, duck) -> None:  # type: ignore[no-untyped-def]
    day = D - dt.timedelta(days=10)
    row = daily(con, ["late_delivery_rate"], [], day, day).iloc[0]
    due = """SELECT {} FROM orders WHERE CAST(promised_delivery_time AS DATE) = ?
             AND status <> 'cancelled' AND NOT (status = 'closed' AND shipped_time IS NULL)"""
    assert row["late_delivery_rate__den"] == _one(duck, due.format("count(*)"), day)
    late = due.format(
        "count(*) FILTER (WHERE delivered_time IS NULL OR delivered_time > promised_delivery_time)"
    )
    assert row["late_delivery_rate__num"] == _one(duck, late, day)


def test_week_and_month_series_add_up_days(con) -> None:  # type: ignore[no-untyped-def]
    start, end = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    days = daily(con, ["gmv", "buyers"], [], start, end)
    month = series(con, ["gmv", "buyers"], [], start, end, grain="month")
    assert len(month) == 1
    assert month["date"].iloc[0] == start
    assert month["gmv"].iloc[0] == pytest.approx(days["gmv"].sum())
    assert month["buyers"].iloc[0] <= days["buyers"].sum()
    weeks = series(con, ["gmv"], [], start, end, grain="week")
    assert all(d.weekday() == 0 for d in weeks["date"].iloc[1:])
    assert weeks["gmv"].sum() == pytest.approx(days["gmv"].sum())


def test_changes_compare_with_the_same_weekday(con) -> None:  # type: ignore[no-untyped-def]
    c = changes(con, ["gmv", "conversion_rate"], [], D).iloc[0]
    hist = daily(con, ["gmv", "conversion_rate"], [], D - dt.timedelta(days=364), D).set_index("date")
    for comp, back in (("dod", 1), ("wow", 7), ("mom", 28), ("yoy", 364)):
        then = hist.loc[D - dt.timedelta(days=back), "gmv"]
        assert c[f"gmv__{comp}_value"] == pytest.approx(then)
        assert c[f"gmv__{comp}"] == pytest.approx((hist.loc[D, "gmv"] - then) / then)
    assert c["conversion_rate"] == pytest.approx(hist.loc[D, "conversion_rate"])
    week = changes(con, ["gmv"], ["channel"], D, grain="week")
    assert "gmv__dod" not in week.columns
    assert set(week["channel"]) == {"tmall", "jd", "douyin", "shopify"}
    span = daily(con, ["gmv"], ["channel"], D - dt.timedelta(days=6), D).groupby("channel")["gmv"].sum()
    assert week.set_index("channel")["gmv"].to_dict() == pytest.approx(span.to_dict())


def test_a_metric_outside_its_dimensions_is_refused(con) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnsupportedCut, match="ad_cost cannot be cut by carrier"):
        daily(con, ["ad_cost"], ["carrier"], D, D)
    with pytest.raises(UnknownMetric, match="revenue"):
        daily(con, ["revenue"], [], D, D)


def test_cached_sql_gives_what_the_expression_gives(con) -> None:  # type: ignore[no-untyped-def]
    shape = Shape("sales", ("channel",), ("gmv", "orders"), filter_dims=("region",))
    for day in (D, D - dt.timedelta(days=9)):
        values = make_params([(day, day + dt.timedelta(days=1))], None, day, {"region": "浙江"})
        cached = compiled.run(con, shape, values).sort_values("channel").reset_index(drop=True)
        direct = con.execute(compiled.expression(con, shape, Params(values=values)))
        direct = direct.sort_values("channel").reset_index(drop=True)
        assert len(cached) > 0
        pd.testing.assert_frame_equal(cached, direct, check_dtype=False)
    before = compiled.cache_info()
    compiled.run(con, shape, make_params([(D, D + dt.timedelta(days=1))], None, D, {"region": "广东"}))
    assert compiled.cache_info() == before


def test_conversion_is_missing_on_a_day_without_traffic_rows(demo_workspace: Path) -> None:
    mem = duckdb.connect()
    ensure_schema(mem)
    mem.execute(f"ATTACH '{demo_workspace / 'analytics.duckdb'}' AS demo (READ_ONLY)")
    for table in ("orders", "order_lines", "products"):
        mem.execute(f"INSERT INTO {table} SELECT * FROM demo.{table}")
    mem.execute("INSERT INTO traffic SELECT * FROM demo.traffic WHERE date <> ?", [D])
    df = daily(ibis_backend(mem), ["gmv", "visitors", "conversion_rate"], [], D - dt.timedelta(days=1), D)
    df = df.set_index("date")
    assert df.loc[D, "gmv"] > 0
    assert pd.isna(df.loc[D, "visitors"])
    assert pd.isna(df.loc[D, "conversion_rate"])
    assert df.loc[D - dt.timedelta(days=1), "conversion_rate"] > 0
    mem.close()


def test_every_metric_of_the_contract_is_declared() -> None:
    if not DATA_MD.is_file():
        pytest.skip(f"contract not found at {DATA_MD}")
    text = DATA_MD.read_text(encoding="utf-8").split("## Metric names", 1)[1]
    names = set(re.findall(r"`([a-z_]+)`", text))
    assert names, "no metric names found in DATA.md"
    assert names <= set(METRICS), names - set(METRICS)
    for d in METRICS.values():
        assert d.dims, d.name
        if d.kind == "ratio":
            assert d.numerator, d.name
            assert d.denominator, d.name
