"""The console's Inventory page on the demo shop: the plan with filters, slow movers, channel stock,
one SKU's charts, the purchase plan to download and the plan as JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ecomops.inventory import service
from ecomops.inventory.replenish import PLAN_COLUMNS
from ecomops.web.accounts import Accounts
from ecomops.web.routes.inventory import MAX_ROWS
from web_support import DEMO_DAY, demo_app, login

pytestmark = pytest.mark.slow  # a demo workspace per module, forecasts on 2 cores
DAY = DEMO_DAY.isoformat()
RANK = {"high": 0, "medium": 1, "low": 2}
ROW_RE = re.compile(r'<tr class="sev-(\w+)" data-sku="([^"]*)">(.*?)</tr>', re.S)
SKU_XSS = '<script>alert("sku")</script>'
TITLE_XSS = "<img src=x onerror=alert(1)>洁面乳"


@pytest.fixture(scope="module")
def app_and_ws(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app, ws = demo_app(demo_workspace, tmp_path_factory.mktemp("inventory") / "ws", brief=False)
    yield app, ws
    ws.close()


@pytest.fixture(scope="module")
def plan(app_and_ws: Any) -> service.PlanResult:
    """The fast plan of the demo day, straight from the service (what the page must show)."""
    app, ws = app_and_ws
    with app.state.console.gate.reader() as cur:
        return service.replenishment_plan(cur, DEMO_DAY, ws.settings, fast=True)


@pytest.fixture
def viewer(app_and_ws: Any) -> TestClient:
    client = TestClient(app_and_ws[0])
    login(client, "viewer")
    return client


def _rows(html: str) -> list[tuple[str, str, list[str]]]:
    """(risk, sku, cell texts) of the plan table's rows."""
    out = []
    for risk, sku, body in ROW_RE.findall(html):
        tds = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        cells = [unescape(re.sub(r"<[^>]+>", " ", c)).split() for c in tds]
        out.append((risk, unescape(sku), [" ".join(c) for c in cells]))
    return out


def _figures(html: str) -> dict[str, Any]:
    return {m.group(1): json.loads(m.group(2)) for m in re.finditer(
        r'<script type="application/json" id="fig-([^"]+)">(.*?)</script>', html, re.S)}


def _number(text: str) -> float | None:
    return None if text == "–" else float(text.replace(",", ""))


def test_inventory_page_lists_plan_rows_by_risk_then_cover(viewer: TestClient,
                                                           plan: service.PlanResult) -> None:
    r = viewer.get("/inventory", params={"date": DAY})
    assert r.status_code == 200
    assert '<a href="/inventory" class="active">' in r.text  # the nav link, current page
    assert "补货计划" in r.text  # the viewer reads Chinese: labels come through the catalog
    rows = _rows(r.text)
    assert len(rows) == min(len(plan.rows), MAX_ROWS)
    counts = plan.rows["risk"].value_counts().to_dict()
    assert counts.get("high")
    assert counts.get("medium")
    for risk in ("high", "medium", "low"):
        found = re.search(rf'data-risk="{risk}">([\d,]+)<', r.text)
        assert found
        assert int(found.group(1).replace(",", "")) == counts.get(risk, 0)
    assert {risk for risk, _sku, _cells in rows} >= {"high", "medium"}
    assert "高</span>" in r.text  # risk levels as labels
    keys = [(RANK[risk], float("inf") if cells[6] == "–" else _number(cells[6])) for risk, _s, cells in rows]
    assert keys == sorted(keys)  # risk first, then fewest days of cover
    by_key = plan.rows.set_index(["sku", "warehouse"])
    risk, sku, cells = rows[0]
    expected = by_key.loc[(sku, cells[2])]
    assert risk == expected["risk"]
    assert _number(cells[3]) == expected["available"]
    assert _number(cells[4]) == expected["inbound"]  # in transit, apart from available
    assert _number(cells[10]) == expected["suggested_order_qty"]  # 0 shown as 0, as in the downloads
    assert cells[11] == expected["supplier"]
    assert f'href="/inventory/sku/{sku}?date={DAY}"' in r.text


