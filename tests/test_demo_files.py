"""The demo shop's files follow DATA.md and hang together like a real shop's exports."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ecomops.store.schema import TABLES

DEMO_END = dt.date(2026, 11, 24)  # tests/conftest.py's DEMO_END; checked below against the ground truth
END = DEMO_END.isoformat()
# Promises and plans may lie ahead: a delivery promise, an expected arrival, a promotion's end.
FUTURE = ("promised_delivery_time", "inbound_eta", "end_date")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


@pytest.fixture(scope="module")
def con(demo_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Typed tables read once from the CSV files (DuckDB's reader; text stays text), and the same
    files as text in ``raw_<table>`` to check how values are written."""
    from ecomops.demo.incidents import load

    assert load(demo_dir)["end"] == END
    c = duckdb.connect()
    for name, table in TABLES.items():
        path = demo_dir / f"{name}.csv"
        types = {col.name: ("VARCHAR" if col.type in ("text", "enum", "list") else col.sql_type)
                 for col in table.columns}
        c.execute(f"CREATE TABLE raw_{name} AS SELECT * FROM read_csv('{path}', header = true, "
                  "all_varchar = true)")
        casts = ", ".join(f'CAST("{k}" AS {v}) AS "{k}"' for k, v in types.items())
        c.execute(f"CREATE TABLE {name} AS SELECT {casts} FROM raw_{name}")
    yield c
    c.close()


def one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:  # type: ignore[type-arg]
    row = con.execute(sql).fetchone()
    assert row is not None
    return row


