"""Actions fit their findings; direction, impact, evidence and acceptance agree (issue 13)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ecomops.detect import actions
from ecomops.detect.findings import Finding, harmful
from ecomops.detect.service import Detection, consistent, detect
from ecomops.detect.text import LANGUAGES, where
from ecomops.workspace import Workspace

DAY = dt.date(2026, 12, 3)


def _f(metric: str, direction: str, observed: float, expected: float, impact: float, step: str,
       segment: dict[str, str] | None = None, **evidence: Any) -> Finding:
    return Finding(id="f-1", module="inventory" if step == "stock" else "sales", metric=metric,
                   segment=segment or {"sku": "SKU-0001"}, process_step=step,  # type: ignore[arg-type]
                   direction=direction, observed=observed, expected=expected,  # type: ignore[arg-type]
                   impact=impact, severity="medium", since=DAY, summary="", evidence=evidence)


def test_an_overstock_is_cleared_not_restocked() -> None:
    f = _f("days_of_cover", "up", 2324.0, 30.0, 0.0, "stock", overstock_days=90)
    a = actions.build_actions([f], DAY, "zh_CN")[0]
    assert "清仓" in a.title
    assert "补货" not in a.title
    assert a.texts["en"]["title"].startswith("Clear")
    assert a.check == {"metric": "days_of_cover", "segment": {"sku": "SKU-0001"}, "comparison": "<=",
                       "threshold": 90.0, "days": 2}


def test_a_stock_out_is_bought_and_its_acceptance_is_not_met_today() -> None:
    f = _f("days_of_cover", "down", 0.0, 10.0, -8768.0, "stock")
    a = actions.build_actions([f], DAY, "en")[0]
    assert "purchase order" in a.title
    assert a.check is not None
    assert a.check["comparison"] == ">="
    assert 0.0 < a.check["threshold"] < 10.0


def test_an_oversold_listing_is_listed_at_what_can_ship() -> None:
    f = _f("days_of_cover", "down", 20.0, 130.9, -1238.0, "stock", {"channel": "douyin", "sku": "SKU-0104"},
           listed_stock=1725, sellable=264, suggested_listed_stock=29)
    a = actions.build_actions([f], DAY, "zh_CN")[0]
    assert "补货" not in a.title
    assert "抖音" in a.title
    assert a.check == {"metric": "listed_stock", "segment": {"channel": "douyin", "sku": "SKU-0104"},
                       "comparison": "<=", "threshold": 29, "days": 2}


@pytest.mark.parametrize(
    ("metric", "direction", "observed", "expected", "step"),
    [
        ("visitors", "up", 1200.0, 1000.0, "traffic"), ("visitors", "down", 800.0, 1000.0, "traffic"),
        ("conversion_rate", "down", 0.01, 0.04, "conversion"),
        ("conversion_rate", "up", 0.05, 0.04, "conversion"),
        ("return_rate", "up", 0.2, 0.05, "after_sales"), ("return_rate", "down", 0.02, 0.05, "after_sales"),
        ("ad_cpc", "up", 2.5, 1.9, "ads"), ("ad_cpc", "down", 1.5, 1.9, "ads"),
        ("late_delivery_rate", "up", 0.1, 0.02, "logistics"),
        ("ship_hours", "down", 10.0, 14.0, "fulfilment"),
        ("gross_margin_rate", "down", 0.3, 0.45, "margin"), ("ad_roas", "up", 2.0, 1.2, "ads"),
    ],
)
def test_every_step_and_direction_gets_an_acceptance_that_points_the_right_way(
    metric: str, direction: str, observed: float, expected: float, step: str
) -> None:
    bad = harmful(metric, direction)
    f = _f(metric, direction, observed, expected, -100.0 if bad else 100.0, step)
    a = actions.build_actions([f], DAY, "zh_CN")[0]
    assert a.check is not None
    _check_acceptance(f, a.check)
    for lang in LANGUAGES:
        assert set(a.texts[lang]) == {"title", "acceptance"}
        assert where(f.segment, lang) in a.texts[lang]["title"]
    assert ("回到" in a.acceptance or "降到" in a.acceptance) is bad
    assert ("保持" in a.acceptance) is not bad


def _check_acceptance(f: Finding, check: dict[str, Any]) -> None:
    """The threshold lies between the observed and the expected value; for bad news the
    observed value does not meet it (there is work to do) and the expected value does; for good
    news the observed value meets it (the gain is to be held) and the expected value does not."""
    thr, cmp = float(check["threshold"]), check["comparison"]
    lo, hi = sorted((f.observed, f.expected))
    assert lo < thr < hi

    def met(x: float) -> bool:
        return x >= thr if cmp == ">=" else x <= thr

    bad = harmful(f.metric, f.direction)
    assert met(f.observed) is not bad
    assert met(f.expected) is bad


@pytest.fixture(scope="module")
def days(demo_workspace: Path) -> list[Detection]:
    from ecomops.store.analytics import ibis_backend

    ws = Workspace.open(demo_workspace)
    con = ws.read_only_analytics()
    try:
        end = dt.date(2026, 11, 24)
        return [detect(ibis_backend(con), end - dt.timedelta(days=k), ws.settings) for k in (0, 1)]
    finally:
        con.close()
        ws.close()


@pytest.mark.slow
def test_direction_impact_evidence_and_acceptance_agree_on_every_finding(days: list[Detection]) -> None:
    seen = 0
    for det in days:
        by_id = {f.id: f for f in det.findings}
        for f in det.findings:
            seen += 1
            assert (f.direction == "up") is (f.observed > f.expected), f
            # the impact's sign is the harm's: bad news costs, good news earns (or is 0)
            assert (f.impact <= 0) if harmful(f.metric, f.direction) else (f.impact >= 0), f
            if f.module in ("sales", "traffic") and "gmv_expected" in f.evidence:
                assert f.impact * (f.evidence["gmv"] - f.evidence["gmv_expected"]) >= 0, f
            assert set(f.texts) == set(LANGUAGES), f
            assert f.texts["zh_CN"]["summary"] != f.texts["en"]["summary"]
        for a in det.actions:
            lead = by_id[a.finding_ids[0]]
            assert a.check is not None
            if a.check["metric"] == lead.metric and lead.observed != lead.expected:
                _check_acceptance(lead, a.check)
            assert set(a.texts) == set(LANGUAGES)
    assert seen > 5


def test_a_candidate_valued_against_its_own_evidence_is_not_consistent() -> None:
    from ecomops.detect.scan import Candidate

    c = Candidate(family="sales", module="traffic", process_step="traffic", metric="visitors",
                  segment={"sku": "S"}, scope={"sku": "S"}, direction="up", observed=1200, expected=1000,
                  z=5.0, impact=385.0, a=1200, e=1000, v=1000, volume=1000,
                  evidence={"gmv": 5000.0, "gmv_expected": 6000.0})
    assert not consistent(c)
    c.evidence["gmv"] = 6500.0
    assert consistent(c)