def test_filters_narrow_the_rows(viewer: TestClient, plan: service.PlanResult) -> None:
    high = _rows(viewer.get("/inventory", params={"date": DAY, "risk": "high"}).text)
    assert len(high) == int((plan.rows["risk"] == "high").sum())
    assert {risk for risk, _s, _c in high} == {"high"}
    warehouse = str(plan.rows["warehouse"].iloc[0])
    in_one = _rows(viewer.get("/inventory", params={"date": DAY, "warehouse": warehouse}).text)
    assert in_one
    assert {cells[2] for _r, _s, cells in in_one} == {warehouse}
    supplier = str(plan.rows["supplier"].iloc[0])
    both = _rows(viewer.get("/inventory", params={"date": DAY, "supplier": supplier, "risk": "high"}).text)
    assert both
    assert all(cells[11] == supplier and risk == "high" for risk, _s, cells in both)
    sku = str(plan.rows["sku"].iloc[0])
    found = _rows(viewer.get("/inventory", params={"date": DAY, "q": sku.lower()}).text)
    assert found
    assert all(sku.lower() in s.lower() for _r, s, _c in found)
    assert len(found) < len(plan.rows)
    page = viewer.get("/inventory", params={"date": DAY, "q": "no-such-sku' OR 1=1 --"})
    assert page.status_code == 200
    assert not _rows(page.text)
    assert viewer.get("/inventory", params={"date": DAY, "risk": "urgent"}).status_code == 400
    assert viewer.get("/inventory", params={"date": DAY, "tab": "../admin"}).status_code == 400


def test_slow_movers_and_channel_tabs_show_the_service_rows(viewer: TestClient, app_and_ws: Any,
                                                            plan: service.PlanResult) -> None:
    app, ws = app_and_ws
    with app.state.console.gate.reader() as cur:
        slow = service.slow_mover_report(cur, DEMO_DAY, ws.settings, plan=plan)
        listings = service.channel_report(cur, DEMO_DAY, ws.settings)
    page = viewer.get("/inventory", params={"date": DAY, "tab": "slow"}).text
    shown = re.findall(r'<tr data-sku="([^"]*)">', page)
    assert len(slow) > 0
    assert shown == list(slow["sku"])
    zh = {"promote": "推广", "reprice": "调价", "bundle": "组合销售", "clear": "清仓", "delist": "下架"}
    assert [zh[a] for a in slow["action"]] == re.findall(r"<td>(推广|调价|组合销售|清仓|下架)</td>", page)
    page = viewer.get("/inventory", params={"date": DAY, "tab": "channels"}).text
    issues = listings[listings["issue"].notna()]
    assert len(issues) > 0
    assert len(re.findall(r'<tr data-sku="', page)) == len(issues)
    assert "超卖风险" in page or "在售但无库存" in page or "错失销售" in page


