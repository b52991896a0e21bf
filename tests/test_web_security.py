"""Attacks through data and requests: XSS in titles and reviews, SQL in filters, path traversal,
oversized uploads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ecomops.store.appdb import ImportRun
from ecomops.web.accounts import Accounts
from web_support import _BRIEFS, DEMO_DAY, demo_app, signed_in

pytestmark = pytest.mark.slow  # the demo brief takes a while to build on 2 cores
DAY = DEMO_DAY.isoformat()
TITLE_XSS = '<script>alert("title")</script>'
REVIEW_XSS = "<img src=x onerror=alert(1)>差评"


@pytest.fixture(scope="module")
def app_and_ws(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("sec") / "ws"
    app, ws = demo_app(demo_workspace, root)
    yield app, ws
    ws.close()  # type: ignore[attr-defined]


@pytest.fixture
def operator(app_and_ws: Any) -> TestClient:
    return signed_in(app_and_ws[0])


def _upload(client: TestClient, name: str, content: bytes) -> Any:
    return client.post("/data/upload", data={"csrf": client.csrf},  # type: ignore[attr-defined]
                       files={"files": (name, content, "text/csv")}, follow_redirects=False)


def test_product_titles_and_reviews_from_data_are_escaped(operator: TestClient, app_and_ws: Any) -> None:
    app = app_and_ws[0]
    brief = app.state.console.briefs.get(DEMO_DAY)
    finding = next(f for f in brief.findings if "sku" in f.segment)
    sku = finding.segment["sku"]
    with app.state.console.gate.reader() as cur:
        category, price = cur.execute("SELECT category, price FROM products WHERE sku = ?", [sku]).fetchone()
    quoted = TITLE_XSS.replace('"', '""')
    products = f'sku,title,category,price\n{sku},"{quoted}",{category},{price}\n'
    reviews = ("review_id,channel,sku,rating,text,created_at\n"
               f"RV-XSS-1,tmall,{sku},1,{REVIEW_XSS},{DAY} 09:00\n")
    assert _upload(operator, "products.csv", products.encode()).status_code == 303
    assert _upload(operator, "reviews.csv", reviews.encode()).status_code == 303
    app.state.console.briefs.prime(_BRIEFS[DEMO_DAY])  # titles and reviews do not change the findings
    page = operator.get(f"/findings/{finding.id}?date={DAY}").text
    assert "&lt;script&gt;alert(" in page
    assert "&lt;img src=x onerror=alert(1)&gt;差评" in page
    sales = operator.get(f"/sales?by=sku&sku={sku}&end={DAY}").text
    for html in (page, sales):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    assert "\\u0026lt;script\\u0026gt;alert(" in sales  # in the chart JSON too (plotly reads HTML)


def test_task_text_from_users_is_escaped(operator: TestClient) -> None:
    evil = '<b onmouseover="alert(1)">hover</b>'
    operator.post("/tasks", data={"csrf": operator.csrf, "title": evil, "acceptance": evil})  # type: ignore[attr-defined]
    board = operator.get("/tasks").text
    task_id = re.search(r'id="task-(\d+)"', board).group(1)  # type: ignore[union-attr]
    operator.post(f"/tasks/{task_id}/comment", data={"csrf": operator.csrf, "text": evil})  # type: ignore[attr-defined]
    detail = operator.get(f"/tasks/{task_id}").text
    for html in (board, detail):
        assert "<b onmouseover" not in html
        assert "&lt;b onmouseover=" in html


def test_sql_in_filters_is_data_not_code(operator: TestClient, app_and_ws: Any) -> None:
    injected = "tmall' OR '1'='1"
    r = operator.get("/sales", params={"channel": injected, "end": DAY})
    assert r.status_code == 200
    assert "No data for this selection." in r.text or "所选范围没有数据" in r.text
    assert operator.get("/sales", params={"by": "channel; DROP TABLE orders"}).status_code == 400
    assert operator.get("/sales", params={"metric": "gmv) FROM orders; --"}).status_code == 400
    token = Accounts(app_and_ws[1].app_sessions).new_token("viewer")
    r = TestClient(app_and_ws[0]).get("/api/series", params={"metric": "gmv", "sku": "x' OR 1=1 --"},
                                      headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert r.json()["rows"] == []
    with app_and_ws[0].state.console.gate.reader() as cur:
        assert cur.execute("SELECT count(*) FROM orders").fetchone()[0] > 0


def test_downloads_never_leave_the_rejects_folder(operator: TestClient, app_and_ws: Any) -> None:
    ws = app_and_ws[1]
    for path in ("/data/rejects/..%2F..%2Fecomops.toml", "/data/rejects/../../ecomops.toml",
                 "/static/..%2F..%2F..%2Fecomops.toml", "/static/../app.py"):
        r = operator.get(path)
        assert r.status_code in (404, 422), path
        assert "max_upload_mb" not in r.text
    with ws.app_sessions() as session:
        run = ImportRun(source="forged", summary={}, rejects_path=str(ws.config_path.resolve()))
        session.add(run)
        session.commit()
        forged = run.id
    r = operator.get(f"/data/rejects/{forged}")
    assert r.status_code == 404
    assert "max_upload_mb" not in r.text


def test_uploaded_file_names_cannot_climb_out(operator: TestClient, app_and_ws: Any) -> None:
    ws = app_and_ws[1]
    r = _upload(operator, "../../escaped.csv", b"sku,title,category,price\nSKU-X,t,c,1\n")
    assert r.status_code == 303
    assert not (ws.root / "escaped.csv").exists()
    assert not (ws.root.parent / "escaped.csv").exists()
    assert _upload(operator, "..", b"a,b\n1,2\n").status_code == 400


def test_oversized_upload_is_refused_before_import(app_and_ws: Any) -> None:
    from ecomops.web.app import create_app
    from ecomops.workspace import Workspace

    src = app_and_ws[1]
    small = Workspace(root=src.root, settings=src.settings.model_copy(
        update={"imports": src.settings.imports.model_copy(update={"max_upload_mb": 1})}))
    app = create_app(small)
    client = signed_in(app)
    with src.app_sessions() as s:
        before = s.scalar(select(func.count()).select_from(ImportRun))
    big = b"sku,title,category,price\n" + b"SKU-BIG,title,cat,1\n" * 80_000  # ~1.6 MB
    r = _upload(client, "products.csv", big)
    assert r.status_code == 413
    with src.app_sessions() as s:
        assert s.scalar(select(func.count()).select_from(ImportRun)) == before
    small.close()
