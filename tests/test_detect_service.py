"""``detect`` on the demo store: contract-shaped findings, actions and evidence; known incidents found."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ecomops.demo import ground_truth
from ecomops.detect import detectors
from ecomops.detect.evaluate import matches
from ecomops.detect.findings import SEVERITY_ORDER
from ecomops.detect.service import Detection, detect
from ecomops.workspace import Workspace

pytestmark = pytest.mark.slow  # demo fixture + the inventory source (~25-50 s per day)

DEMO_END = dt.date(2026, 11, 24)  # conftest.DEMO_END


@pytest.fixture(scope="module")
def opened(demo_workspace: Path):  # type: ignore[no-untyped-def]
    ws = Workspace.open(demo_workspace)
    con = ws.read_only_analytics()
    yield ws, con
    con.close()
    ws.close()


@pytest.fixture(scope="module")
def last_day(opened) -> Detection:  # type: ignore[no-untyped-def]
    ws, con = opened
    return detect(con, DEMO_END, ws.settings)


def test_detect_findings_follow_the_brief_contract_on_the_last_day(last_day: Detection) -> None:
    fs = last_day.findings
    assert fs, "the demo's last day has active incidents"
    keys = [(SEVERITY_ORDER[f.severity], -abs(f.impact)) for f in fs]
    assert keys == sorted(keys)
    assert len({f.id for f in fs}) == len(fs)
    doc = json.loads(json.dumps([f.to_dict() for f in fs], ensure_ascii=False))
    assert all(d["id"].startswith(f"f-{DEMO_END.isoformat()}-") for d in doc)
    assert all(f.summary for f in fs)
    assert all(f.since <= DEMO_END for f in fs)


def test_detect_actions_answer_every_finding_once_ranked(last_day: Detection) -> None:
    ids = [i for a in last_day.actions for i in a.finding_ids]
    assert sorted(ids) == sorted(f.id for f in last_day.findings)
    assert [a.priority for a in last_day.actions] == list(range(1, len(last_day.actions) + 1))
    for a in last_day.actions:
        assert a.due > DEMO_END
        assert a.check is not None
        assert {"metric", "segment", "comparison", "threshold", "days"} <= set(a.check)


def test_detect_evidence_series_carry_the_band_without_the_future(last_day: Detection) -> None:
    for fid, ts in last_day.evidence.items():
        assert fid in {f.id for f in last_day.findings}
        assert ts.dates[-1] == DEMO_END
        assert ts.expected is not None
        assert ts.expected[-1] is not None


def test_detect_finds_the_pricing_error_on_its_first_day(
    opened, demo_dir: Path  # type: ignore[no-untyped-def]
) -> None:
    ws, con = opened
    inc = next(i for i in ground_truth(demo_dir) if i.kind == "pricing_error")
    saved = dict(detectors.SOURCES)
    detectors.SOURCES.clear()  # the stock sources are slow and irrelevant here
    try:
        result = detect(con, inc.start, ws.settings)
    finally:
        detectors.SOURCES.update(saved)
    ranks = [n for n, f in enumerate(result.findings, 1) if matches(f, inc.metric_family, [inc.segment])]
    assert ranks
    assert ranks[0] <= 5
    assert result.findings[ranks[0] - 1].id in result.evidence


def test_detect_is_repeatable_for_a_past_day(opened) -> None:  # type: ignore[no-untyped-def]
    ws, con = opened
    saved = dict(detectors.SOURCES)
    detectors.SOURCES.clear()
    try:
        day = DEMO_END - dt.timedelta(days=30)
        a = [f.to_dict() for f in detect(con, day, ws.settings).findings]
        b = [f.to_dict() for f in detect(con, day, ws.settings).findings]
    finally:
        detectors.SOURCES.update(saved)
    assert a == b


def test_a_stock_out_does_not_swallow_the_margin_finding_of_its_sku() -> None:
    # A mistyped price sells a SKU out: the stock finding takes its lost sales, not the margin.
    from ecomops.detect.findings import Finding
    from ecomops.detect.service import _fold_stock

    def finding(metric: str, step: str, impact: float, module: str = "sales") -> Finding:
        return Finding(id="", module=module, metric=metric, segment={"sku": "SKU-0037"},  # type: ignore[arg-type]
                       process_step=step, direction="down", observed=0.0, expected=1.0,  # type: ignore[arg-type]
                       impact=impact, severity="high", since=dt.date(2026, 9, 21), summary="", evidence={})

    margin = finding("gross_margin_rate", "pricing", -10036)
    lost = finding("conversion_rate", "conversion", -500)
    stock = finding("days_of_cover", "stock", -900, module="inventory")
    out = _fold_stock([margin, lost], [stock])
    assert margin in out
    assert lost not in out
    assert [f.metric for f in out if f.metric == "days_of_cover"] == ["days_of_cover"]