def test_sku_page_draws_history_forecast_band_and_projection(viewer: TestClient, app_and_ws: Any,
                                                             plan: service.PlanResult) -> None:
    sku = str(plan.rows.loc[plan.rows["risk"] == "high", "sku"].iloc[0])
    r = viewer.get(f"/inventory/sku/{sku}", params={"date": DAY})
    assert r.status_code == 200
    assert '<script src="/vendor/plotly.min.js" defer></script>' in r.text  # served locally, no CDN
    figures = _figures(r.text)
    assert {"history", "forecast-0", "projection"} <= set(figures)
    import plotly.graph_objects as go

    for fig in figures.values():
        go.Figure(data=fig["data"], layout=fig["layout"])  # raises on any unknown property or bad value
    start = DEMO_DAY - dt.timedelta(days=service.HISTORY_DAYS - 1)
    with app_and_ws[0].state.console.gate.reader() as cur:
        units = cur.execute(
            "SELECT sum(l.quantity) FROM order_lines l JOIN orders o USING (order_id) WHERE l.sku = ? "
            "AND (o.status IS NULL OR o.status <> 'cancelled') "
            "AND CAST(o.order_time AS DATE) BETWEEN ? AND ?",
            [sku, start, DEMO_DAY]).fetchone()[0]
    history = figures["history"]["data"]
    assert history[0]["x"][-1] == DAY
    assert sum(sum(t["y"]) for t in history) == pytest.approx(float(units))
    hi, lo, actual, forecast = figures["forecast-0"]["data"]
    assert lo["fill"] == "tonexty"
    assert forecast["line"]["dash"] == "dash"
    assert forecast["x"][0] == (DEMO_DAY + dt.timedelta(days=1)).isoformat()
    assert actual["x"][-1] == DAY
    band = zip(lo["y"], forecast["y"], hi["y"], strict=True)
    assert all(a <= y + 1e-9 and y <= b + 1e-9 for a, y, b in band)
    rows = plan.rows[plan.rows["sku"] == sku]
    projected = figures["projection"]["data"]
    assert {t["name"] for t in projected} == set(rows["warehouse"])
    first = rows.iloc[0]
    trace = next(t for t in projected if t["name"] == first["warehouse"])
    fc = next(f for f in figures.values()
              if f["layout"]["title"]["text"].startswith(f"{first['warehouse']} ·"))
    arriving = first["inbound"] if pd.notna(first["inbound_eta"]) and first["inbound_eta"] <= pd.Timestamp(
        fc["data"][3]["x"][0]) else 0
    expected = first["on_hand"] - first["reserved"] - fc["data"][3]["y"][0] + arriving
    assert trace["y"][0] == pytest.approx(expected, abs=0.02)
    assert len(re.findall(r'<tr class="sev-', r.text)) == len(rows)  # the SKU's plan rows
    assert viewer.get("/inventory/sku/NO-SUCH-SKU", params={"date": DAY}).status_code == 404


def test_purchase_plan_csv_has_the_plan_columns_and_one_row_per_order(viewer: TestClient,
                                                                      plan: service.PlanResult) -> None:
    r = viewer.get("/inventory/purchase-plan.csv", params={"date": DAY})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == f'attachment; filename="purchase-plan-{DAY}.csv"'
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows
    assert set(PLAN_COLUMNS) <= set(rows[0])
    orders = plan.rows[plan.rows["suggested_order_qty"] > 0]
    assert len(rows) == len(orders)
    planned = set(zip(orders["sku"], orders["warehouse"], strict=True))
    assert {(x["sku"], x["warehouse"]) for x in rows} == planned
    assert all(int(x["suggested_order_qty"]) > 0 for x in rows)
    suppliers = [x["supplier"] for x in rows]
    blocks = [s for i, s in enumerate(suppliers) if i == 0 or s != suppliers[i - 1]]
    assert len(blocks) == len(set(suppliers)) == len(plan.purchase_orders)  # one block per supplier
    book = viewer.get("/inventory/purchase-plan.xlsx", params={"date": DAY})
    assert book.status_code == 200
    assert book.content[:2] == b"PK"
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(book.content))
    assert workbook.sheetnames == ["Plan", "Purchase orders", "Suppliers"]
    sheet = list(workbook["Purchase orders"].iter_rows(values_only=True))  # the CSV's rows, in order
    assert list(sheet[0]) == list(rows[0])
    assert [(x[0], x[1], x[2]) for x in sheet[1:]] == [
        (x["supplier"], x["sku"], x["warehouse"]) for x in rows]
    assert [int(x[list(rows[0]).index("suggested_order_qty")]) for x in sheet[1:]] == [
        int(x["suggested_order_qty"]) for x in rows]


def test_downloads_take_a_date_not_a_path(viewer: TestClient) -> None:
    for path in ("/inventory/purchase-plan.csv?date=../../ecomops.toml",
                 "/inventory/purchase-plan.xlsx?date=..%2F..%2Fecomops.toml",
                 "/inventory/purchase-plan.csv/../../ecomops.toml"):
        r = viewer.get(path)
        assert r.status_code in (400, 404), path
        assert "max_upload_mb" not in r.text


