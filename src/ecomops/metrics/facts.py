"""The facts behind the measures, as Ibis expressions over the DATA.md tables.

Each builder takes a ``Scope`` (periods, as-of horizon, filters), the dimensions to group by and
the measures wanted, and returns one row per date x dimension values. As-of rules (BRIEF.md):
orders count from their ``order_time``, shipments, deliveries and after-sales cases from their
own timestamps, traffic / ads / inventory rows from their date, all up to the end of ``as_of``;
cancelled orders never count. Column names come from ``ecomops.store.schema``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from ecomops.metrics.scope import Scope, finish
from ecomops.store.derived import LINE_ORDER_DATE
from ecomops.store.schema import ADS, INVENTORY, ORDER_LINES, ORDERS, PRODUCTS, RETURNS, TRAFFIC

Builder = Callable[[Scope, Sequence[str], Sequence[str]], ir.Table]
Aggs = dict[str, Callable[[ir.Table], Any]]

DEMAND_DAYS = 28
"""Days of sales behind ``daily_demand`` (days_of_cover)."""

_LINE_INPUTS = frozenset({"gmv", "units", "sold_units", "gross_margin", "costed_gmv"})
_VOID_CASE = ("rejected", "closed")


def _cut(scope: Scope, dims: Sequence[str]) -> set[str]:
    return set(dims) | set(scope.filter_dims)


def _blank_to_null(col: ir.StringValue) -> ir.StringValue:
    return ibis.ifelse(col == "", ibis.null("string"), col)


def _live_orders(scope: Scope) -> ir.Table:
    o = scope.table(ORDERS.name)
    return o.filter(
        o.order_time < scope.asof_end,
        o.status.isnull() | (o.status != "cancelled"),
    )


def _window_lines(scope: Scope, *, widen: int = 0) -> ir.Table:
    """Order lines that can belong to the periods' orders (each period widened ``widen`` days).

    Lines carrying their order's day (``store.derived``) outside the periods are dropped before
    the join with orders, which then probes the window's lines instead of all of them; a line
    without the day passes, and the join with the period's orders still decides.
    """
    lines = scope.table(ORDER_LINES.name)
    if LINE_ORDER_DATE in lines.columns:
        day = lines[LINE_ORDER_DATE]
        lines = lines.filter(day.isnull() | scope.in_days(day, widen=widen))
    return lines


def _order_dims(o: ir.Table) -> dict[str, ir.Value]:
    return {
        "channel": o.channel, "source": o.traffic_source, "warehouse": o.warehouse,
        "carrier": o.carrier, "region": o.region,
    }


def sales(scope: Scope, dims: Sequence[str], measures: Sequence[str]) -> ir.Table:
    """Order lines of orders placed in the periods (orders without lines still count)."""
    cut = _cut(scope, dims)
    o = _live_orders(scope)
    o = o.filter(scope.in_times(o.order_time))
    order_cols = _order_dims(o)
    lines_needed = bool(_LINE_INPUTS & set(measures)) or bool({"sku", "category"} & cut)
    if not lines_needed:
        rows = o.select(
            day=o.order_time.date(), order_id=o.order_id,
            buyer=ibis.coalesce(_blank_to_null(o.customer_id), o.order_id),
            **{d: order_cols[d] for d in cut},
        )
    else:
        lines = _window_lines(scope)
        products = scope.table(PRODUCTS.name)
        j = o.left_join(lines, o.order_id == lines.order_id).left_join(
            products, lines.sku == products.sku
        )
        extra = {"sku": lines.sku, "category": products.category}
        rows = j.select(
            day=o.order_time.date(), order_id=o.order_id,
            buyer=ibis.coalesce(_blank_to_null(o.customer_id), o.order_id),
            quantity=lines.quantity,
            amount=ibis.coalesce(lines.amount, lines.quantity * lines.unit_price),
            cost=products.cost,
            **{d: {**order_cols, **extra}[d] for d in cut},
        )
    aggs: Aggs = {
        "orders": lambda r: r.order_id.nunique(),
        "buyers": lambda r: r.buyer.nunique(),
        "gmv": lambda r: r.amount.sum(),
        "units": lambda r: r.quantity.sum(),
        "sold_units": lambda r: r.quantity.sum(),
        "gross_margin": lambda r: (r.amount - r.quantity * r.cost).sum(),
        "costed_gmv": lambda r: r.amount.sum(where=r.cost.notnull()),
    }
    return finish(rows, scope, dims, aggs, measures)


def traffic(scope: Scope, dims: Sequence[str], measures: Sequence[str]) -> ir.Table:
    """Visitors and buyers. Whole-shop rows (empty sku) give a day x channel x source total when
    the store has them; otherwise the SKU rows are added up. Cuts by sku or category use SKU rows."""
    cut = _cut(scope, dims)
    t = scope.table(TRAFFIC.name)
    t = t.filter(scope.in_days(t.date), t.date <= scope.asof_day)
    shop = t.sku.isnull() | (t.sku == "")
    if {"sku", "category"} & cut:
        t = t.filter(~shop)
        products = scope.table(PRODUCTS.name)
        j = t.left_join(products, t.sku == products.sku)
        cols = {"channel": t.channel, "source": t.source, "sku": t.sku, "category": products.category}
        rows = j.select(
            day=t.date, visitors=t.visitors, buyers=t.buyers,
            missing=t.buyers.isnull().cast("int64"), **{d: cols[d] for d in cut},
        )
    else:
        g = t.group_by(day=t.date, channel=t.channel, source=t.source).aggregate(
            n_shop=shop.sum(),
            v_shop=t.visitors.sum(where=shop), v_sku=t.visitors.sum(where=~shop),
            b_shop=t.buyers.sum(where=shop), b_sku=t.buyers.sum(where=~shop),
            m_shop=t.buyers.isnull().sum(where=shop), m_sku=t.buyers.isnull().sum(where=~shop),
        )
        has = g.n_shop > 0
        rows = g.select(
            "day", *cut,
            visitors=ibis.ifelse(has, g.v_shop, g.v_sku),
            buyers=ibis.ifelse(has, g.b_shop, g.b_sku),
            missing=ibis.ifelse(has, g.m_shop, g.m_sku),
        )
    aggs: Aggs = {
        "visitors": lambda r: r.visitors.sum(),
        "traffic_buyers": lambda r: r.buyers.sum(),
        "traffic_rows_without_buyers": lambda r: r.missing.sum(),
    }
    return finish(rows, scope, dims, aggs, measures)


def ads(scope: Scope, dims: Sequence[str], measures: Sequence[str]) -> ir.Table:
    """Ad report rows (every row of the ads table is one day x ad x target [x search term])."""
    cut = _cut(scope, dims)
    a = scope.table(ADS.name)
    a = a.filter(scope.in_days(a.date), a.date <= scope.asof_day)
    cols: dict[str, ir.Value] = {
        "channel": a.channel, "source": ibis.literal("ads", type="string"), "campaign": a.campaign,
        "ad_group": a.ad_group, "keyword": a.keyword, "search_term": a.search_term, "sku": a.sku,
    }
    base: ir.Table = a
    if "category" in cut:
        products = scope.table(PRODUCTS.name)
        base = a.left_join(products, a.sku == products.sku)
        cols["category"] = products.category
    rows = base.select(
        day=a.date, impressions=a.impressions, clicks=a.clicks, cost=a.cost,
        ad_orders=a.orders, ad_sales=a.sales, **{d: cols[d] for d in cut},
    )
    aggs: Aggs = {
        "ad_impressions": lambda r: r.impressions.sum(),
        "ad_clicks": lambda r: r.clicks.sum(),
        "ad_cost": lambda r: r.cost.sum(),
        "ad_orders": lambda r: r.ad_orders.sum(),
        "ad_sales": lambda r: r.ad_sales.sum(),
    }
    return finish(rows, scope, dims, aggs, measures)


def _void(r: ir.Table, horizon: ir.TimestampValue) -> ir.BooleanValue:
    """A case known by ``horizon`` to be rejected or closed without effect."""
    when = ibis.coalesce(r.closed_at, r.updated_at)
    return r.status.isin(_VOID_CASE) & (when.isnull() | (when < horizon))


def _cases(scope: Scope, dims: Sequence[str], measures: Sequence[str], *, by_sale: bool) -> ir.Table:
    cut = _cut(scope, dims)
    r = scope.table(RETURNS.name)
    o = scope.table(ORDERS.name)
    if by_sale:
        o = _live_orders(scope)
        o = o.filter(scope.in_times(o.order_time))
        how = "inner"
    else:
        r = r.filter(scope.in_times(r.requested_at))
        how = "left"
    j = r.join(o, r.order_id == o.order_id, how=how)
    cols: dict[str, ir.Value] = {**_order_dims(o), "sku": r.sku}
    if "category" in cut:
        products = scope.table(PRODUCTS.name)
        j = j.left_join(products, r.sku == products.sku)
        cols["category"] = products.category
    day = o.order_time.date() if by_sale else r.requested_at.date()
    rows = j.select(
        day=day, refund=r.refund_amount, qty=ibis.coalesce(r.quantity, 1),
        requested_at=r.requested_at, status=r.status, closed_at=r.closed_at,
        updated_at=r.updated_at, **{d: cols[d] for d in cut},
    )
    horizon = scope.horizon(rows.day) if by_sale else scope.asof_end
    rows = rows.filter(rows.requested_at < horizon, ~_void(rows, horizon))
    aggs: Aggs = {
        "refund_amount": lambda x: x.refund.sum(),
        "returned_units": lambda x: x.qty.sum(),
    }
    return finish(rows, scope, dims, aggs, measures)


def refunds(scope: Scope, dims: Sequence[str], measures: Sequence[str]) -> ir.Table:
    """After-sales cases by the day they were requested (rejected / closed ones excluded)."""
    return _cases(scope, dims, measures, by_sale=False)


def returns(scope: Scope, dims: Sequence[str], measures: Sequence[str]) -> ir.Table:
    """After-sales cases by the date of the sale they undo, known by the horizon."""
    return _cases(scope, dims, measures, by_sale=True)


def _hours(a: ir.TimestampValue, b: ir.TimestampValue) -> ir.FloatingValue:
    # Whole seconds: engines differ below the second (DuckDB keeps microseconds, Spark drops them).
    # Divide as DOUBLE: Spark reads the literal 3600.0 as a DECIMAL and rounds the quotient.
    seconds = b.epoch_seconds().floor() - a.epoch_seconds().floor()
    return seconds.cast("float64") / 3600.0


def shipping(scope: Scope, dims: Sequence[str], measures: Sequence[str]) -> ir.Table:
    """Orders shipped in the periods: hours from payment to shipment."""
    o = scope.table(ORDERS.name)
    o = o.filter(
        scope.in_times(o.shipped_time), o.shipped_time < scope.asof_end,
        o.paid_time.notnull(), o.shipped_time >= o.paid_time,
    )
    cols = _order_dims(o)
    rows = o.select(day=o.shipped_time.date(), hours=_hours(o.paid_time, o.shipped_time),
                    **{d: cols[d] for d in _cut(scope, dims)})
    aggs: Aggs = {"ship_hours_total": lambda r: r.hours.sum(), "shipments": lambda r: r.count()}
    return finish(rows, scope, dims, aggs, measures)


def delivery(scope: Scope, dims: Sequence[str], measures: Sequence[str]) -> ir.Table:
    """Orders delivered in the periods: days from shipment to delivery."""
    o = scope.table(ORDERS.name)
    o = o.filter(
        scope.in_times(o.delivered_time), o.delivered_time < scope.asof_end,
        o.shipped_time.notnull(), o.delivered_time >= o.shipped_time,
    )
    cols = _order_dims(o)
    rows = o.select(day=o.delivered_time.date(),
                    days=_hours(o.shipped_time, o.delivered_time) / 24.0,
                    **{d: cols[d] for d in _cut(scope, dims)})
    aggs: Aggs = {"delivery_days_total": lambda r: r.days.sum(), "deliveries": lambda r: r.count()}
    return finish(rows, scope, dims, aggs, measures)


def promise(scope: Scope, dims: Sequence[str], measures: Sequence[str]) -> ir.Table:
    """Orders whose promised delivery falls in the periods; late = not delivered by the promise.

    An order due on a day that is still undelivered at the end of ``as_of`` is known late then,
    so the rate of a day is final the moment the day ends.
    """
    o = _live_orders(scope)
    o = o.filter(
        scope.in_times(o.promised_delivery_time), o.promised_delivery_time < scope.asof_end,
        ~((o.status == "closed") & o.shipped_time.isnull()),
    )
    cols = _order_dims(o)
    late = o.delivered_time.isnull() | (o.delivered_time > o.promised_delivery_time)
    rows = o.select(day=o.promised_delivery_time.date(), late=late.cast("int64"),
                    **{d: cols[d] for d in _cut(scope, dims)})
    aggs: Aggs = {"late_deliveries": lambda r: r.late.sum(), "due_deliveries": lambda r: r.count()}
    return finish(rows, scope, dims, aggs, measures)


def stock(scope: Scope, dims: Sequence[str], measures: Sequence[str]) -> ir.Table:
    """The day's inventory snapshot (available = on_hand - reserved) and the mean daily units
    sold in the ``DEMAND_DAYS`` days up to that day, per SKU (and warehouse when cut by it)."""
    cut = _cut(scope, dims)
    by_wh = "warehouse" in cut
    keys = ["sku", "warehouse"] if by_wh else ["sku"]
    inv = scope.table(INVENTORY.name)
    inv = inv.filter(scope.in_days(inv.date), inv.date <= scope.asof_day)
    inv = inv.mutate(warehouse=ibis.coalesce(_blank_to_null(inv.warehouse), ibis.literal("main")))
    # Filters on the join keys go in before the demand join: engines do not push them through
    # the left join, and the demand of one SKU is all a filtered query needs.
    early = [d for d in scope.filter_dims if d in ("sku", "warehouse")]
    for dim in early:
        inv = inv.filter(scope.matches(inv[dim], dim))
    snap = inv.mutate(day=inv.date).group_by(["day", *keys]).aggregate(
        available=(inv.on_hand - ibis.coalesce(inv.reserved, 0)).sum()
    )
    o = _live_orders(scope)
    o = o.filter(scope.in_times(o.order_time, widen=DEMAND_DAYS - 1))
    lines = _window_lines(scope, widen=DEMAND_DAYS - 1)
    sold = o.join(lines, o.order_id == lines.order_id).select(
        sday=o.order_time.date(), sku=lines.sku, qty=lines.quantity,
        warehouse=ibis.coalesce(_blank_to_null(o.warehouse), ibis.literal("main")),
    )
    for dim in early:
        sold = sold.filter(scope.matches(sold[dim], dim))
    # Demand of the DEMAND_DAYS days up to each snapshot: a RANGE window over the days with
    # sales and the snapshot days (qty 0, so that every snapshot day has a row), then joined
    # to the snapshots on equal keys. A range join (each snapshot with its 28 days of sales)
    # gives the same numbers with days x SKUs x 28 rows: 4 s of a 10M-line brief.
    daily = sold.select(day=sold.sday, **{k: sold[k] for k in keys}, qty=sold.qty.cast("float64"))
    grid = snap.select(day=snap.day, **{k: snap[k] for k in keys}, qty=ibis.literal(0.0, "float64"))
    both = daily.union(grid)
    both = both.group_by("day", *keys).aggregate(qty=both.qty.sum())
    window = ibis.range_window(preceding=ibis.interval(days=DEMAND_DAYS - 1), following=0,
                               group_by=keys, order_by="day")
    rolled = both.mutate(demand=both.qty.sum().over(window) / float(DEMAND_DAYS))
    per = snap.join(rolled, [snap.day == rolled.day, *[snap[k] == rolled[k] for k in keys]]).select(
        **{c: snap[c] for c in ("day", *keys, "available")}, demand=rolled.demand,
    )
    if "category" in cut:
        products = scope.table(PRODUCTS.name)
        per = per.left_join(products, per.sku == products.sku).select(
            *[per[c] for c in ("day", *keys, "available", "demand")], category=products.category
        )
    rows = per.select("day", "available", "demand", *cut)
    aggs: Aggs = {"available": lambda r: r.available.sum(), "daily_demand": lambda r: r.demand.sum()}
    return finish(rows, scope, dims, aggs, measures)


def order_hours(scope: Scope, dims: Sequence[str], measures: Sequence[str]) -> ir.Table:
    """Orders placed in the periods per weekday (0 = Monday) and hour of day, not per date.

    Only ``weekday`` / ``hour`` and the measure ``orders``; the heatmap of ``metrics.hours``.
    """
    o = _live_orders(scope)
    o = o.filter(scope.in_times(o.order_time))
    # day_of_week.index(): 0 = Monday on every Ibis backend.
    keys = {"weekday": o.order_time.day_of_week.index(), "hour": o.order_time.hour()}
    return o.group_by(**{d: keys[d] for d in dims}).aggregate(orders=o.order_id.nunique())


BUILDERS: dict[str, Builder] = {
    "sales": sales, "traffic": traffic, "ads": ads, "refunds": refunds, "returns": returns,
    "shipping": shipping, "delivery": delivery, "promise": promise, "stock": stock,
    "order_hours": order_hours,
}
