"""The brief's assembly: KPIs with changes and bands, chart data, notes, as-of reproducibility."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ecomops.detect.findings import SEVERITY_ORDER
from ecomops.metrics import daily
from ecomops.report.kpis import BRIEF_KPIS, relative_change
from ecomops.report.model import Brief
from ecomops.report.service import assemble, brief_json
from ecomops.settings import Settings
from ecomops.store.analytics import ensure_schema, ibis_backend

D = dt.date(2026, 11, 24)  # conftest.DEMO_END
SETTINGS = Settings()


@pytest.fixture(scope="module")
def duck(demo_workspace: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(demo_workspace / "analytics.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def brief(duck: duckdb.DuckDBPyConnection) -> Brief:
    return assemble(ibis_backend(duck), D, SETTINGS, with_findings=False)


def test_kpis_are_the_metric_layer_values_with_their_changes(brief: Brief, duck) -> None:  # type: ignore[no-untyped-def]
    assert [k.metric for k in brief.kpis] == list(BRIEF_KPIS)
    ref = daily(ibis_backend(duck), ["gmv", "conversion_rate", "ad_roas"], [], D - dt.timedelta(days=364), D
                ).set_index("date")
    cards = {k.metric: k for k in brief.kpis}
    for m in ("gmv", "conversion_rate", "ad_roas"):
        assert cards[m].value == pytest.approx(ref.loc[D, m], rel=1e-5, abs=1e-6)
        for field, back in (("dod", 1), ("wow", 7), ("mom", 28), ("yoy", 364)):
            want = relative_change(ref.loc[D, m], ref.loc[D - dt.timedelta(days=back), m])
            assert getattr(cards[m], field) == pytest.approx(want, abs=1e-4), (m, field)
    assert 0 < cards["conversion_rate"].value < 1
    assert all(k.status in {"normal", "high", "low", "unavailable"} for k in brief.kpis)
    assert cards["gmv"].expected is not None
    assert cards["gmv"].expected > 0


def test_trends_carry_a_band_around_the_expected_value(brief: Brief) -> None:
    assert set(brief.charts.trends) == set(BRIEF_KPIS)
    gmv = brief.charts.trends["gmv"]
    assert gmv.dates[-1] == D
    assert len(gmv.dates) == SETTINGS.thresholds.history_days
    assert gmv.expected is not None
    assert gmv.low is not None
    assert gmv.high is not None
    assert len(gmv.values) == len(gmv.expected) == len(gmv.low) == len(gmv.high)
    inside = [lo <= v <= hi for v, lo, hi in zip(gmv.values, gmv.low, gmv.high, strict=True)
              if v is not None and lo is not None and hi is not None]
    assert len(inside) == len(gmv.dates)
    assert sum(inside) >= 0.8 * len(inside)  # a 3-sigma band holds most ordinary days
    assert brief.kpis[0].expected == gmv.expected[-1]


def test_charts_hold_bars_and_heatmaps(brief: Brief) -> None:
    bars = {(b.metric, b.dimension): b for b in brief.charts.bars}
    assert set(bars) == {(m, d) for m in ("gmv", "orders") for d in ("channel", "category")}
    gmv = next(k.value for k in brief.kpis if k.metric == "gmv")
    assert sum(bars[("gmv", "channel")].values) == pytest.approx(gmv)
    assert sum(bars[("gmv", "category")].values) == pytest.approx(gmv)
    assert len(bars[("gmv", "channel")].previous) == len(bars[("gmv", "channel")].labels)
    by_day, by_hour = brief.charts.heatmaps
    assert len(by_day.columns) == 28
    assert by_day.columns[-1] == D.isoformat()
    assert len(by_day.rows) == len(by_day.values) > 1
    assert by_hour.columns == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert len(by_hour.values) == 24
    orders_28 = sum(v or 0 for row in by_hour.values for v in row)
    trend = brief.charts.trends["orders"].values[-28:]
    assert orders_28 == pytest.approx(sum(v or 0 for v in trend))


def test_json_is_the_contract_shape(brief: Brief) -> None:
    data = brief_json(brief)
    assert list(data)[:6] == ["date", "store", "currency", "kpis", "findings", "actions"]
    assert data["date"] == "2026-11-24"
    # BRIEF.md's fields in its order, then the one extension: which movements are good news.
    assert list(data["kpis"][0]) == ["metric", "value", "dod", "wow", "mom", "yoy", "expected", "status",
                                     "favourable"]
    assert "charts" not in data
    assert "charts" in brief_json(brief, charts=True)


def _truncated_store(source: Path, cut: dt.date) -> duckdb.DuckDBPyConnection:
    """An in-memory store holding only what was known by the end of ``cut``."""
    end = (cut + dt.timedelta(days=1)).isoformat()
    mem = duckdb.connect()
    ensure_schema(mem)
    mem.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    mem.execute(f"INSERT INTO orders SELECT * REPLACE ("
                f"CASE WHEN shipped_time < '{end}' THEN shipped_time END AS shipped_time, "
                f"CASE WHEN delivered_time < '{end}' THEN delivered_time END AS delivered_time) "
                f"FROM src.orders WHERE order_time < '{end}'")
    mem.execute("INSERT INTO order_lines SELECT * FROM src.order_lines "
                "WHERE order_id IN (SELECT order_id FROM orders)")
    mem.execute("INSERT INTO products SELECT * FROM src.products")
    mem.execute(f"INSERT INTO returns SELECT * REPLACE ("
                f"CASE WHEN closed_at < '{end}' THEN status ELSE 'requested' END AS status, "
                f"CASE WHEN closed_at < '{end}' THEN closed_at END AS closed_at, "
                f"CASE WHEN updated_at < '{end}' THEN updated_at END AS updated_at) "
                f"FROM src.returns WHERE requested_at < '{end}'")
    for table in ("traffic", "ads", "inventory", "promotions"):
        column = "start_date" if table == "promotions" else "date"
        mem.execute(f"INSERT INTO {table} SELECT * FROM src.{table} WHERE {column} <= '{cut}'")
    mem.execute("DETACH src")
    return mem


def test_a_past_brief_sees_only_what_was_known_then(demo_workspace: Path, duck) -> None:  # type: ignore[no-untyped-def]
    past = D - dt.timedelta(days=20)
    full = assemble(ibis_backend(duck), past, SETTINGS, with_findings=False)
    mem = _truncated_store(demo_workspace / "analytics.duckdb", past)
    then = assemble(ibis_backend(mem), past, SETTINGS, with_findings=False)
    mem.close()
    assert [k.to_dict() for k in full.kpis] == [k.to_dict() for k in then.kpis]
    assert full.charts.trends["return_rate"] == then.charts.trends["return_rate"]
    assert full.charts.bars == then.charts.bars


def test_a_day_without_traffic_rows_has_conversion_unavailable(demo_workspace: Path) -> None:
    mem = _truncated_store(demo_workspace / "analytics.duckdb", D)
    mem.execute("DELETE FROM traffic WHERE date = ?", [D])
    english = SETTINGS.model_copy(update={"store": SETTINGS.store.model_copy(update={"language": "en"})})
    b = assemble(ibis_backend(mem), D, english, with_findings=False)
    mem.close()
    cards = {k.metric: k for k in b.kpis}
    assert cards["conversion_rate"].value is None
    assert cards["conversion_rate"].status == "unavailable"
    assert cards["visitors"].value is None
    assert cards["gmv"].value is not None
    assert cards["gmv"].value > 0
    assert any("traffic" in n for n in b.notes)
    assert not any("orders" in n.lower() for n in b.notes)


def test_findings_are_sorted_and_answered_by_actions(duck) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("ecomops.detect.service")
    b = assemble(ibis_backend(duck), D, SETTINGS)
    keys = [(SEVERITY_ORDER[f.severity], -abs(f.impact)) for f in b.findings]
    assert keys == sorted(keys)
    assert b.findings, "the demo store's last day has incidents"
    ids = {f.id for f in b.findings}
    assert [a.priority for a in b.actions] == list(range(1, len(b.actions) + 1))
    assert all(set(a.finding_ids) <= ids for a in b.actions)
    assert set(b.charts.evidence) == ids, "every finding has its evidence series"
    for f in b.findings:
        ev = b.charts.evidence[f.id]
        assert ev.metric == f.metric
        assert set(ev.segment.items()) <= set(f.segment.items())
        assert ev.dates[-1] == D
        assert ev.expected is not None
        assert any(v is not None for v in ev.values)


def test_return_rate_is_that_of_sales_two_weeks_old(brief: Brief, duck) -> None:  # type: ignore[no-untyped-def]
    from ecomops.report.kpis import RETURN_MATURITY_DAYS

    sale = D - dt.timedelta(days=RETURN_MATURITY_DAYS)
    ref = daily(ibis_backend(duck), ["return_rate"], [], sale, sale, as_of=D, lag=RETURN_MATURITY_DAYS)
    card = next(k for k in brief.kpis if k.metric == "return_rate")
    assert card.value is not None
    assert card.value > 0
    assert card.value == pytest.approx(ref["return_rate"].iloc[0], abs=1e-6)