def test_api_plan_is_the_cli_json(app_and_ws: Any, demo_workspace: Path) -> None:
    from ecomops.cli.main import app as cli

    client = TestClient(app_and_ws[0])
    assert client.get("/api/inventory/plan", params={"date": DAY}).status_code == 401
    token = Accounts(app_and_ws[1].app_sessions).new_token("viewer")
    r = client.get("/api/inventory/plan", params={"date": DAY}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    res = CliRunner().invoke(cli, ["--workspace", str(demo_workspace), "replenish", "--date", DAY,
                                   "--fast", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert r.json() == json.loads(res.stdout)


def test_inventory_routes_need_a_session(app_and_ws: Any) -> None:
    client = TestClient(app_and_ws[0])
    for path in ("/inventory", f"/inventory?tab=slow&date={DAY}", "/inventory/sku/SKU-0001",
                 "/inventory/purchase-plan.csv", "/inventory/purchase-plan.xlsx"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login?next="), path
    assert client.get("/api/inventory/plan").status_code == 401


def test_sku_codes_and_titles_from_data_are_escaped(demo_workspace: Path, tmp_path: Path) -> None:
    app, ws = demo_app(demo_workspace, tmp_path / "ws", brief=False)
    try:
        operator = TestClient(app)
        csrf = login(operator, "operator")
        sku = SKU_XSS.replace('"', '""')
        title = TITLE_XSS.replace('"', '""')
        for name, body in (
            ("products.csv", f'sku,title,category,price\n"{sku}",{title},美妆,10\n'),
            ("inventory.csv", f'date,sku,warehouse,on_hand\n{DAY},"{sku}",华东仓,5\n'),
        ):
            r = operator.post("/data/upload", data={"csrf": csrf},
                              files={"files": (name, body.encode(), "text/csv")}, follow_redirects=False)
            assert r.status_code == 303, r.text[:300]
        page = operator.get("/inventory", params={"date": DAY, "q": "script"}).text
        assert [s for _r, s, _c in _rows(page)] == [SKU_XSS]
        assert "&lt;script&gt;alert(" in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        href = unescape(re.search(r'<a href="(/inventory/sku/[^"]+)">&lt;script', page).group(1))  # type: ignore[union-attr]
        detail = operator.get(href)
        assert detail.status_code == 200
        assert "&lt;script&gt;alert(" in detail.text
        assert "\\u0026lt;script\\u0026gt;alert(" in detail.text  # in the chart JSON too (plotly reads HTML)
        pages = [page, detail.text, operator.get("/inventory", params={"date": DAY, "tab": "slow"}).text,
                 operator.get("/inventory", params={"date": DAY, "tab": "channels"}).text]
        for html in pages:
            assert "<script>alert" not in html
            assert "<img src=x" not in html
    finally:
        ws.close()


def _table(html: str) -> tuple[list[str], list[list[str]]]:
    """(header texts, cell texts per row) of the page's sortable table."""
    table = re.search(r'<table class="grid \w+ sortable".*?</table>', html, re.S)
    assert table, "no sortable table"
    heads = [unescape(re.sub(r"<[^>]+>", "", h)).strip()
             for h in re.findall(r"<th[^>]*>(.*?)</th>", table.group(0), re.S)]
    body = table.group(0).split("<tbody>", 1)[1]
    rows = []
    for tr in re.findall(r"<tr[^>]*data-sku=[^>]*>(.*?)</tr>", body, re.S):
        rows.append([unescape(re.sub(r"<[^>]+>", " ", c)).strip()
                     for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)])
    return heads, rows


def _same(shown: str, exported: str) -> bool:
    """A cell on screen (formatted: 1,234.5 / ¥1,234 / 45.2% / –) against the exported value."""
    if shown == "–":
        return exported == ""
    if shown == exported:
        return True
    digits = re.sub(r"[^\d.\-]", "", shown)
    try:
        x = float(exported)
    except ValueError:
        return False
    if shown.endswith("%"):
        return abs(float(digits) - 100 * x) < 0.051
    return digits != "" and abs(float(digits) - x) < 0.51


@pytest.mark.parametrize(("tab", "params"), [
    ("plan", {"risk": "medium"}), ("plan", {"sort": "days_of_cover", "dir": "desc"}),
    ("slow", {}), ("slow", {"sort": "stock_value", "dir": "asc"}), ("channels", {"sort": "sellable"})])
def test_downloads_hold_the_table_on_screen(viewer: TestClient, tab: str, params: dict[str, str]) -> None:
    import openpyxl

    query = {"date": DAY, "tab": tab, **params}
    heads, rows = _table(viewer.get("/inventory", params=query).text)
    assert rows
    got = viewer.get("/inventory/export.csv", params=query)
    assert got.status_code == 200
    data = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert data[0] == heads  # the same columns, headers in the reader's language (Chinese here)
    page = viewer.get("/inventory", params=query).text
    if len(rows) < MAX_ROWS:
        assert len(data) - 1 == len(rows)  # the same rows
    else:  # the page shows the first MAX_ROWS and says the download holds them all
        assert len(data) - 1 > len(rows) == MAX_ROWS
        assert f"下载文件包含全部 {len(data) - 1:,} 行" in page
    for shown, exported in zip(rows, data[1:], strict=False):  # in the same order
        assert len(shown) == len(exported)
        assert all(_same(a, b) for a, b in zip(shown, exported, strict=True)), (shown, exported)
    book = openpyxl.load_workbook(io.BytesIO(viewer.get("/inventory/export.xlsx", params=query).content))
    sheet = list(book.active.iter_rows(values_only=True))
    assert [str(h) for h in sheet[0]] == heads
    assert len(sheet) == len(data)
    for line, cells in zip(sheet[1:], data[1:], strict=True):
        for value, text in zip(line, cells, strict=True):
            if value is None:
                assert text == ""
            elif isinstance(value, dt.datetime):
                assert value.date().isoformat() == text
            elif isinstance(value, int | float):
                assert value == pytest.approx(float(text))
            else:
                assert value == text


def test_table_headers_carry_units_and_sort_buttons(viewer: TestClient) -> None:
    page = viewer.get("/inventory", params={"date": DAY, "sort": "days_of_cover", "dir": "desc"}).text
    heads, rows = _table(page)
    assert "可售天数（天）" in heads
    assert "现货可售（件）" in heads
    assert "在途库存（件）" in heads
    assert ('<th scope="col" aria-sort="descending"><button type="button" class="sort" '
            'data-key="days_of_cover"') in page
    assert page.count('<button type="button" class="sort"') == len(heads)
    covers = [float("inf") if r[6] == "–" else _number(r[6]) for r in rows]
    shown = [c for c in covers if c != float("inf")]
    assert shown == sorted(shown, reverse=True)
    assert '<script src="/static/sortable.js" defer></script>' in page
    script = viewer.get("/static/sortable.js")
    assert script.status_code == 200
    assert "aria-sort" in script.text
    en = viewer.get("/inventory", params={"date": DAY, "tab": "channels"},
                    headers={"Accept-Language": "en"})
    assert viewer.get("/inventory", params={"date": DAY, "sort": "nope"}).status_code == 400
    assert en.status_code == 200


def test_pages_agree_on_days_of_cover(viewer: TestClient, plan: service.PlanResult, app_and_ws: Any) -> None:
    from ecomops.inventory.cover import by_sku

    _h, slow = _table(viewer.get("/inventory", params={"date": DAY, "tab": "slow"}).text)
    totals = by_sku(plan.rows).set_index("sku")
    plan_page = {(r[0], r[2]): r[6] for r in _table(viewer.get(
        "/inventory", params={"date": DAY, "q": ""}).text)[1]}
    checked = 0
    for row in slow[:4]:
        sku, cover = row[0], row[5]
        page = viewer.get(f"/inventory/sku/{sku}", params={"date": DAY}).text
        per = [(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in re.findall(
            r'<tr class="sev-\w+">(.*?)</tr>', page, re.S)]
        for cells in per:
            warehouse, shown = cells[0], cells[6]
            if (sku, warehouse) in plan_page:
                assert plan_page[(sku, warehouse)] == shown  # plan tab == SKU page, per warehouse
                checked += 1
        total = re.search(r'<tr class="total" data-total="[^"]*">(.*?)</tr>', page, re.S)
        if total:
            tds = [unescape(re.sub(r"<[^>]+>", "", c)).strip()
                   for c in re.findall(r"<td[^>]*>(.*?)</td>", total.group(1), re.S)]
            assert tds[5] == cover  # slow movers tab == SKU page's all-warehouses row
        expected = totals.loc[sku, "days_of_cover"]
        assert cover == ("–" if pd.isna(expected) else f"{expected:,.1f}")
    assert checked
