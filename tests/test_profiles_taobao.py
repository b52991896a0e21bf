"""Taobao / Tmall 订单报表 + 宝贝报表 (GB18030 fixtures in tests/fixtures/taobao), and unrecognised files."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ecomops.ingest.profiles.taobao import channel_for
from ecomops.ingest.service import import_folder
from ecomops.settings import Settings, StoreSettings
from ecomops.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "taobao"
ORDERS = FIXTURES / "ExportOrderList202611250930.csv"
LINES = FIXTURES / "ExportOrderDetailList202611250930.csv"


def raw(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")
    df.columns = [c.strip() for c in df.columns]
    return df.apply(lambda s: s.str.removeprefix('="').str.removesuffix('"'))


def test_fixtures_are_gb18030_not_utf8() -> None:
    data = ORDERS.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "订单编号" in data.decode("gb18030")


def test_order_and_item_reports_import_together(workspace: Workspace) -> None:
    report = import_folder(workspace, FIXTURES)
    assert {f.file: f.profile for f in report.files} == {ORDERS.name: "taobao", LINES.name: "taobao"}
    assert report.total_rejected == 0
    orders, lines = raw(ORDERS), raw(LINES)
    con = workspace.analytics
    got = dict(con.execute("SELECT order_id, payment_amount FROM orders").fetchall())
    assert got == {o: float(v) for o, v in zip(orders["订单编号"], orders["买家实际支付金额"], strict=True)}
    statuses = dict(con.execute("SELECT order_id, status FROM orders").fetchall())
    expected = {
        "交易成功": "delivered",
        "卖家已发货，等待买家确认": "shipped",
        "买家已付款，等待卖家发货": "paid",
        "等待买家付款": "created",
    }
    for oid, text, paid_at in zip(
        orders["订单编号"], orders["订单状态"], orders["订单付款时间"], strict=True
    ):
        want = expected.get(text) or ("closed" if paid_at else "cancelled")
        assert statuses[oid] == want, (oid, text)
    n, units = con.execute("SELECT count(*), sum(quantity) FROM order_lines").fetchone()
    assert (n, units) == (len(lines), pd.to_numeric(lines["购买数量"]).sum())
    # each order's lines add up to what was paid for the goods (payment less postage)
    per_order = dict(
        con.execute("SELECT order_id, round(sum(amount), 2) FROM order_lines GROUP BY 1").fetchall()
    )
    goods = pd.to_numeric(orders["买家实际支付金额"]) - pd.to_numeric(orders["买家应付邮费"])
    assert per_order == dict(zip(orders["订单编号"], goods.round(2), strict=True))
    region, city = con.execute(
        "SELECT region, city FROM orders WHERE order_id = '3310457726201234567'"
    ).fetchone()
    assert (region, city) == ("浙江省", "杭州市")


def test_refund_amounts_become_refund_cases(workspace: Workspace) -> None:
    import_folder(workspace, FIXTURES)
    orders = raw(ORDERS)
    refunds = pd.to_numeric(orders["退款金额"])
    rows = workspace.analytics.execute(
        "SELECT order_id, refund_amount, type FROM returns ORDER BY 1"
    ).fetchall()
    want = sorted(
        (o, float(r), "refund_only") for o, r in zip(orders["订单编号"], refunds, strict=True) if r > 0
    )
    assert rows == want


def test_item_report_alone_keeps_list_prices_and_finds_skus(workspace: Workspace, tmp_path: Path) -> None:
    shutil.copy(LINES, tmp_path / LINES.name)
    import_folder(workspace, tmp_path)
    lines = raw(LINES)
    rows = workspace.analytics.execute("SELECT sku, amount FROM order_lines").fetchall()
    listed = (pd.to_numeric(lines["价格"]) * pd.to_numeric(lines["购买数量"])).sum()
    assert round(sum(a for _, a in rows), 2) == round(listed, 2)
    skus = {s for s, _ in rows}
    assert "WMS-RB-099" in skus  # no 商家编码: the outer system id
    assert "赠品 收纳袋" in skus  # neither: the title (and attributes)


def test_channel_is_taobao_only_for_taobao_stores() -> None:
    assert channel_for(Settings()) == "tmall"
    taobao = Settings(store=StoreSettings(channels=("taobao", "jd")))
    assert channel_for(taobao) == "taobao"


def test_unrecognised_file_names_the_closest_profile_and_missing_headers(
    workspace: Workspace, tmp_path: Path
) -> None:
    headers = [h for h in raw(ORDERS).columns if h != "买家实际支付金额"]
    path = tmp_path / "export.csv"
    with path.open("w", encoding="gb18030", newline="") as fh:
        csv.writer(fh).writerows([headers, ["x"] * len(headers)])
    report = import_folder(workspace, path)
    (result,) = report.files
    assert result.status == "refused"
    text = " ".join(result.messages)
    assert "taobao" in text
    assert "买家实际支付金额" in text
