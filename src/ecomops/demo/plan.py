"""Which SKU, channel, ad group, category and carrier each incident hits, and how it is injected.

Incidents that need volume to be visible at small scale go where the volume is: the hero product
(conversion, returns, at different times), the next best sellers (stock-out, price slip), the
busiest search ad group of another SKU, the busiest organic source, a big category that no single
SKU dominates, the biggest carrier. Incidents whose data shows later than their cause (returns,
late parcels, a drained stock) are dated by the data, with the cause's ``onset`` kept aside.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecomops.demo import incidents, traffic
from ecomops.demo.ads import AdRows
from ecomops.demo.calendar import CHANNEL_SHARE, CHANNELS
from ecomops.demo.geo import WAREHOUSES
from ecomops.demo.incidents import Incident
from ecomops.demo.sales import SimResult, StockPlan

DAY = 86400


@dataclass
class IncidentPlan:
    windows: dict[str, tuple[int, int]]  # kind -> first, last day index
    d0: dt.date
    sku: dict[str, int]  # kind -> SKU index
    sku_names: np.ndarray
    titles: np.ndarray
    ad_rows: np.ndarray
    campaign: str
    ad_group: str
    ad_channel: str
    category: str
    category_mask: np.ndarray
    carrier: str = "中通快递"
    conv_channel: int = CHANNELS.index("tmall")
    source_channel: int = CHANNELS.index("douyin")
    source: int = traffic.SOURCES.index("recommendation")
    oversold_channel: int = CHANNELS.index("douyin")
    stocked: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    stockout_day: int = -1
    onset: dict[str, int] = field(default_factory=dict)  # kind -> day the cause began

    def skus(self) -> set[str]:
        return {str(self.sku_names[k]) for k in self.sku.values()}

    def span(self, kind: str) -> slice:
        a, b = self.windows[kind]
        return slice(a, b + 1)

    def apply(self, tm: traffic.TrafficModel, extra: np.ndarray, ctr_mult: np.ndarray,
              price_mult: np.ndarray) -> None:
        """Write the incidents into the demand model (in place)."""
        s = self.span("conversion_collapse")
        tm.conv[s, self.conv_channel, :, self.sku["conversion_collapse"]] *= 0.2
        s = self.span("traffic_source_drop")
        # The organic source with the most expected orders in the window (a platform demotion of
        # a big source is what hurts; a small one would be lost in noise at small scale).
        organic = [traffic.SOURCES.index(x) for x in ("search", "recommendation")]
        orders = (tm.lam[s] * tm.conv[s]).sum(axis=(0, 3))[:, organic]
        ch, si = np.unravel_index(int(np.argmax(orders)), orders.shape)
        self.source_channel, self.source = int(ch), organic[int(si)]
        tm.lam[s, self.source_channel, self.source, :] *= 0.4
        s = self.span("category_slowdown")
        tm.lam[s, :, :, self.category_mask] *= 0.6
        s, k = self.span("pricing_error"), self.sku["pricing_error"]
        price_mult[s, k] = 0.1  # a decimal slip: 259 became 25.9
        tm.lam[s, :, :, k] *= 2.0  # deal communities share the link
        tm.conv[s, :, :, k] = np.minimum(tm.conv[s, :, :, k] * 5.0, 0.35)
        extra[s, k] = 0.55
        a, b = self.windows["ad_ctr_collapse"]
        ctr_mult[np.ix_(np.arange(a, b + 1), self.ad_rows)] = 0.3

    def stock_plan(self, cat: pd.DataFrame, exp_units: np.ndarray, dates: pd.DatetimeIndex,
                   scale: float, rng: np.random.Generator) -> StockPlan:
        n = len(cat)
        rank = cat["popularity"].rank(ascending=False).to_numpy()
        stocked = np.ones((n, len(WAREHOUSES)), dtype=bool)
        stocked[:, 2] = rank <= 0.45 * n
        self.stocked = stocked
        d0 = pd.Timestamp(dates[0])
        launch = ((pd.to_datetime(cat["launch_date"]) - d0).dt.days).to_numpy()
        stop = pd.to_datetime(cat["stop_date"])
        stop_idx = np.where(stop.isna(), 10**6, (stop - d0).dt.days.fillna(0)).astype(np.int64)
        moq = cat["moq"].to_numpy() * min(1.0, max(scale, 0.05) * 2)
        moq = np.maximum(10, np.round(moq / 10) * 10).astype(np.int64)
        a_out = self.windows["stockout"][0]
        a_over = self.windows["oversold_listing"][0]
        k_out, k_over = self.sku["stockout"], self.sku["oversold_listing"]
        self.onset["stockout"] = a_out - 12
        return StockPlan(
            stocked=stocked, lead_time=cat["lead_time_days"].to_numpy(), moq=moq,
            exp_units=exp_units, launch_idx=launch, stop_idx=stop_idx,
            no_reorder_from={k_out: a_out - 12, k_over: a_over},
            drain={k_out: (a_out - 12, 10), k_over: (a_over, 6)},
        )

    def observe(self, kind: str, event_day: np.ndarray, all_day: np.ndarray, *,
                min_share: float = 0.5) -> None:
        """Date ``kind`` by when the data shows it: the days on which incident events (returns of
        the faulty batch, delayed parcels) are at least ``min_share`` of the segment's events.

        The densest run of such days (gaps of one day allowed) becomes the incident's window;
        the planned window stays when nothing qualifies.
        """
        n = max(int(all_day.max(initial=0)), int(event_day.max(initial=0))) + 1
        hits = np.bincount(event_day, minlength=n)
        total = np.maximum(np.bincount(all_day, minlength=n), 1)
        days = np.flatnonzero((hits >= 1) & (hits / total >= min_share))
        if not len(days):
            return
        runs = np.split(days, np.flatnonzero(np.diff(days) > 2) + 1)
        best = max(runs, key=lambda r: int(hits[r].sum()))
        self.windows[kind] = (int(best[0]), int(best[-1]))

    def realise(self, sim: SimResult, dates: pd.DatetimeIndex) -> None:
        """Date the stock-out by the day stock actually reached zero."""
        k = self.sku["stockout"]
        a = self.windows["stockout"][0] - 12
        total = sim.avail[:, k, :].sum(axis=1)
        zero = np.flatnonzero(total[a:] <= 0)
        self.stockout_day = a + int(zero[0]) if len(zero) else len(dates) - 1
        self.windows["stockout"] = (self.stockout_day, len(dates) - 1)

    def date(self, i: int) -> dt.date:
        return self.d0 + dt.timedelta(days=int(i))

    def dates_of(self, kind: str) -> tuple[dt.date, dt.date]:
        a, b = self.windows[kind]
        return self.date(a), self.date(b)

    def incidents(self) -> list[Incident]:
        name = {kind: str(self.sku_names[k]) for kind, k in self.sku.items()}
        title = {kind: str(self.titles[k]) for kind, k in self.sku.items()}
        ch_conv, ch_src = CHANNELS[self.conv_channel], CHANNELS[self.source_channel]
        src = traffic.SOURCES[self.source]
        k_out = self.sku["stockout"]
        wh_alt = tuple({"sku": name["stockout"], "warehouse": w}
                       for w, ok in zip(WAREHOUSES, self.stocked[k_out], strict=True) if ok)
        mk = incidents.make
        found = [
            mk("conversion_collapse", 1, self.dates_of("conversion_collapse"),
               {"channel": ch_conv, "sku": name["conversion_collapse"]},
               f"Conversion of {name['conversion_collapse']} ({title['conversion_collapse']}) on {ch_conv} "
               "fell by about 80% after a listing edit broke the spec selector; visitors held."),
            mk("traffic_source_drop", 2, self.dates_of("traffic_source_drop"),
               {"channel": ch_src, "source": src},
               f"{ch_src} {src} visitors fell by about 60% ("
               + ("a search ranking penalty (搜索降权) after a listing was flagged"
                  if src == "search" else "the platform's feed stopped recommending the shop") + ")."),
            mk("ad_ctr_collapse", 3, self.dates_of("ad_ctr_collapse"),
               {"campaign": self.campaign, "ad_group": self.ad_group},
               f"CTR of ad group {self.ad_group} ({self.ad_channel}) fell by about 70% after its creative "
               "was replaced; impressions held.",
               alt_segments=({"ad_group": self.ad_group},
                             {"channel": self.ad_channel, "campaign": self.campaign,
                              "ad_group": self.ad_group})),
            mk("pricing_error", 4, self.dates_of("pricing_error"), {"sku": name["pricing_error"]},
               f"Price of {name['pricing_error']} was mistyped at a tenth of the list price on every "
               "channel; "
               "units spiked and every unit sold below cost."),
            mk("return_spike", 5, self.dates_of("return_spike"), {"sku": name["return_spike"]},
               f"A faulty batch of {name['return_spike']} ({title['return_spike']}): returns about 4x, "
               "leading reason 质量问题 (quality).", detail={"leading_reason": "质量问题"}),
            mk("carrier_delay", 6, self.dates_of("carrier_delay"), {"carrier": self.carrier},
               f"{self.carrier} parcels took about 3 days longer (a hub backlog); late deliveries rose."),
            mk("stockout", 7, self.dates_of("stockout"), {"sku": name["stockout"]},
               f"Best seller {name['stockout']} ({title['stockout']}) ran out of stock in every warehouse "
               "with nothing inbound (the supplier order lapsed); sales stopped.", alt_segments=wh_alt),
            mk("category_slowdown", 8, self.dates_of("category_slowdown"), {"category": self.category},
               f"Visitors of every {self.category} SKU fell by about 40% on all channels "
               "(the platforms cut the category's traffic)."),
            mk("oversold_listing", 9, self.dates_of("oversold_listing"),
               {"channel": CHANNELS[self.oversold_channel], "sku": name["oversold_listing"]},
               f"A stock count cut sellable stock of {name['oversold_listing']}, but the "
               f"{CHANNELS[self.oversold_channel]} stock sync failed: the listing shows far more than "
               "the warehouses hold."),
        ]
        return [self._with_onset(x) for x in found]

    def _with_onset(self, inc: Incident) -> Incident:
        """Record when the cause began, if before the data shows it (quiet dates keep clear of it)."""
        first = self.onset.get(inc.kind)
        if first is None or self.date(first) >= inc.start:
            return inc
        return incidents.with_dates(inc, inc.start, inc.end, onset=self.date(first).isoformat())


def choose(cat: pd.DataFrame, listed: np.ndarray, adrows: AdRows,
           windows: dict[str, tuple[dt.date, dt.date]], dates: pd.DatetimeIndex) -> IncidentPlan:
    """Targets by expected volume, so that every incident stays visible at small scale.

    The hero product carries the conversion collapse (at the end) and the return spike (months
    earlier); the runner-up runs out of stock; the third best seller gets the price slip; the
    ad incident goes to the busiest search ad group of another SKU; the category slowdown to the
    biggest category without the hero (so no single SKU dominates it).
    """
    d0 = dates[0].date()
    idx = {k: ((a - d0).days, (b - d0).days) for k, (a, b) in windows.items()}
    launch = pd.to_datetime(cat["launch_date"]).dt.date.to_numpy()
    tmall, jd, douyin = (CHANNELS.index(c) for c in ("tmall", "jd", "douyin"))
    ok = (cat["status"].to_numpy() == "on_sale") & (launch < d0) & listed[tmall] & listed[jd]
    order = [int(k) for k in np.argsort(-cat["popularity"].to_numpy(), kind="stable") if ok[k]]
    hero, second, third = order[:3]
    on_douyin = [k for k in order[3:] if listed[douyin, k]]
    sku = {"conversion_collapse": hero, "return_spike": hero, "stockout": second,
           "pricing_error": third, "oversold_listing": on_douyin[0]}
    f = adrows.frame
    cand = (f["ad_type"] == "search").to_numpy() & f["channel"].isin(["tmall", "jd"]).to_numpy()
    cand &= adrows.sku_idx != hero
    pop = cat["popularity"].to_numpy()[adrows.sku_idx]
    key = f["channel"] + "/" + f["campaign"] + "/" + f["ad_group"]
    reach = CHANNEL_SHARE[adrows.ch_idx] * traffic.SOURCE_SHARE[adrows.ch_idx, traffic.ADS]
    volume = pd.Series(pop * adrows.weight * reach * cand)
    group_volume = volume.groupby(key.to_numpy()).transform("sum").to_numpy()
    best = int(np.argmax(np.where(cand, group_volume, -1.0)))
    group = (key == key.iat[best]).to_numpy()
    # Expected orders per category, among categories of at least eight SKUs that no single SKU
    # dominates (else a category slowdown would look like one SKU's).
    orders = pd.Series(cat["popularity"].to_numpy() * cat["conv_mult"].to_numpy())
    by_cat = orders.groupby(cat["category"].to_numpy())
    spread = (by_cat.size() >= 8) & (by_cat.max() < 0.4 * by_cat.sum())
    sizes = by_cat.sum()[spread & (by_cat.sum().index != str(cat["category"].iat[hero]))]
    category = str(sizes.idxmax()) if len(sizes) else str(by_cat.sum().idxmax())
    return IncidentPlan(
        windows=idx, d0=d0, sku=sku, sku_names=cat["sku"].to_numpy(), titles=cat["title"].to_numpy(),
        ad_rows=np.flatnonzero(group), campaign=str(f["campaign"].iat[best]),
        ad_group=str(f["ad_group"].iat[best]), ad_channel=str(f["channel"].iat[best]),
        category=category, category_mask=cat["category"].to_numpy() == category,
    )
