"""A day before the store's first data or after its last: one sentence naming both days, on the
command line (exit 2) and in the console (a 400 page in the reader's language); the date pickers
are bounded to the same days."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from ecomops.store.appdb import User
from ecomops.web.accounts import Accounts
from web_support import demo_app, login

BEFORE, AFTER = "2020-01-01", "2030-06-30"


@pytest.fixture(scope="module")
def data_days(demo_workspace: Path) -> tuple[str, str]:
    con = duckdb.connect(str(demo_workspace / "analytics.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT min(order_time)::DATE, max(order_time)::DATE FROM orders").fetchall()
    finally:
        con.close()
    first, last = rows[0]
    assert isinstance(first, dt.date)
    return first.isoformat(), last.isoformat()


def cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ecomops.cli.main", "--workspace", str(ws), *args],
                          capture_output=True, text=True, check=False, timeout=600)


@pytest.mark.parametrize(
    "args",
    [("brief", "--date", BEFORE, "--format", "json"),
     ("brief", "--date", AFTER, "--format", "html"),
     ("replenish", "--date", AFTER, "--fast", "--format", "json"),
     ("inventory", "slow-movers", "--date", BEFORE),
     ("inventory", "channels", "--date", AFTER)],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_cli_date_outside_the_data_is_one_sentence_naming_its_first_and_last_day(
    demo_workspace: Path, data_days: tuple[str, str], args: tuple[str, ...],
) -> None:
    res = cli(demo_workspace, *args)
    assert res.returncode == 2, res.stderr
    assert res.stdout == ""
    line = res.stderr.strip()
    assert "\n" not in line
    assert "Traceback" not in line
    first, last = data_days
    day = args[args.index("--date") + 1]
    assert line.startswith(f"Error: {day} is outside the store's data")
    assert f"from {first} to {last}" in line


@pytest.fixture(scope="module")
def app_and_ws(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app, ws = demo_app(demo_workspace, tmp_path_factory.mktemp("bounds") / "ws")
    with ws.app_sessions() as s:  # type: ignore[attr-defined]
        s.execute(update(User).where(User.name == "viewer").values(language="en"))
        s.commit()
    yield app, ws
    ws.close()  # type: ignore[attr-defined]


def _client(app_and_ws: Any, name: str) -> TestClient:
    client = TestClient(app_and_ws[0])
    login(client, name)
    return client


@pytest.mark.parametrize("path", ["/today", "/findings", "/inventory", "/sales?metric=gmv&by=channel&end="])
def test_a_page_for_a_day_outside_the_data_says_which_days_the_store_has(
    app_and_ws: Any, data_days: tuple[str, str], path: str,
) -> None:
    first, last = data_days
    url = path + AFTER if path.endswith("=") else f"{path}?date={BEFORE}"
    day = AFTER if path.endswith("=") else BEFORE
    zh = _client(app_and_ws, "operator").get(url)
    assert zh.status_code == 400, zh.text[:300]
    assert f"{day} 不在店铺数据范围内：现有订单从 {first} 到 {last}。" in zh.text
    en = _client(app_and_ws, "viewer").get(url)
    assert en.status_code == 400
    assert f"{day} is outside the store's data: it has orders from {first} to {last}." in unescape(en.text)
    assert "Internal Server Error" not in en.text


def test_the_api_answers_a_day_outside_the_data_with_a_400_naming_its_days(
    app_and_ws: Any, data_days: tuple[str, str],
) -> None:
    token = Accounts(app_and_ws[1].app_sessions).new_token("viewer")
    r = TestClient(app_and_ws[0]).get(f"/api/brief?date={AFTER}",
                                      headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "date_out_of_range"
    assert f"from {data_days[0]} to {data_days[1]}" in body["message"]


@pytest.mark.parametrize("path", ["/today", "/findings", "/inventory", "/sales"])
def test_date_pickers_are_bounded_by_the_first_and_last_day_of_data(
    app_and_ws: Any, data_days: tuple[str, str], path: str,
) -> None:
    html = _client(app_and_ws, "operator").get(path).text
    first, last = data_days
    assert f'min="{first}" max="{last}"' in html
    assert html.count('type="date"') == html.count(f'min="{first}" max="{last}"')
