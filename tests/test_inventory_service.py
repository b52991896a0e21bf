"""Inventory on the demo store: the plan, the brief's findings, the ``replenish`` command.

The incidents and quiet dates come from the demo's ground truth (``ecomops.demo.ground_truth``),
never from hard-coded SKUs. One cross-validated plan is computed per module and shared.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecomops.demo import ground_truth
from ecomops.demo.incidents import Incident, load
from ecomops.inventory import service
from ecomops.inventory.findings import inventory_findings
from ecomops.inventory.replenish import PLAN_COLUMNS
from ecomops.settings import Settings, StoreSettings
from ecomops.workspace import Workspace

DAY = dt.date(2026, 11, 24)  # conftest.DEMO_END


@pytest.fixture(scope="module")
def con(demo_workspace: Path) -> Iterator[Any]:
    ws = Workspace.open(demo_workspace)
    c = ws.read_only_analytics()
    yield c
    c.close()
    ws.close()


@pytest.fixture(scope="module")
def plan(con: Any) -> service.PlanResult:
    """The cross-validated plan of the demo's last day (the ``replenish`` command's)."""
    return service.replenishment_plan(con, DAY, Settings())


def incident(demo_dir: Path, kind: str) -> Incident:
    return next(i for i in ground_truth(demo_dir) if i.kind == kind)


def test_plan_flags_the_demo_stockout_high_risk_in_every_warehouse(plan: service.PlanResult,
                                                                   demo_dir: Path) -> None:
    sku = incident(demo_dir, "stockout").segment["sku"]
    rows = plan.rows[plan.rows["sku"] == sku]
    assert len(rows) >= 1
    assert set(rows["risk"]) == {"high"}
    assert set(rows["status"]) == {"stockout"}
    assert (rows["suggested_order_qty"] >= rows["moq"]).all()
    assert (rows["stockout_date"] == DAY).all()
    assert rows["supplier"].iloc[0] in set(plan.purchase_orders["supplier"])
    assert set(plan.rows["method"].dropna()) - {"zero", "recent_mean"}  # models were chosen by CV


@pytest.mark.parametrize("kind", ["stockout", "oversold_listing"])
def test_findings_name_the_planted_stock_incident_high_on_its_first_day(con: Any, demo_dir: Path,
                                                                        kind: str) -> None:
    inc = incident(demo_dir, kind)
    findings = inventory_findings(con, inc.start, Settings())
    segments = [inc.segment, *inc.alt_segments]
    hits = [f for f in findings if f.segment in segments]
    assert len(hits) == 1
    f = hits[0]
    assert (f.module, f.process_step) == ("inventory", "stock")
    assert (f.metric, f.direction) == ("days_of_cover", "down")
    assert f.severity == "high"
    assert f.impact < 0
    assert findings.index(f) < 3
    order = [(("high", "medium", "low").index(x.severity), -abs(x.impact)) for x in findings]
    assert order == sorted(order)
    json.dumps([x.to_dict() for x in findings])  # JSON-ready


def test_findings_raise_no_high_stock_alarm_on_quiet_days(con: Any, demo_dir: Path) -> None:
    quiet = load(demo_dir)["quiet_dates"]
    assert len(quiet) >= 10
    alarms = [(d, f.segment) for d in quiet for f in inventory_findings(con, d, Settings())
              if f.severity == "high"]
    assert alarms == []


def test_stock_finding_impact_is_the_gmv_lost_per_day(con: Any, demo_dir: Path) -> None:
    inc = incident(demo_dir, "stockout")
    risk = service.stock_risk(con, inc.start, Settings())
    row = risk.skus.set_index("sku").loc[inc.segment["sku"]]
    f = next(f for f in inventory_findings(con, inc.start, Settings()) if f.segment.get("sku") == row.name
             and f.metric == "days_of_cover")
    assert f.impact == pytest.approx(-row["daily_demand"] * row["price"], rel=1e-3)
    assert f.evidence["expected_lost_gmv"] >= abs(f.impact)  # out until stock can arrive: days of loss
    assert row["sellable"] == 0


def test_channel_report_suggests_no_more_than_can_ship(con: Any) -> None:
    ch = service.channel_report(con, DAY, Settings())
    per_sku = ch.groupby("sku").agg(total=("suggested_listed_stock", "sum"), sellable=("sellable", "first"))
    assert (per_sku["total"] <= per_sku["sellable"].clip(lower=0)).all()
    shares = ch.groupby("sku")["demand_share"].sum()
    assert ((shares > 0.98) & (shares < 1.02)).all()
    assert (ch.loc[ch["issue"].isna(), "impact"] == 0).all()


def test_slow_movers_of_the_demo_store_estimate_elasticity_where_prices_moved(
    con: Any, plan: service.PlanResult
) -> None:
    slow = service.slow_mover_report(con, DAY, Settings(), plan)
    assert set(slow["action"]) <= {"promote", "reprice", "bundle", "clear", "delist"}
    estimated = slow[slow["elasticity_note"] == "ok"]
    assert len(estimated)
    assert estimated["elasticity"].notna().all()
    assert (slow.loc[slow["action"] == "reprice", "elasticity"] < -1).all()


def test_slow_mover_reasons_are_written_in_the_stores_language(con: Any, plan: service.PlanResult) -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    zh = service.slow_mover_report(con, DAY, Settings(store=StoreSettings(language="zh_CN")), plan)
    en = service.slow_mover_report(con, DAY, Settings(store=StoreSettings(language="en")), plan)
    assert len(zh) > 3
    assert list(zh["action"]) == list(en["action"])
    assert all(han.search(t) and "{" not in t for t in zh["reason"]), zh["reason"].tolist()[:3]
    assert not any(han.search(t) for t in en["reason"]), en["reason"].tolist()[:3]


def test_fast_plan_of_a_past_day_does_not_see_later_stock(con: Any) -> None:
    early = service.replenishment_plan(con, dt.date(2026, 10, 1), Settings(), fast=True)
    assert (early.rows["snapshot_date"] <= dt.date(2026, 10, 1)).all()
    assert set(early.rows["method"]) == {"recent_rate"}


def test_plan_workbook_has_the_plan_and_purchase_orders_by_supplier(plan: service.PlanResult,
                                                                    tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "plan.xlsx"
    service.write_plan_xlsx(plan, out)
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["Plan", "Purchase orders", "Suppliers"]
    header = [c.value for c in next(book["Plan"].iter_rows(max_row=1))]
    assert header[: len(PLAN_COLUMNS)] == list(PLAN_COLUMNS)
    suppliers = [r[0] for r in book["Suppliers"].iter_rows(min_row=2, values_only=True)]
    assert suppliers
    assert len(suppliers) == len(set(suppliers))


def test_replenish_xlsx_without_out_is_refused(demo_workspace: Path) -> None:
    from typer.testing import CliRunner

    from ecomops.cli.main import app
    from ecomops.errors import InputError

    res = CliRunner().invoke(app, ["--workspace", str(demo_workspace), "replenish", "--format", "xlsx"])
    assert isinstance(res.exception, InputError)
    assert "--out" in str(res.exception)


def test_an_imminent_oversell_is_high_even_on_a_cheap_sku(con: Any, demo_dir: Path) -> None:
    # the platforms fine each order a shop cannot ship: an oversell due within days is urgent
    # whatever the GMV at stake (here the demo's oversold listing, its money shrunk 100-fold)
    from ecomops.inventory.findings import OVERSELL_URGENT_DAYS, _channels

    inc = incident(demo_dir, "oversold_listing")
    ch = service.channel_report(con, inc.start, Settings())
    row = ch[(ch["channel"] == inc.segment["channel"]) & (ch["sku"] == inc.segment["sku"])].copy()
    assert row["oversold_units"].iloc[0] >= 1
    assert row["days_to_oversell"].iloc[0] <= OVERSELL_URGENT_DAYS
    cheap = row.assign(at_risk_gmv=row["at_risk_gmv"] / 100, impact=row["impact"] / 100)
    [finding] = _channels(cheap, min_impact=300.0, high_impact=1e9)
    assert finding["severity"] == "high"
    later = cheap.assign(days_to_oversell=OVERSELL_URGENT_DAYS + 2)
    assert _channels(later, min_impact=300.0, high_impact=1e9)[0]["severity"] != "high"
