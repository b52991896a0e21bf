"""Row ids in paths: a number beyond 64 bits (or below 1) is no row, never an HTTP 500."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from ecomops.tasks.model import TaskDraft
from ecomops.web.accounts import Accounts
from ecomops.web.app import create_app
from ecomops.web.routes import ROUTERS
from ecomops.workspace import Workspace
from web_support import add_users, login

BAD_IDS = (str(2**64), str(2**63), "0", "-1")


@pytest.fixture
def admin(workspace: Workspace) -> Iterator[TestClient]:
    add_users(workspace)
    with TestClient(create_app(workspace), raise_server_exceptions=False) as c:
        c.csrf = login(c, "admin")  # type: ignore[attr-defined]
        c.headers["Authorization"] = f"Bearer {Accounts(workspace.app_sessions).new_token('admin')}"
        yield c


def _id_routes() -> list[tuple[str, str]]:
    """(method, path) of every route with an integer path parameter, which is put as ``{id}``."""
    out = []
    for route in (r for router in ROUTERS for r in router.routes):
        if not isinstance(route, APIRoute):
            continue
        ints = [p.name for p in route.dependant.path_params if p.field_info.annotation is int]
        if ints:
            path = re.sub(r"\{(" + "|".join(ints) + r")\}", "{id}", route.path)
            out.extend((m, path) for m in sorted(route.methods))
    return out


def test_every_id_route_is_swept() -> None:
    paths = {p for _m, p in _id_routes()}
    assert {"/api/tasks/{id}", "/tasks/{id}", "/tasks/{id}/move", "/data/rejects/{id}"} <= paths


@pytest.mark.parametrize("bad", BAD_IDS)
def test_ids_out_of_range_give_404_pages_and_json_errors(admin: TestClient, bad: str) -> None:
    admin.app.state.console.board.create(TaskDraft(title="t"), "admin")  # type: ignore[attr-defined]
    for method, path in _id_routes():
        url = path.replace("{id}", bad)
        if path.startswith("/api/"):
            r = admin.request(method, url, json={} if method == "PATCH" else None)
            assert r.status_code in (404, 422), (method, url, r.status_code)
            assert r.headers["content-type"].startswith("application/json"), (method, url)
            assert r.json()["error"] in ("invalid", "not_found"), (method, url, r.text)
        else:
            data = {"csrf": admin.csrf} if method == "POST" else None  # type: ignore[attr-defined]
            r = admin.request(method, url, data=data, follow_redirects=False)
            assert r.status_code == 404, (method, url, r.status_code)
            assert r.headers["content-type"].startswith("text/html"), (method, url)
            assert "<main" in r.text


def test_not_found_page_speaks_the_users_language(admin: TestClient) -> None:
    page = admin.get(f"/tasks/{2**64}")
    assert page.status_code == 404
    assert "没有这个页面。" in page.text  # the users' language is the store's: zh_CN
    admin.post("/language", data={"csrf": admin.csrf, "lang": "en"})  # type: ignore[attr-defined]
    assert "There is no such page." in admin.get(f"/tasks/{2**64}").text
