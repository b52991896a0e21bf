"""The console's pages and API on the demo shop: a morning's work from the brief to the board."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ecomops.web.accounts import Accounts
from web_support import DEMO_DAY, demo_app, login, signed_in

pytestmark = pytest.mark.slow  # the demo brief takes a while to build on 2 cores
DAY = DEMO_DAY.isoformat()


@pytest.fixture(scope="module")
def app_and_ws(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app, ws = demo_app(demo_workspace, tmp_path_factory.mktemp("pages") / "ws")
    yield app, ws
    ws.close()  # type: ignore[attr-defined]


@pytest.fixture
def operator(app_and_ws: Any) -> TestClient:
    return signed_in(app_and_ws[0])


def _brief(app_and_ws: Any) -> Any:
    return app_and_ws[0].state.console.briefs.get(DEMO_DAY)


def _figures(html: str) -> dict[str, Any]:
    return {m.group(1): json.loads(m.group(2)) for m in re.finditer(
        r'<script type="application/json" id="fig-([^"]+)">(.*?)</script>', html, re.S)}


def test_today_shows_kpis_findings_actions_and_trends(operator: TestClient, app_and_ws: Any) -> None:
    brief = _brief(app_and_ws)
    assert brief.findings
    assert brief.actions
    html = operator.get(f"/today?date={DAY}").text
    text = unescape(html)
    assert "成交额" in text  # KPI cards labelled in the user's language (zh_CN by default)
    for f in brief.findings[:5]:
        assert f.summary in text
    for a in brief.actions[:5]:
        assert a.title in text
    src = re.search(r'<div class="charts" data-src="([^"]+)"', html)
    assert src  # the trends' figures come as one cacheable JSON document
    keys = re.findall(r'<div class="chart" id="chart-[^"]+" data-key="([^"]+)"', html)
    r = operator.get(unescape(src.group(1)))
    assert r.status_code == 200
    assert "max-age" in r.headers["cache-control"]
    figures = r.json()
    assert "trend-gmv" in keys
    assert set(keys) == set(figures)
    assert figures["trend-gmv"]["data"]
    assert len(html) < 100_000  # the page itself stays small


def test_api_brief_is_the_brief_json(app_and_ws: Any) -> None:
    token = Accounts(app_and_ws[1].app_sessions).new_token("viewer")
    r = TestClient(app_and_ws[0]).get(f"/api/brief?date={DAY}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    body = r.json()
    assert body == json.loads(json.dumps(_brief(app_and_ws).to_dict()))
    assert {"date", "store", "currency", "kpis", "findings", "actions"} <= set(body)
    assert body["date"] == DAY


def test_action_becomes_a_task_in_one_click_and_is_checked_when_done(
    operator: TestClient, app_and_ws: Any,
) -> None:
    brief = _brief(app_and_ws)
    action = next(a for a in brief.actions if a.check)
    r = operator.post("/tasks/from-action", data={
        "csrf": operator.csrf, "date": DAY, "priority": str(action.priority), "owner": "viewer",  # type: ignore[attr-defined]
    }, follow_redirects=False)
    assert r.status_code == 303
    board = app_and_ws[0].state.console.board
    task = next(t for t in board.list() if t.title == action.title)
    assert (task.owner, task.due, task.acceptance) == ("viewer", action.due, action.acceptance)
    assert task.acceptance_check == action.check
    assert task.brief_date == DEMO_DAY
    assert "✓" in operator.get(f"/today?date={DAY}").text  # the action shows it is on the board
    operator.post(f"/tasks/{task.id}/move", data={"csrf": operator.csrf, "status": "doing"})  # type: ignore[attr-defined]
    operator.post(f"/tasks/{task.id}/comment", data={"csrf": operator.csrf, "text": "补货单已下"})  # type: ignore[attr-defined]
    # Made today, after the demo store's data ends: no day after its creation can judge it yet,
    # so it closes only with a reason.
    r = operator.post(f"/tasks/{task.id}/move", data={"csrf": operator.csrf, "status": "done"},  # type: ignore[attr-defined]
                      follow_redirects=False)
    assert r.status_code == 409
    assert board.get(task.id).status == "doing"
    operator.post(f"/tasks/{task.id}/move", data={"csrf": operator.csrf, "status": "done",  # type: ignore[attr-defined]
                                                  "override_reason": "补货已到，等数据确认"})
    done = board.get(task.id)
    assert done.status == "done"
    assert (done.closure, done.close_reason) == ("override", "补货已到，等数据确认")
    assert [c.text for c in done.comments] == ["补货单已下"]
    assert done.check_result is not None
    assert done.check_result["outcome"] == "unknown"
    assert done.check_result["cause"] == "too_early"
    assert done.check_result["values"]  # the store's numbers were read
    page = operator.get("/tasks").text
    assert f'id="task-{task.id}"' in page


def test_overdue_task_stands_out_on_the_board(operator: TestClient) -> None:
    operator.post("/tasks", data={"csrf": operator.csrf, "title": "Late one", "due": "2020-01-01"})  # type: ignore[attr-defined]
    page = operator.get("/tasks").text
    card = re.search(r'<article class="card overdue"[^>]*>.*?</article>', page, re.S)
    assert card
    assert "Late one" in card.group(0)


def test_finding_page_shows_history_evidence_and_parent(operator: TestClient, app_and_ws: Any) -> None:
    from ecomops.i18n import gettext_for, segment_label
    from ecomops.web.evidence import key_label
    from ecomops.web.routes.insight import parent_segment

    brief = _brief(app_and_ws)
    finding = next(f for f in brief.findings if len(f.segment) >= 1)
    html = operator.get(f"/findings/{finding.id}?date={DAY}").text
    text = unescape(html)
    lang = "en" if '<html lang="en">' in html else "zh_CN"
    assert finding.summary in text
    for key in finding.evidence:  # every piece of evidence, under its reader's name
        assert key_label(str(key), lang, gettext_for(lang)) in text
    assert segment_label(parent_segment(finding.segment), lang) in text  # type: ignore[arg-type]
    assert "{'" not in text  # no Python reprs of lists or dicts
    assert _figures(html)  # the segment's history (and its parent's) drawn
    assert operator.get(f"/findings/nope?date={DAY}").status_code == 404
    listing = unescape(operator.get(f"/findings?date={DAY}").text)
    assert all(f.summary in listing for f in brief.findings)


def test_sales_page_breaks_down_and_filters(operator: TestClient) -> None:
    for by in ("channel", "category", "source", "sku"):
        r = operator.get(f"/sales?metric=gmv&by={by}&end={DAY}")
        assert r.status_code == 200, by
        assert {"total", "lines", "bars", "heat"} <= set(_figures(r.text))
    all_ = _figures(operator.get(f"/sales?metric=gmv&by=channel&end={DAY}").text)["bars"]["data"][0]
    one = _figures(operator.get(f"/sales?metric=gmv&by=channel&channel=tmall&end={DAY}").text)
    assert one["bars"]["data"][0]["x"] == ["Tmall"] or one["bars"]["data"][0]["x"] == ["天猫"]
    assert len(all_["x"]) > 1
    ratio = operator.get(f"/sales?metric=conversion_rate&by=source&end={DAY}")
    assert ratio.status_code == 200


def test_standup_and_end_of_day_reports_give_markdown(operator: TestClient) -> None:
    page = operator.get(f"/reports/standup?date={DAY}")
    assert page.status_code == 200
    assert 'id="markdown"' in page.text
    md = operator.get(f"/reports/standup?date={DAY}&format=md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("## ")
    eod = operator.get("/reports/eod?format=md")
    assert eod.status_code == 200
    assert eod.text.startswith("## ")


def test_language_switch_is_remembered_per_user(app_and_ws: Any) -> None:
    app = app_and_ws[0]
    viewer = TestClient(app)
    csrf = login(viewer, "viewer")
    assert "任务" in viewer.get("/tasks").text
    viewer.post("/language", data={"csrf": csrf, "lang": "en", "next": "/tasks"})
    assert ">To do" in viewer.get("/tasks").text
    again = TestClient(app)
    login(again, "viewer")  # a new session of the same user keeps English
    assert ">To do" in again.get("/tasks").text
    other = TestClient(app)
    login(other, "admin")
    assert "任务" in other.get("/tasks").text
    viewer.post("/language", data={"csrf": csrf, "lang": "zh_CN", "next": "/tasks"})


def test_upload_imports_into_the_store_and_history_offers_rejects(
    operator: TestClient, app_and_ws: Any, tmp_path: Path,
) -> None:
    ws = app_and_ws[1]
    csv = ("review_id,channel,sku,order_id,rating,text,created_at\n"
           "RV-UP-1,tmall,SKU-0001,,5,很好,2026-11-24 10:00\n"
           "RV-UP-2,tmall,SKU-0001,,9,rating out of range,2026-11-24 10:00\n")
    r = operator.post("/data/upload", data={"csrf": operator.csrf},  # type: ignore[attr-defined]
                      files={"files": ("reviews.csv", csv.encode(), "text/csv")}, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    run_id = int(r.headers["location"].split("run=")[1])
    page = operator.get(r.headers["location"]).text
    assert "reviews.csv" in page
    assert f"/data/rejects/{run_id}" in page
    rejects = operator.get(f"/data/rejects/{run_id}")
    assert rejects.status_code == 200
    assert '"reviews.csv",2,"rating","9"' in rejects.text
    with app_and_ws[0].state.console.gate.reader() as cur:
        assert cur.execute("SELECT count(*) FROM reviews WHERE review_id = 'RV-UP-1'").fetchone()[0] == 1
    assert not any((ws.root / "uploads").iterdir())  # uploaded copies are removed