def test_files_have_the_contract_columns_in_order_for_every_table(demo_dir: Path) -> None:
    for name, table in TABLES.items():
        with (demo_dir / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        assert tuple(header) == table.column_names, name


def test_dates_and_datetimes_use_the_contract_formats_in_every_file(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for name, table in TABLES.items():
        for col in table.columns:
            pattern = {"date": DATE, "datetime": DATETIME}.get(col.type)
            if pattern is None:
                continue
            bad = con.execute(f'SELECT DISTINCT "{col.name}" FROM raw_{name} WHERE "{col.name}" <> \'\' '
                              f'AND NOT regexp_full_match("{col.name}", ?) LIMIT 3',
                              [pattern.pattern]).fetchall()
            assert not bad, f"{name}.{col.name}: {bad}"


def test_required_columns_are_filled_and_enums_hold_contract_values(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for name, table in TABLES.items():
        for col in table.columns:
            if col.required:
                assert one(con, f'SELECT count(*) FROM {name} WHERE "{col.name}" IS NULL')[0] == 0, (
                    f"{name}.{col.name} has empty cells")
            if col.values:
                found = {r[0] for r in con.execute(f'SELECT DISTINCT "{col.name}" FROM {name}').fetchall()}
                assert found - {None} <= set(col.values), f"{name}.{col.name}: {found}"


def test_keys_are_unique_in_every_table(con: duckdb.DuckDBPyConnection) -> None:
    for name, table in TABLES.items():
        key = ", ".join(f'coalesce(CAST("{k}" AS VARCHAR), \'\')' for k in table.key)
        dupes = one(con, f"SELECT count(*) - count(DISTINCT ({key})) FROM {name}")[0]
        assert dupes == 0, name


def test_nothing_is_timestamped_after_the_end_day(con: duckdb.DuckDBPyConnection) -> None:
    for name, table in TABLES.items():
        for col in table.columns:
            if col.type not in ("date", "datetime") or col.name in FUTURE:
                continue
            latest = one(con, f'SELECT max("{col.name}") FROM {name}')[0]
            assert latest is None or str(latest)[:10] <= END, f"{name}.{col.name} = {latest}"
    assert one(con, "SELECT max(order_time)::DATE FROM orders")[0].isoformat() == END


def test_catalogue_has_enough_skus_categories_channels_and_warehouses(
    con: duckdb.DuckDBPyConnection,
) -> None:
    skus, categories = one(con, "SELECT count(*), count(DISTINCT category) FROM products")
    assert skus >= 200
    assert categories >= 8
    channels = {r[0] for r in con.execute("SELECT DISTINCT channel FROM orders").fetchall()}
    assert channels == {"tmall", "jd", "douyin", "shopify"}
    assert one(con, "SELECT count(DISTINCT warehouse) FROM inventory")[0] >= 2
    assert one(con, "SELECT count(DISTINCT warehouse) FROM orders")[0] >= 2
    assert one(con, "SELECT count(DISTINCT carrier) FROM orders")[0] >= 4


def test_products_are_bilingual_priced_with_margins_and_some_listings_incomplete(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = con.execute("SELECT sku, title, attributes, price, cost, images FROM products").fetchall()
    assert all(re.search(r"[\u4e00-\u9fff]", r[1]) for r in rows), "Chinese titles"
    assert all("title_en:" in r[2] for r in rows), "English title in attributes"
    margins = [1 - r[4] / r[3] for r in rows]
    assert min(margins) > 0.15
    assert max(margins) < 0.75
    images = [len(r[5].split("|")) if r[5] else 0 for r in rows]
    assert all(r[5] is None or all(p.startswith(f"images/{r[0]}-") for p in r[5].split("|")) for r in rows)
    assert sum(n < 3 for n in images) >= 3, "listing audits need incomplete listings"
    assert sum(n >= 3 for n in images) > 0.8 * len(rows)


def test_payment_amount_is_lines_minus_discount_plus_shipping(con: duckdb.DuckDBPyConnection) -> None:
    off = one(con, """
        SELECT count(*) FROM orders o JOIN (
            SELECT order_id, sum(amount) AS goods FROM order_lines GROUP BY 1) l USING (order_id)
        WHERE abs(o.payment_amount - (l.goods - o.discount_amount + o.shipping_fee)) > 0.011
        """)[0]
    assert off == 0
    lines_off = "SELECT count(*) FROM order_lines WHERE abs(amount - quantity * unit_price) > 0.011"
    assert one(con, lines_off)[0] == 0
    orphans = one(con, "SELECT count(*) FROM orders WHERE order_id NOT IN (SELECT order_id FROM order_lines)")
    assert orphans[0] == 0


def test_order_status_agrees_with_its_timestamp_chain(con: duckdb.DuckDBPyConnection) -> None:
    broken = one(con, """
        SELECT count(*) FROM orders WHERE NOT (
            (status = 'delivered' AND delivered_time IS NOT NULL)
         OR (status = 'shipped' AND shipped_time IS NOT NULL AND delivered_time IS NULL)
         OR (status = 'paid' AND paid_time IS NOT NULL AND shipped_time IS NULL)
         OR (status = 'cancelled' AND paid_time IS NOT NULL AND shipped_time IS NULL)
         OR (status IN ('created', 'closed') AND paid_time IS NULL))""")[0]
    assert broken == 0
    disorder = one(con, """
        SELECT count(*) FROM orders WHERE paid_time < order_time OR shipped_time < paid_time
            OR delivered_time < shipped_time OR promised_delivery_time < paid_time""")[0]
    assert disorder == 0
    statuses = dict(con.execute("SELECT status, count(*) FROM orders GROUP BY 1").fetchall())
    assert statuses.get("cancelled", 0) > 0
    assert statuses.get("closed", 0) > 0
    last_day = dict(con.execute(f"""
        SELECT status, count(*) FROM orders WHERE order_time::DATE = DATE '{END}' GROUP BY 1""").fetchall())
    assert "delivered" not in last_day
    assert last_day.get("paid", 0) + last_day.get("shipped", 0) > 0


def test_buyers_in_traffic_are_the_paid_orders_of_each_cell(con: duckdb.DuckDBPyConnection) -> None:
    mismatched = one(con, """
        WITH lines AS (
            SELECT o.order_time::DATE AS date, o.channel, o.traffic_source AS source, l.sku,
                   count(*) AS n
            FROM order_lines l JOIN orders o USING (order_id)
            WHERE o.status NOT IN ('created', 'closed') GROUP BY ALL)
        SELECT count(*) FROM traffic t FULL JOIN lines l USING (date, channel, source, sku)
        WHERE coalesce(t.buyers, 0) <> coalesce(l.n, 0) OR t.buyers > t.visitors""")[0]
    assert mismatched == 0


def test_conversion_is_realistic_per_channel_and_source(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""
        SELECT channel, source, sum(buyers) / sum(visitors), sum(add_to_cart) / sum(visitors),
               sum(page_views) / sum(visitors)
        FROM traffic GROUP BY ALL""").fetchall()
    assert len(rows) >= 20
    for channel, source, cr, atc, pv in rows:
        assert 0.005 <= cr <= 0.06, (channel, source, cr)
        assert cr < atc < 0.3, (channel, source)
        assert pv >= 1, (channel, source)


def test_ad_orders_and_sales_are_the_ads_source_orders(con: duckdb.DuckDBPyConnection) -> None:
    ads = {r[0]: r[1:] for r in con.execute(
        "SELECT channel, sum(orders), round(sum(sales)), sum(clicks) FROM ads GROUP BY 1").fetchall()}
    src = {r[0]: r[1:] for r in con.execute("""
        SELECT o.channel, count(*), round(sum(l.amount)) FROM order_lines l JOIN orders o USING (order_id)
        WHERE o.traffic_source = 'ads' AND o.status NOT IN ('created', 'closed') GROUP BY 1""").fetchall()}
    visitors = dict(con.execute(
        "SELECT channel, sum(visitors) FROM traffic WHERE source = 'ads' GROUP BY 1").fetchall())
    assert set(ads) == set(src) == {"tmall", "jd", "douyin", "shopify"}
    for ch, (orders, sales, clicks) in ads.items():
        assert orders == src[ch][0]
        assert abs(sales - src[ch][1]) <= 0.001 * sales + 2
        assert 0.85 * clicks <= visitors[ch] <= clicks  # a click that bounces is no visitor
    languages = con.execute("""SELECT channel, bool_or(regexp_matches(keyword, '[\u4e00-\u9fff]'))
                               FROM ads GROUP BY 1""").fetchall()
    assert dict(languages) == {"tmall": True, "jd": True, "douyin": True, "shopify": False}
    assert one(con, "SELECT count(DISTINCT match_type) FROM ads WHERE match_type IS NOT NULL")[0] == 3


def test_inventory_stays_non_negative_and_inbound_has_an_eta(con: duckdb.DuckDBPyConnection) -> None:
    bad = one(con, """SELECT count(*) FROM inventory WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand
                      OR (inbound > 0 AND inbound_eta IS NULL)""")[0]
    assert bad == 0
    arrivals = one(con, """
        SELECT count(*) FROM (SELECT sku, warehouse, on_hand - lag(on_hand) OVER w AS jump
                              FROM inventory WINDOW w AS (PARTITION BY sku, warehouse ORDER BY date))
        WHERE jump >= 50""")[0]
    assert arrivals > 50, "purchase orders arrive as jumps of stock"


def test_after_sales_rows_refer_to_real_orders_and_read_bilingually(con: duckdb.DuckDBPyConnection) -> None:
    assert one(con, """SELECT count(*) FROM returns r LEFT JOIN order_lines l USING (order_id, sku)
                       WHERE l.order_id IS NULL""")[0] == 0
    assert one(con, """SELECT count(*) FROM returns r JOIN order_lines l USING (order_id, sku)
                       WHERE r.refund_amount > l.amount + 0.01 OR r.requested_at < (
                           SELECT delivered_time FROM orders o WHERE o.order_id = r.order_id)""")[0] == 0
    reasons = {r[0] for r in con.execute("SELECT DISTINCT reason FROM returns").fetchall()}
    assert {"尺码不合适", "质量问题", "与描述不符", "物流破损", "七天无理由"} <= reasons
    open_but_done = """SELECT count(*) FROM returns
                       WHERE status IN ('refunded', 'exchanged') AND closed_at IS NULL"""
    assert one(con, open_but_done)[0] == 0
    for table in ("reviews", "messages"):
        zh, en = one(con, f"""SELECT count(*) FILTER (WHERE regexp_matches(text, '[\u4e00-\u9fff]')),
                                     count(*) FILTER (WHERE channel = 'shopify'
                                                      AND NOT regexp_matches(text, '[\u4e00-\u9fff]'))
                              FROM {table}""")
        assert zh > 100, table
        assert en > 10, table
    assert one(con, "SELECT count(*) FROM messages WHERE order_id IS NOT NULL AND order_id NOT IN "
                    "(SELECT order_id FROM orders)")[0] == 0
    ratings = dict(con.execute("SELECT rating, count(*) FROM reviews GROUP BY 1").fetchall())
    assert set(ratings) == {1, 2, 3, 4, 5}
    assert ratings[5] > ratings[1]


def test_customers_come_back_for_repeat_purchases(con: duckdb.DuckDBPyConnection) -> None:
    repeat, customers = one(con, """
        SELECT count(*) FILTER (WHERE n > 1), count(*) FROM (
            SELECT customer_id, count(*) AS n FROM orders GROUP BY 1)""")
    assert 0.1 < repeat / customers < 0.6


def test_competitors_and_promotions_cover_the_calendar(con: duckdb.DuckDBPyConnection) -> None:
    competitors, matched, days = one(con, """
        SELECT count(DISTINCT competitor), count(DISTINCT our_sku), count(DISTINCT date)
        FROM competitor_prices""")
    assert 2 <= competitors <= 3
    assert matched >= 10
    assert days == 730
    names = " ".join(r[0] for r in con.execute("SELECT name FROM promotions").fetchall())
    for festival in ("618", "双11", "双12", "Black Friday", "38女神节", "年货节"):
        assert festival in names


def test_weekly_and_festival_seasonality_show_in_orders(con: duckdb.DuckDBPyConnection) -> None:
    by_day = dict(con.execute("""
        SELECT order_time::DATE, count(*) FROM orders GROUP BY 1""").fetchall())
    d1111 = dt.date(2025, 11, 11)
    around = [by_day[d1111 + dt.timedelta(days=k)] for k in (-21, -14, 14, 21)]
    assert by_day[d1111] > 2 * max(around)
    first_year = sum(v for d, v in by_day.items() if d < DEMO_END - dt.timedelta(days=365))
    second_year = sum(v for d, v in by_day.items() if d >= DEMO_END - dt.timedelta(days=365))
    assert second_year > 1.05 * first_year, "the shop grows"
