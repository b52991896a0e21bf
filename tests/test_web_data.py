"""The console's data page on a new workspace: uploads, their warnings, the rejects download."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ecomops.workspace import Workspace
from web_support import add_users, signed_in


@pytest.fixture
def app_ws(workspace: Workspace) -> tuple[Any, Workspace]:
    from ecomops.web.app import create_app

    add_users(workspace, ("operator",))
    return create_app(workspace), workspace


@pytest.fixture
def operator(app_ws: tuple[Any, Workspace]) -> TestClient:
    return signed_in(app_ws[0])


def _upload(client: TestClient, name: str, content: bytes) -> Any:
    return client.post("/data/upload", data={"csrf": client.csrf},  # type: ignore[attr-defined]
                       files={"files": (name, content, "text/csv")}, follow_redirects=False)


def test_rejects_download_neutralises_formula_cells(operator: TestClient) -> None:
    body = ("review_id,sku,rating,created_at,text\n"
            "RV-1,SKU-1,\"=HYPERLINK(\"\"http://x\"\")\",2026-11-24 10:00,ok\n"
            "RV-2,SKU-2,7,2026-11-24 10:00,ok\n"
            "RV-3,SKU-3,-1,2026-11-24 10:00,ok\n"
            "RV-4,SKU-4,@SUM(1),2026-11-24 10:00,ok\n"
            "RV-5,SKU-5,+1+1,2026-11-24 10:00,ok\n"
            "RV-6,SKU-6,5,2026-11-24 10:00,fine\n")
    r = _upload(operator, "reviews.csv", body.encode())
    assert r.status_code == 303, r.text[:300]
    run_id = int(r.headers["location"].split("run=")[1])
    got = operator.get(f"/data/rejects/{run_id}")
    assert got.status_code == 200
    assert got.headers["content-disposition"] == f'attachment; filename="rejects-{run_id}.csv"'
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    values = {r["value"] for r in rows}
    assert values == {"'=HYPERLINK(\"http://x\")", "7", "'-1", "'@SUM(1)", "'+1+1"}
    assert '"reviews.csv",2,"rating","7"' in got.text
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_upload_with_a_stray_quote_keeps_the_good_rows_and_shows_no_server_path(
    operator: TestClient, app_ws: tuple[Any, Workspace]
) -> None:
    body = ('sku,title,category,price\nA1,good,c,1\nA2,"never closed,c,2\nA3,fine,c,3\n')
    r = _upload(operator, "products.csv", body.encode())
    assert r.status_code == 303, r.text[:300]
    page = operator.get(r.headers["location"]).text
    ws = app_ws[1]
    assert str(ws.root) not in page
    assert "uploads" not in page
    with ws.app_sessions() as session:
        from ecomops.store.appdb import ImportRun

        run = session.query(ImportRun).order_by(ImportRun.id.desc()).first()
        (f,) = run.summary["files"]
    assert (f["status"], f["inserted"], f["rejected"]) == ("imported", 2, 1)
    got = operator.get(f"/data/rejects/{run.id}").text
    assert "never closed" in got


def test_upload_of_a_usd_export_warns_in_the_readers_language_and_history_shows_failed_runs(
    operator: TestClient, app_ws: tuple[Any, Workspace], datasets: Any
) -> None:
    import os

    from ecomops.store.appdb import ImportRun

    ws = app_ws[1]
    export = datasets / "shopify_orders_exports" / "enavant_activewear_2019_2022" / "orders_export_1.csv"
    r = _upload(operator, "orders_export_1.csv", export.read_bytes())
    assert r.status_code == 303, r.text[:300]
    page = operator.get(r.headers["location"]).text
    assert "的金额是 USD，不是店铺币种 CNY" in page  # the operator reads Chinese (the default)
    operator.post("/language", data={"csrf": operator.csrf, "lang": "en",  # type: ignore[attr-defined]
                                     "next": "/data"})
    page = operator.get(r.headers["location"]).text
    assert "are in USD, not in the store currency CNY" in page
    assert "UTC offset -04:00, -05:00" in page
    # A run whose process is gone (killed) shows as failed, not as still importing.
    with ws.app_sessions() as session:
        dead = ImportRun(source="killed", summary={}, status="running", pid=2**22 + 7,
                         host=__import__("socket").gethostname())
        alive = ImportRun(source="going", summary={}, status="running", pid=os.getpid(),
                          host=__import__("socket").gethostname())
        session.add_all([dead, alive])
        session.commit()
        ids = (dead.id, alive.id)
    page = operator.get("/data").text
    assert "Import failed" in page
    assert "Importing" in page
    with ws.app_sessions() as session:
        assert [session.get(ImportRun, i).status for i in ids] == ["failed", "running"]
