"""Access to the console and API: sign-in, cookies, CSRF, rate limits, roles, tokens, every route."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ecomops.cli.main import app as cli
from ecomops.tasks.model import TaskDraft
from ecomops.web.accounts import MAX_FAILURES_PER_NAME, Accounts
from ecomops.web.app import create_app
from ecomops.web.routes import ROUTERS
from ecomops.workspace import Workspace
from web_support import PASSWORD, add_users, login

OPEN = {"/health", "/login", "/static", "/vendor/plotly.min.js"}


@pytest.fixture
def app_ws(workspace: Workspace) -> Workspace:
    add_users(workspace)
    return workspace


@pytest.fixture
def client(app_ws: Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(app_ws)) as c:
        yield c


def _routes() -> list[tuple[str, str]]:
    out = []
    for route in (r for router in ROUTERS for r in router.routes):
        if not isinstance(route, APIRoute) or route.path in OPEN:
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        out.extend((m, path) for m in sorted(route.methods))
    return out


def test_every_route_without_a_session_is_refused(client: TestClient) -> None:
    routes = _routes()
    assert len(routes) > 25
    for method, path in routes:
        r = client.request(method, path, follow_redirects=False)
        if path.startswith("/api/"):
            assert r.status_code == 401, (method, path, r.status_code)
        elif method == "GET":
            assert r.status_code == 303, (method, path)
            assert r.headers["location"].startswith("/login"), (method, path)
        else:
            assert r.status_code in (401, 403), (method, path, r.status_code)


def test_health_and_login_page_need_no_session(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    js = client.get("/vendor/plotly.min.js")  # from the installed plotly package, no CDN
    assert js.status_code == 200
    assert js.headers["content-type"].startswith("text/javascript")
    page = client.get("/login")
    assert page.status_code == 200
    assert "login_token" in page.text


def test_login_sets_an_httponly_lax_cookie_and_shows_pages(client: TestClient) -> None:
    login(client, "viewer")
    cookie = next(h for h in client.cookies.jar if h.name == "ecomops_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert not cookie.secure
    assert client.get("/tasks").status_code == 200


def test_cookie_is_secure_behind_tls(client: TestClient) -> None:
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"name": "viewer", "password": PASSWORD, "login_token": token},
                    headers={"X-Forwarded-Proto": "https"}, follow_redirects=False)
    header = r.headers["set-cookie"]
    assert "ecomops_session=" in header
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "samesite=lax" in header.lower()


def test_wrong_password_is_refused_and_repeated_failures_are_rate_limited(client: TestClient) -> None:
    for _ in range(MAX_FAILURES_PER_NAME):
        page = client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
        r = client.post("/login", data={"name": "viewer", "password": "wrong-password",
                                        "login_token": token})
        assert r.status_code == 401
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"name": "viewer", "password": PASSWORD, "login_token": token})
    assert r.status_code == 429  # even the right password waits now
    assert "ecomops_session" not in client.cookies


def test_login_without_its_form_token_is_refused(client: TestClient) -> None:
    r = client.post("/login", data={"name": "viewer", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403


def test_login_never_redirects_off_site(client: TestClient) -> None:
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"name": "viewer", "password": PASSWORD, "login_token": token,
                                    "next": "//evil.example/x"}, follow_redirects=False)
    assert r.headers["location"] == "/today"


def test_forms_without_the_csrf_token_are_refused(client: TestClient, app_ws: Workspace) -> None:
    csrf = login(client, "operator")
    assert client.post("/tasks", data={"title": "no token"}).status_code == 403
    assert client.post("/tasks", data={"title": "bad", "csrf": csrf[:-2] + "xx"}).status_code == 403
    assert client.post("/tasks", data={"title": "ok", "csrf": csrf},
                       follow_redirects=False).status_code == 303
    board = client.app.state.console.board  # type: ignore[attr-defined]
    assert [t.title for t in board.list()] == ["ok"]


def test_viewer_changes_nothing(client: TestClient, app_ws: Workspace) -> None:
    board = client.app.state.console.board  # type: ignore[attr-defined]
    task = board.create(TaskDraft(title="t"), "admin")
    csrf = login(client, "viewer")
    for path, data in [("/tasks", {"title": "x"}), (f"/tasks/{task.id}/move", {"status": "done"}),
                       (f"/tasks/{task.id}/comment", {"text": "hi"}), ("/admin/users", {"name": "z"}),
                       ("/tasks/from-action", {"priority": "1"})]:
        r = client.post(path, data={**data, "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 403, path
    assert board.get(task.id).status == "todo"
    assert not board.get(task.id).comments
    assert 'action="/tasks/' not in client.get("/tasks").text  # no buttons shown either


def test_operator_cannot_manage_users_but_admin_can(client: TestClient, app_ws: Workspace) -> None:
    csrf = login(client, "operator")
    assert client.get("/admin/users").status_code == 403
    csrf = login(client, "admin")
    r = client.post("/admin/users", data={"name": "dora", "role": "viewer", "password": PASSWORD,
                                          "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert Accounts(app_ws.app_sessions).get("dora").role == "viewer"
    page = client.post("/admin/users/dora/token", data={"csrf": csrf})
    token = re.search(r'<code class="token">([^<]+)</code>', page.text).group(1)
    assert TestClient(client.app).get("/api/me", headers={"Authorization": f"Bearer {token}"}).json() == {
        "name": "dora", "role": "viewer", "language": "zh_CN"}
    r = client.post("/admin/users/admin", data={"role": "viewer", "csrf": csrf})
    assert r.status_code == 400  # no demoting yourself


def test_api_needs_a_valid_bearer_token_and_the_role(client: TestClient, app_ws: Workspace) -> None:
    accounts = Accounts(app_ws.app_sessions)
    viewer, operator = accounts.new_token("viewer"), accounts.new_token("operator")
    assert client.get("/api/tasks").status_code == 401
    assert client.get("/api/tasks", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/tasks", headers={"Authorization": f"Basic {viewer}"}).status_code == 401
    assert client.get("/api/tasks", headers={"Authorization": f"Bearer {viewer}"}).json() == []
    r = client.post("/api/tasks", json={"title": "x"}, headers={"Authorization": f"Bearer {viewer}"})
    assert r.status_code == 403
    r = client.post("/api/tasks", json={"title": "x", "due": "2026-11-30"},
                    headers={"Authorization": f"Bearer {operator}"})
    assert r.status_code == 201
    assert r.json()["due"] == "2026-11-30"
    # A session cookie is no API credential.
    login(client, "admin")
    assert client.get("/api/tasks").status_code == 401


def test_deactivated_user_loses_session_and_tokens(client: TestClient, app_ws: Workspace) -> None:
    accounts = Accounts(app_ws.app_sessions)
    token = accounts.new_token("operator")
    login(client, "operator")
    accounts.change("operator", by="admin", active=False)
    assert client.get("/tasks", follow_redirects=False).status_code == 303
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_logout_ends_the_session(client: TestClient) -> None:
    csrf = login(client, "viewer")
    old = client.cookies.get("ecomops_session")
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    client.cookies.set("ecomops_session", old)
    assert client.get("/today", follow_redirects=False).status_code == 303


def test_pages_send_security_headers(client: TestClient) -> None:
    r = client.get("/login")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_docs_page_lists_the_api_offline(client: TestClient) -> None:
    login(client, "viewer")
    page = client.get("/docs").text
    assert "/api/brief" in page
    assert "cdn" not in page.lower()


def test_cli_user_add_and_token(workspace: Workspace) -> None:
    runner = CliRunner()
    root = str(workspace.root)
    r = runner.invoke(cli, ["--workspace", root, "user", "add", "erin", "--role", "operator",
                            "--password-stdin"], input="long-password\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["--workspace", root, "user", "token", "erin"])
    assert r.exit_code == 0
    token = r.stdout.strip()
    assert len(token) >= 40
    user = Accounts(workspace.app_sessions).token_user(token)
    assert user is not None
    assert user.name == "erin"
    assert user.role == "operator"
    with workspace.app_sessions() as s:
        from ecomops.store.appdb import ApiToken

        assert token not in {t.token_hash for t in s.query(ApiToken)}  # only the hash is stored
    r = runner.invoke(cli, ["--workspace", root, "user", "add", "erin", "--role", "boss",
                            "--password-stdin"], input="long-password\n")
    assert r.exit_code != 0


def test_cli_import_while_the_console_holds_the_store_explains(app_ws: Workspace, tmp_path: Path) -> None:
    # this process holds the store for writing (app_ws's connection): the import waits for it
    # ([database] store_wait_seconds, shortened here), then says who holds it
    create_app(app_ws)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "orders.csv").write_text("order_id\n1\n", encoding="utf-8")
    ecomops = Path(sys.executable).parent / "ecomops"
    r = subprocess.run([str(ecomops), "--workspace", str(app_ws.root), "import", str(folder)],
                       capture_output=True, text=True, timeout=120,
                       env={**os.environ, "ECOMOPS_DATABASE__STORE_WAIT_SECONDS": "1"})
    assert r.returncode != 0
    assert "in use by another process" in r.stderr
    assert "Data page" in r.stderr
