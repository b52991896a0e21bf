"""One finding per explaining segment: explained parents, inheriting children, crossed segments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecomops.demo import ground_truth
from ecomops.detect import detectors
from ecomops.detect.hierarchy import prune
from ecomops.detect.scan import Candidate
from ecomops.detect.service import detect
from ecomops.workspace import Workspace


def _cand(segment: dict[str, str], a: float, e: float, metric: str = "visitors", **kw: object) -> Candidate:
    return Candidate(
        family="sales", module="traffic", process_step="traffic", metric=metric, segment=segment,
        scope=dict(segment), direction="down" if a < e else "up", observed=a, expected=e,
        z=(a - e) / e**0.5, impact=a - e, a=a, e=e, v=e, volume=e, **kw,  # type: ignore[arg-type]
    )


def test_prune_keeps_the_category_not_its_skus_when_all_fall_alike() -> None:
    cat = {"category": "女装"}
    skus = [_cand({**cat, "sku": f"S{i}"}, 60, 100) for i in range(10)]
    kept = prune([_cand(cat, 600, 1000), *skus])
    assert [c.segment for c in kept] == [cat]
    assert len(kept[0].related) == 10


def test_prune_keeps_the_sku_not_its_category_when_the_sku_explains_it() -> None:
    cat = {"category": "女装"}
    sku = {**cat, "sku": "S1"}
    kept = prune([_cand(cat, 900, 1000), _cand(sku, 0, 100)])
    assert [c.segment for c in kept] == [sku]


def test_prune_keeps_both_when_a_sku_falls_far_more_than_its_category() -> None:
    cat = {"category": "女装"}
    sku = {**cat, "sku": "S1"}
    kept = prune([_cand(cat, 5000, 10000), _cand(sku, 0, 1000)])
    assert sorted(len(c.segment) for c in kept) == [1, 2]


def test_prune_drops_a_warehouse_crossed_by_the_late_carrier() -> None:
    # the warehouse is back to normal without the carrier's parcels; the carrier is still
    # late without the warehouse's: one finding, on the carrier
    wh = _cand({"warehouse": "华东仓"}, 30, 10, metric="late_delivery_rate", rest_z=lambda seg: 0.5)
    carrier = _cand({"carrier": "中通快递"}, 40, 10, metric="late_delivery_rate", rest_z=lambda seg: 6.0)
    kept = prune([wh, carrier])
    assert [c.segment for c in kept] == [{"carrier": "中通快递"}]
    assert kept[0].related == [wh]


def test_prune_keeps_two_overlapping_segments_that_move_on_their_own() -> None:
    wh = _cand({"warehouse": "华东仓"}, 30, 10, metric="late_delivery_rate", rest_z=lambda seg: 4.0)
    carrier = _cand({"carrier": "中通快递"}, 40, 10, metric="late_delivery_rate", rest_z=lambda seg: 6.0)
    assert len(prune([wh, carrier])) == 2


@pytest.fixture(scope="module")
def opened(demo_workspace: Path):  # type: ignore[no-untyped-def]
    ws = Workspace.open(demo_workspace)
    con = ws.read_only_analytics()
    saved = dict(detectors.SOURCES)
    detectors.SOURCES.clear()  # stock findings are not what these tests look at
    yield ws, con
    detectors.SOURCES.update(saved)
    con.close()
    ws.close()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["category_slowdown", "carrier_delay"])
def test_detect_reports_one_finding_on_the_explaining_segment_on_the_demo(
    opened, demo_dir: Path, kind: str  # type: ignore[no-untyped-def]
) -> None:
    ws, con = opened
    inc = next(i for i in ground_truth(demo_dir) if i.kind == kind)
    for day in (inc.start, inc.start + dt.timedelta(days=1)):
        findings = detect(con, day, ws.settings).findings
        lead = [f for f in findings if f.segment == inc.segment]
        if lead:
            break
    assert lead, f"{kind} not found"
    f = lead[0]

    def inside(g: dict[str, str]) -> bool:
        return all(g.get(k) == v for k, v in f.segment.items())

    # no child inheriting the category's drop; no warehouse or store total echoing the carrier
    echoes = [
        g.segment
        for g in findings
        if g is not f and g.metric == f.metric and g.direction == f.direction
        and (inside(g.segment) or g.module == "logistics")
    ]
    assert echoes == [], echoes


def _margin(segment: dict[str, str], margin: float, expected_margin: float, price: float,
            list_value: float = 1000.0) -> Candidate:
    """A pricing candidate whose GMV fell to ``price`` of its ``list_value``."""
    c = _cand(segment, margin, expected_margin, metric="gross_margin_rate")
    c.family, c.process_step = "margin", "pricing"
    c.price = (list_value * price, list_value, list_value)
    return c


def test_prune_reports_a_mistyped_price_once_not_per_channel_whose_margins_differ() -> None:
    # The price fell to a tenth on every channel; the margin it cost differs per channel
    # (shopify sells at a higher margin), which alone must not make each channel a finding.
    sku = {"sku": "SKU-0037"}
    kids = [_margin({**sku, "channel": ch}, m, e, 0.1)
            for ch, m, e in (("tmall", -4431, 240), ("jd", -2181, 226), ("shopify", -1840, 370))]
    kept = prune([_margin(sku, -8452, 836, 0.1, 3000.0), *kids])
    assert [c.segment for c in kept] == [sku]


def test_prune_keeps_the_channel_whose_price_alone_fell() -> None:
    sku = {"sku": "SKU-0037"}
    tmall = _margin({**sku, "channel": "tmall"}, -4431, 240, 0.1)
    jd = _margin({**sku, "channel": "jd"}, 226, 226, 1.0)
    kept = prune([_margin(sku, -4205, 466, 0.55, 2000.0), tmall, jd])
    assert {"channel": "tmall", "sku": "SKU-0037"} in [c.segment for c in kept]
