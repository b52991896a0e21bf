"""The injected incidents: described in ground_truth.json, and really present in the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ecomops.demo import Incident, ground_truth
from ecomops.demo.incidents import load
from ecomops.store.schema import TABLES

DIMENSIONS = {"sku", "category", "channel", "source", "campaign", "ad_group", "keyword", "search_term",
              "warehouse", "carrier", "region", "competitor"}
MODULES = {"sales", "traffic", "ads", "inventory", "listing", "after_sales", "logistics", "competitors",
           "crm"}
STEPS = {"traffic", "conversion", "pricing", "margin", "ads", "stock", "fulfilment", "logistics",
         "after_sales", "content", "competition"}


@pytest.fixture(scope="module")
def con(demo_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    for name, table in TABLES.items():
        types = {col.name: "VARCHAR" if col.type in ("text", "enum", "list") else col.sql_type
                 for col in table.columns}
        spec = ", ".join(f"'{k}': '{v}'" for k, v in types.items())
        c.execute(f"CREATE VIEW {name} AS SELECT * FROM read_csv('{demo_dir / (name + '.csv')}', "
                  f"header = true, columns = {{{spec}}})")
    yield c
    c.close()


@pytest.fixture(scope="module")
def truth(demo_dir: Path) -> dict[str, Incident]:
    return {i.kind: i for i in ground_truth(demo_dir)}


def value(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    row = con.execute(sql).fetchone()
    assert row is not None, sql
    assert row[0] is not None, sql
    return float(row[0])


def during(i: Incident) -> str:
    return f"BETWEEN DATE '{i.start}' AND DATE '{i.end}'"


def before(i: Incident, days: int = 28) -> str:
    start = dt.date.fromisoformat(i.detail.get("onset", i.start.isoformat()))
    return f"BETWEEN DATE '{start - dt.timedelta(days=days)}' AND DATE '{start - dt.timedelta(days=1)}'"


def test_ground_truth_lists_nine_incidents_in_the_brief_vocabulary(demo_dir: Path) -> None:
    doc = load(demo_dir)
    incidents: list[Incident] = doc["incidents"]
    end = dt.date.fromisoformat(doc["end"])
    assert {i.kind for i in incidents} == {
        "conversion_collapse", "traffic_source_drop", "ad_ctr_collapse", "pricing_error", "return_spike",
        "carrier_delay", "stockout", "category_slowdown", "oversold_listing"}
    assert len({i.id for i in incidents}) == len(incidents)
    for i in incidents:
        assert i.segment, i.id
        assert set(i.segment) <= DIMENSIONS, i.id
        assert i.module in MODULES, i.id
        assert i.process_step in STEPS, i.id
        assert i.direction in ("up", "down"), i.id
        assert i.metric_family in doc["metric_families"], i.id
        assert set(i.metrics) <= set(doc["metric_families"][i.metric_family]), i.id
        assert i.description, i.id
        assert end - dt.timedelta(days=125) <= i.start <= i.end <= end, i.id
    assert any(i.end == end for i in incidents)
    assert len({i.start for i in incidents}) == len(incidents), "each incident starts on its own date"


def test_quiet_dates_keep_clear_of_every_incident(demo_dir: Path) -> None:
    doc = load(demo_dir)
    quiet: list[dt.date] = doc["quiet_dates"]
    assert len(quiet) >= 8
    for i in doc["incidents"]:
        onset = dt.date.fromisoformat(i.detail.get("onset", i.start.isoformat()))
        assert not any(onset - dt.timedelta(days=1) <= d <= i.end + dt.timedelta(days=1) for d in quiet), i.id


def test_incident_segments_name_values_that_exist_in_the_data(
    con: duckdb.DuckDBPyConnection, truth: dict[str, Incident],
) -> None:
    where = {"sku": "products", "category": "products", "channel": "orders", "source": "traffic",
             "campaign": "ads", "ad_group": "ads", "carrier": "orders", "warehouse": "inventory"}
    for i in truth.values():
        for dim, val in {**i.segment, **{k: v for alt in i.alt_segments for k, v in alt.items()}}.items():
            assert value(con, f"SELECT count(*) FROM {where[dim]} WHERE {dim} = '{val}'") > 0, (i.id, dim)


def test_conversion_collapse_cuts_orders_while_visitors_hold(
    con: duckdb.DuckDBPyConnection, truth: dict[str, Incident],
) -> None:
    i = truth["conversion_collapse"]
    cell = f"channel = '{i.segment['channel']}' AND sku = '{i.segment['sku']}'"

    def daily(metric: str, span: str) -> float:
        sql = f"SELECT sum({metric}) / count(DISTINCT date) FROM traffic WHERE {cell} AND date {span}"
        return value(con, sql)

    week = before(i, 7)  # the week before: clear of the festival peak that precedes the end
    assert 0.75 < daily("visitors", during(i)) / daily("visitors", week) < 1.33
    cr_before = daily("buyers", week) / daily("visitors", week)
    cr_during = daily("buyers", during(i)) / daily("visitors", during(i))
    assert cr_during < 0.45 * cr_before
    assert daily("buyers", week) >= 4, "visible at small scale: a best seller"


def test_traffic_source_drop_cuts_that_source_on_that_channel(
    con: duckdb.DuckDBPyConnection, truth: dict[str, Incident],
) -> None:
    i = truth["traffic_source_drop"]
    cell = f"channel = '{i.segment['channel']}' AND source = '{i.segment['source']}'"
    avg = "SELECT sum(visitors) / count(DISTINCT date) FROM traffic WHERE {} AND date {}"
    assert value(con, avg.format(cell, during(i))) < 0.55 * value(con, avg.format(cell, before(i)))
    other = f"channel = '{i.segment['channel']}' AND source <> '{i.segment['source']}' AND source <> 'ads'"
    assert value(con, avg.format(other, during(i))) > 0.8 * value(con, avg.format(other, before(i)))


def test_ad_ctr_collapse_holds_impressions_and_loses_clicks(
    con: duckdb.DuckDBPyConnection, truth: dict[str, Incident],
) -> None:
    i = truth["ad_ctr_collapse"]
    cell = f"campaign = '{i.segment['campaign']}' AND ad_group = '{i.segment['ad_group']}'"
    q = "SELECT sum({}) / count(DISTINCT date) FROM ads WHERE " + cell + " AND date {}"
    imp_before = value(con, q.format("impressions", before(i)))
    imp_during = value(con, q.format("impressions", during(i)))
    ctr_before = value(con, q.format("clicks", before(i))) / imp_before
    ctr_during = value(con, q.format("clicks", during(i))) / imp_during
    assert 0.75 < imp_during / imp_before < 1.33
    assert ctr_during < 0.5 * ctr_before
    assert value(con, q.format("clicks", before(i))) >= 15, "a busy ad group"


def test_pricing_error_sells_below_cost_with_a_burst_of_units(
    con: duckdb.DuckDBPyConnection, truth: dict[str, Incident],
) -> None:
    i = truth["pricing_error"]
    sku = i.segment["sku"]
    sold = f"""FROM order_lines l JOIN orders o USING (order_id) JOIN products p USING (sku)
               WHERE sku = '{sku}' AND o.status NOT IN ('created', 'closed', 'cancelled')"""
    margin = value(con, f"SELECT sum(amount - quantity * p.cost) {sold} AND o.order_time::DATE {during(i)}")
    assert margin < 0
    units = "SELECT sum(quantity) / {} " + sold + " AND o.order_time::DATE {}"
    days = (i.end - i.start).days + 1
    assert value(con, units.format(days, during(i))) > 4 * value(con, units.format(28, before(i)))


def test_return_spike_brings_quality_returns_of_one_sku(
    con: duckdb.DuckDBPyConnection, truth: dict[str, Incident],
) -> None:
    i = truth["return_spike"]
    cases = f"FROM returns WHERE sku = '{i.segment['sku']}' AND requested_at::DATE "
    days = (i.end - i.start).days + 1
    rate_during = value(con, f"SELECT count(*) / {days} {cases} {during(i)}")
    rate_before = value(con, f"SELECT count(*) / 28 {cases} {before(i)}")
    assert rate_during > 3 * rate_before
    reason = con.execute(f"SELECT mode(reason) {cases} {during(i)}").fetchone()
    assert reason == (i.detail["leading_reason"],) == ("质量问题",)
    bad = value(con, f"""SELECT count(*) FROM reviews WHERE sku = '{i.segment['sku']}' AND rating <= 2
                          AND created_at::DATE BETWEEN DATE '{i.start}' AND DATE '{i.end}' + 14""")
    assert bad >= 3, "a faulty batch brings bad reviews"


def test_carrier_delay_adds_days_to_that_carriers_deliveries(
    con: duckdb.DuckDBPyConnection, truth: dict[str, Incident],
) -> None:
    i = truth["carrier_delay"]
    q = f"""SELECT avg(date_diff('second', shipped_time, delivered_time)) / 86400 FROM orders
            WHERE carrier = '{i.segment['carrier']}' AND delivered_time::DATE {{}}"""
    assert value(con, q.format(during(i))) > value(con, q.format(before(i))) + 1.5
    others = q.replace(f"carrier = '{i.segment['carrier']}'", f"carrier <> '{i.segment['carrier']}'")
    assert value(con, others.format(during(i))) < value(con, others.format(before(i))) + 0.5


def test_stockout_empties_every_warehouse_with_nothing_inbound_and_sales_stop(
    con: duckdb.DuckDBPyConnection, truth: dict[str, Incident],
) -> None:
    i = truth["stockout"]
    sku = i.segment["sku"]
    stock = f"FROM inventory WHERE sku = '{sku}' AND date {during(i)}"
    assert value(con, f"SELECT max(on_hand - reserved) {stock}") == 0  # paid orders still to ship
    assert value(con, f"SELECT sum(on_hand) {stock} AND date = DATE '{i.end}'") == 0
    assert value(con, f"SELECT coalesce(max(inbound), 0) {stock}") == 0
    assert value(con, f"""SELECT count(*) FROM order_lines l JOIN orders o USING (order_id)
                          WHERE sku = '{sku}' AND o.order_time::DATE > DATE '{i.start}'""") == 0
    daily = value(con, f"""SELECT sum(quantity) / 28 FROM order_lines l JOIN orders o USING (order_id)
                           WHERE sku = '{sku}' AND o.order_time::DATE {before(i)}""")
    assert daily >= 3, "a best seller"


def test_category_slowdown_hits_every_sku_of_the_category(
    con: duckdb.DuckDBPyConnection, truth: dict[str, Incident],
) -> None:
    i = truth["category_slowdown"]
    per_sku = con.execute(f"""
        SELECT sku, sum(visitors) FILTER (WHERE date {during(i)}) / {(i.end - i.start).days + 1},
               sum(visitors) FILTER (WHERE date {before(i)}) / 28
        FROM traffic JOIN products USING (sku) WHERE category = '{i.segment['category']}' GROUP BY 1
        HAVING sum(visitors) FILTER (WHERE date {before(i)}) > 28 * 10""").fetchall()
    assert len(per_sku) >= 3
    assert all(d < 0.8 * b for _, d, b in per_sku)
    total_during = sum(d for _, d, _ in per_sku)
    assert total_during < 0.7 * sum(b for _, _, b in per_sku)


def test_oversold_listing_shows_more_than_the_warehouses_hold(
    con: duckdb.DuckDBPyConnection, truth: dict[str, Incident],
) -> None:
    i = truth["oversold_listing"]
    sku, channel = i.segment["sku"], i.segment["channel"]
    sellable = value(con, f"""SELECT sum(on_hand - reserved) FROM inventory
                              WHERE sku = '{sku}' AND date = (SELECT max(date) FROM inventory)""")
    listing = f"FROM channel_listings WHERE sku = '{sku}' AND channel = '{channel}'"
    listed = value(con, f"SELECT listed_stock {listing}")
    assert listed > sellable + 10
    others = value(con, f"""SELECT max(listed_stock) FROM channel_listings
                            WHERE sku = '{sku}' AND channel <> '{channel}'""")
    assert others <= sellable
    honest = value(con, """
        SELECT count(*) FROM channel_listings l JOIN (
            SELECT sku, sum(on_hand - reserved) AS s FROM inventory
            WHERE date = (SELECT max(date) FROM inventory) GROUP BY 1) USING (sku)
        WHERE l.listed_stock > s""")
    assert honest == 1, "only the incident's listing oversells"
