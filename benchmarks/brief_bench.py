"""The brief at 10M order lines against a hand-written DuckDB SQL KPI cube, in the same run.

Synthesizes a store with DuckDB SQL (default 10M order lines over two years, 5,000 SKUs, traffic,
ads, inventory snapshots, after-sales cases; kept in --dir for later runs), then times:

- ``cube``:  ``metrics.changes`` - the day's store KPIs with dod / wow / mom / yoy (5 days);
- ``sql``:   the same cube as one hand-written DuckDB query over the DATA.md tables (the baseline);
- ``sql'``:  that query with order lines first cut by the store's derived ``order_lines._order_date``
  (``store.derived``), as the metric layer does: shown so the reader can see what the derived
  column buys a hand-written query too (the ratio target is against ``sql``);
- ``brief``: ``report.service.assemble`` without detection (KPIs, 112-day trends with bands,
  bars, heatmaps) and, with --with-findings, the whole brief including ``detect``.

Prints each time, and brief / sql and cube / sql. Target (issue 3): brief <= 30 s, <= 3x the SQL.

    .venv/bin/python benchmarks/brief_bench.py [--lines 10000000] [--dir /tmp/ecomops-brief-bench]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import shutil
import time
from pathlib import Path

import duckdb

from ecomops.metrics import changes
from ecomops.report.kpis import BRIEF_KPIS
from ecomops.report.model import Brief
from ecomops.report.service import assemble
from ecomops.settings import Settings
from ecomops.store import derived
from ecomops.store.analytics import ibis_backend
from ecomops.workspace import Workspace

END = dt.date(2026, 11, 24)
DAYS = 730
SKUS = 5000
START = END - dt.timedelta(days=DAYS - 1)


def synthesize(con: duckdb.DuckDBPyConnection, lines: int) -> None:
    """Fill the DATA.md tables with a deterministic synthetic store."""
    orders = int(lines / 1.6)
    span = DAYS * 86400
    price = "round(20 + (hash(i) % 50000) / 100.0, 2)"
    con.execute(f"""INSERT INTO products (sku, title, category, price, cost, status, lead_time_days)
        SELECT printf('SKU-%05d', i), 'Product ' || i, 'cat-' || (i % 40), {price},
               round({price} * 0.45, 2), 'on_sale', 20 FROM range({SKUS}) t(i)""")
    con.execute(f"""INSERT INTO orders (order_id, channel, order_time, customer_id, status, paid_time,
            shipped_time, delivered_time, promised_delivery_time, region, traffic_source,
            payment_amount, warehouse, carrier)
        SELECT 'O' || i, ['tmall', 'jd', 'douyin', 'shopify'][1 + (hash(i, 1) % 4)::BIGINT], ts,
               'C' || (hash(i, 2) % {max(orders // 3, 1)}),
               CASE WHEN hash(i, 3) % 100 < 2 THEN 'cancelled' ELSE 'delivered' END,
               ts + to_seconds((hash(i, 4) % 600)::BIGINT),
               ts + to_seconds((21600 + hash(i, 5) % 86400)::BIGINT),
               ts + to_seconds((108000 + hash(i, 6) % 259200)::BIGINT),
               date_trunc('day', ts) + INTERVAL 4 DAY - INTERVAL 1 SECOND,
               'region-' || (hash(i, 7) % 31),
               ['search', 'ads', 'recommendation', 'social', 'direct', 'other'][1 + (hash(i, 8) % 6)::BIGINT],
               0, ['east', 'north', 'south'][1 + (hash(i, 9) % 3)::BIGINT], 'carrier-' || (hash(i, 10) % 8)
        FROM (SELECT i, TIMESTAMP '{START}' + to_seconds(i * {span} // {orders}) AS ts
              FROM range({orders}) t(i))""")
    sku = f"(hash(j, 11) % {SKUS}) * (hash(j, 12) % {SKUS}) // {SKUS}"
    con.execute(f"""INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price, amount)
        SELECT 'O' || i, 1 + j - CAST(ceil(i * {lines} / {orders}) AS BIGINT), printf('SKU-%05d', s),
               q, p, q * p
        FROM (SELECT j, j * {orders} // {lines} AS i, {sku} AS s, 1 + (hash(j, 13) % 10 = 0)::INT AS q,
                     round(20 + (hash({sku}) % 50000) / 100.0, 2) AS p FROM range({lines}) t(j))""")
    con.execute(f"""INSERT INTO traffic (date, channel, source, sku, visitors, page_views, buyers)
        SELECT d, c, s, printf('SKU-%05d', k), 1 + hash(d, c, s, k) % 60, 0, hash(d, c, s, k, 1) % 3
        FROM range(DATE '{START}', DATE '{END}' + 1, INTERVAL 1 DAY) r(d),
             (VALUES ('tmall'), ('jd'), ('douyin'), ('shopify')) ch(c),
             (VALUES ('search'), ('ads'), ('recommendation'), ('social'), ('direct'), ('other')) so(s),
             range(300) kk(k)""")
    con.execute(f"""INSERT INTO ads (date, channel, ad_type, campaign, ad_group, keyword, match_type,
            search_term, sku, impressions, clicks, cost, orders, sales)
        SELECT d, c, 'search', 'camp-' || (a % 20), 'group-' || (a % 100), 'kw-' || a, 'exact', '',
               printf('SKU-%05d', a), 100 + hash(d, c, a) % 900, hash(d, c, a, 1) % 30,
               round((hash(d, c, a, 1) % 30) * 1.3, 2), hash(d, c, a, 2) % 3, (hash(d, c, a, 2) % 3) * 99.0
        FROM range(DATE '{START}', DATE '{END}' + 1, INTERVAL 1 DAY) r(d),
             (VALUES ('tmall'), ('jd'), ('douyin'), ('shopify')) ch(c), range(500) aa(a)""")
    con.execute(f"""INSERT INTO inventory (date, sku, warehouse, on_hand, reserved, inbound)
        SELECT d, printf('SKU-%05d', k), w, hash(d, k, w) % 400, hash(d, k, w, 1) % 5, 0
        FROM range(DATE '{START}', DATE '{END}' + 1, INTERVAL 1 DAY) r(d), range({SKUS}) kk(k),
             (VALUES ('east'), ('south')) ww(w)""")
    con.execute("""INSERT INTO returns (case_id, order_id, sku, type, reason, quantity, refund_amount,
            status, requested_at, updated_at, closed_at)
        SELECT 'R' || l.order_id || '-' || l.line_no, l.order_id, l.sku, 'return_refund', 'size', 1,
               l.unit_price, 'refunded', o.delivered_time + INTERVAL 2 DAY,
               o.delivered_time + INTERVAL 6 DAY, o.delivered_time + INTERVAL 6 DAY
        FROM order_lines l JOIN orders o USING (order_id) WHERE hash(l.order_id, l.line_no) % 100 < 3""")
    derived.refresh(con, "order_lines")  # what an import does after writing order lines
    con.execute("CHECKPOINT")


CUBE_SQL = """
WITH days(d) AS (VALUES {days_values}),
s AS (
  SELECT CAST(o.order_time AS DATE) AS d, sum(coalesce(l.amount, l.quantity * l.unit_price)) AS gmv,
         count(DISTINCT o.order_id) AS orders, sum(l.quantity) AS units,
         count(DISTINCT coalesce(nullif(o.customer_id, ''), o.order_id)) AS buyers,
         sum(l.amount - l.quantity * p.cost) AS gm, sum(l.amount) FILTER (WHERE p.cost IS NOT NULL) AS cgmv
  FROM orders o LEFT JOIN order_lines l USING (order_id) LEFT JOIN products p ON p.sku = l.sku
  WHERE o.status <> 'cancelled' AND ({sold_on_days}) GROUP BY 1),
t AS (SELECT date AS d, sum(visitors) AS visitors, sum(buyers) AS tbuyers, count(*) - count(buyers) AS nob
      FROM traffic WHERE date IN ({days_list}) GROUP BY 1),
a AS (SELECT date AS d, sum(impressions) AS imp, sum(clicks) AS clk, sum(cost) AS cost, sum(sales) AS sales
      FROM ads WHERE date IN ({days_list}) GROUP BY 1),
rf AS (SELECT CAST(requested_at AS DATE) AS d, sum(refund_amount) AS refund FROM returns
       WHERE ({requested_on_days}) AND NOT (status IN ('rejected', 'closed')
                  AND coalesce(coalesce(closed_at, updated_at) < {asof_end}, true))
       GROUP BY 1),
rt AS (SELECT CAST(o.order_time AS DATE) + 14 AS d, sum(coalesce(r.quantity, 1)) AS returned
       FROM returns r JOIN orders o USING (order_id)
       WHERE o.status <> 'cancelled' AND ({sold_14_days_before})
         AND r.requested_at < CAST(o.order_time AS DATE) + INTERVAL 15 DAY
         AND NOT (r.status IN ('rejected', 'closed') AND coalesce(coalesce(r.closed_at, r.updated_at)
                  < CAST(o.order_time AS DATE) + INTERVAL 15 DAY, true))
       GROUP BY 1),
ru AS (SELECT CAST(o.order_time AS DATE) + 14 AS d, sum(l.quantity) AS sold
       FROM orders o JOIN order_lines l USING (order_id)
       WHERE o.status <> 'cancelled' AND ({sold_14_days_before}) GROUP BY 1),
sh AS (SELECT CAST(shipped_time AS DATE) AS d, sum(epoch(shipped_time) - epoch(paid_time)) / 3600 AS hours,
              count(*) AS n FROM orders
       WHERE ({shipped_on_days}) AND shipped_time >= paid_time GROUP BY 1),
dl AS (SELECT CAST(delivered_time AS DATE) AS d,
              sum(epoch(delivered_time) - epoch(shipped_time)) / 86400 AS days_, count(*) AS n FROM orders
       WHERE ({delivered_on_days}) AND delivered_time >= shipped_time
       GROUP BY 1),
pr AS (SELECT CAST(promised_delivery_time AS DATE) AS d,
              count(*) FILTER (WHERE delivered_time IS NULL OR delivered_time > promised_delivery_time)
                  AS late,
              count(*) AS due FROM orders
       WHERE ({due_on_days}) AND status <> 'cancelled'
         AND NOT (status = 'closed' AND shipped_time IS NULL) GROUP BY 1),
snap AS (SELECT date AS d, sku, sum(on_hand - coalesce(reserved, 0)) AS avail FROM inventory
         WHERE date IN ({days_list}) GROUP BY 1, 2),
sold AS (SELECT CAST(o.order_time AS DATE) AS sd, l.sku, sum(l.quantity) AS q
         FROM orders o JOIN order_lines l USING (order_id)
         WHERE o.status <> 'cancelled' AND ({sold_in_28_days}) GROUP BY 1, 2),
st AS (SELECT d, sum(avail) AS avail, sum(demand) AS demand FROM (
         SELECT snap.d, snap.sku, snap.avail, coalesce(sum(sold.q), 0) / 28.0 AS demand
         FROM snap LEFT JOIN sold ON sold.sku = snap.sku AND sold.sd <= snap.d AND sold.sd > snap.d - 28
         GROUP BY 1, 2, 3) GROUP BY 1)
SELECT days.d, gmv, orders, units, buyers, gmv / orders AS aov, visitors,
       CASE WHEN nob = 0 THEN tbuyers ELSE orders END / visitors AS conversion_rate, refund,
       returned / sold AS return_rate, gm, gm / cgmv AS gm_rate, cost, clk, clk / imp AS ctr,
       cost / clk AS cpc, sales, sales / cost AS roas, sh.hours / sh.n AS ship_hours,
       dl.days_ / dl.n AS delivery_days, late / due AS late_rate, avail / demand AS days_of_cover
FROM days LEFT JOIN s USING (d) LEFT JOIN t USING (d) LEFT JOIN a USING (d) LEFT JOIN rf USING (d)
     LEFT JOIN rt USING (d) LEFT JOIN ru USING (d) LEFT JOIN sh USING (d) LEFT JOIN dl USING (d)
     LEFT JOIN pr USING (d) LEFT JOIN st USING (d)
ORDER BY days.d DESC
"""


def cube_sql(days: list[dt.date], *, derived_days: bool = False) -> str:
    """``CUBE_SQL`` for ``days`` (timestamps compared with literal day ranges, so DuckDB skips
    the row groups outside them, as an analyst writing this by hand would).

    ``derived_days``: order lines are first cut to the days the query reads by the store's
    derived ``order_lines._order_date`` (``store.derived``), as the metric layer does.
    """

    def on(col: str, back: int = 0, width: int = 1) -> str:
        spans = []
        for d in days:
            lo, hi = d - dt.timedelta(days=back + width - 1), d - dt.timedelta(days=back - 1)
            spans.append(f"({col} >= TIMESTAMP '{lo}' AND {col} < TIMESTAMP '{hi}')")
        return " OR ".join(spans)

    sql = CUBE_SQL
    if derived_days:
        spans = [(d - dt.timedelta(days=b + w - 1), d - dt.timedelta(days=b - 1))
                 for d in days for b, w in ((0, 1), (14, 1), (0, 28))]
        cut = " OR ".join(f"(_order_date >= DATE '{lo}' AND _order_date < DATE '{hi}')" for lo, hi in spans)
        sql = sql.replace("JOIN order_lines l", f"JOIN (SELECT * FROM order_lines WHERE _order_date IS NULL "
                                                f"OR {cut}) l")
    return sql.format(
        days_values=", ".join(f"(DATE '{d}')" for d in days),
        days_list=", ".join(f"DATE '{d}'" for d in days),
        asof_end=f"TIMESTAMP '{max(days) + dt.timedelta(days=1)}'",
        sold_on_days=on("o.order_time"), sold_14_days_before=on("o.order_time", back=14),
        sold_in_28_days=on("o.order_time", width=28), requested_on_days=on("requested_at"),
        shipped_on_days=on("shipped_time"), delivered_on_days=on("delivered_time"),
        due_on_days=on("promised_delivery_time"),
    )


SQL_NAMES = {"refund": "refund_amount", "gm": "gross_margin", "gm_rate": "gross_margin_rate",
             "cost": "ad_cost", "clk": "ad_clicks", "ctr": "ad_ctr", "cpc": "ad_cpc",
             "sales": "ad_sales", "roas": "ad_roas", "late_rate": "late_delivery_rate"}


def hand_cube(con: duckdb.DuckDBPyConnection, day: dt.date, *, derived_days: bool = False,
              ) -> dict[str, dict[str, float | None]]:
    """The day's KPIs and their relative changes by hand-written SQL (metric name -> fields)."""
    days = [day - dt.timedelta(days=b) for b in (0, 1, 7, 28, 364)]
    cur = con.execute(cube_sql(days, derived_days=derived_days))
    cols = [SQL_NAMES.get(c[0], c[0]) for c in cur.description or []]
    rows = {r[0]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}
    out = {}
    for c in cols[1:]:
        now = rows[day][c]
        entry: dict[str, float | None] = {"value": now}
        for name, back in zip(("dod", "wow", "mom", "yoy"), days[1:], strict=True):
            then = rows.get(back, {}).get(c)
            entry[name] = (now - then) / abs(then) if now is not None and then else None
        out[c] = entry
    return out


def disagreements(con: duckdb.DuckDBPyConnection, brief: Brief) -> list[str]:
    """KPI fields where the brief and the hand-written SQL differ by more than 0.1%."""
    want = hand_cube(con, END)
    out = []
    for k in brief.kpis:
        ref = want.get(k.metric)
        if ref is None:
            out.append(f"{k.metric}: not in the SQL")
            continue
        for field in ("value", "dod", "wow", "mom", "yoy"):
            got, exp = getattr(k, field), ref[field]
            if got is None or exp is None:
                if (got is None) != (exp is None):
                    out.append(f"{k.metric}.{field}: brief {got} sql {exp}")
            elif not math.isclose(got, float(exp), rel_tol=1e-3, abs_tol=1e-3):
                out.append(f"{k.metric}.{field}: brief {got} sql {exp}")
    return out


def timed(label: str, fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    """Best of ``repeat`` runs after one warm-up (the machine is shared: best is the fairest)."""
    fn()
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    print(f"{label:<44} {best:8.3f} s")
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=10_000_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/ecomops-brief-bench"))
    ap.add_argument("--with-findings", action="store_true", help="also time the brief with detection")
    args = ap.parse_args()
    root = args.dir / f"ws-{args.lines}"
    done = root / "synthesized"
    if not done.exists() and root.exists():
        shutil.rmtree(root)  # an interrupted synthesis
    ws = Workspace.init(root)
    if not done.exists():
        t = time.perf_counter()
        synthesize(ws.analytics, args.lines)
        done.touch()
        print(f"synthesized {args.lines:,} order lines in {time.perf_counter() - t:.1f} s ({root})")
    duck = ws.analytics
    n = duck.execute("SELECT count(*) FROM order_lines").fetchall()[0][0]
    print(f"store: {n:,} order lines; day reviewed {END}")
    con = ibis_backend(duck)
    settings = Settings()
    sql = timed("sql: hand-written KPI cube (5 days)", lambda: hand_cube(duck, END))
    sql_cut = timed("sql': the same, lines cut by _order_date",
                    lambda: hand_cube(duck, END, derived_days=True))
    cube = timed("cube: metrics.changes, same KPIs", lambda: changes(con, list(BRIEF_KPIS), [], END))
    brief = timed("brief: assemble, KPIs + charts (no detection)",
                  lambda: assemble(con, END, settings, with_findings=False), repeat=2)
    wrong = disagreements(duck, assemble(con, END, settings, with_findings=False))
    print("brief KPIs vs SQL: " + ("all values and changes agree" if not wrong else "; ".join(wrong)))
    print(f"cube / sql  = {cube / sql:.2f}x")
    print(f"brief / sql = {brief / sql:.2f}x   (target: brief <= 30 s and <= 3x the SQL)")
    print(f"brief / sql' = {brief / sql_cut:.2f}x  (against SQL that also uses the store's order day)")
    plain, cut = hand_cube(duck, END), hand_cube(duck, END, derived_days=True)
    if any(not math.isclose(float(plain[m][f] or 0), float(cut[m][f] or 0), rel_tol=1e-9, abs_tol=1e-9)
           for m in plain for f in plain[m]):
        print("sql' and sql disagree")
    if args.with_findings:
        full = timed("brief with findings (detect)", lambda: assemble(con, END, settings), repeat=1)
        print(f"full brief / sql = {full / sql:.2f}x")
    ws.close()


if __name__ == "__main__":
    main()
