"""Helpers for the console tests: cheap password hashes, users per role, signing in a TestClient."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from ecomops.web.passwords import use_cheap_parameters

use_cheap_parameters()

PASSWORD = "correct-horse-1"
ROLES = ("admin", "operator", "viewer")
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


def add_users(ws: object, roles: tuple[str, ...] = ROLES) -> None:
    from ecomops.web.accounts import Accounts

    accounts = Accounts(ws.app_sessions)  # type: ignore[attr-defined]
    for role in roles:
        accounts.add_user(role, role, PASSWORD)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in; returns the session's CSRF token."""
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    r = client.post("/login", data={"name": name, "password": password,
                                    "login_token": token.group(1), "next": "/tasks"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    return csrf_of(client.get("/tasks").text)


def signed_in(app: object, name: str = "operator") -> TestClient:
    """A client of ``app`` signed in as ``name``, its session's CSRF token at ``client.csrf``."""
    client = TestClient(app)  # type: ignore[arg-type]
    client.csrf = login(client, name)  # type: ignore[attr-defined]
    return client


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def copy_workspace(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


DEMO_DAY = __import__("datetime").date(2026, 11, 24)
_BRIEFS: dict[object, object] = {}


def demo_app(demo_workspace: Path, dst: Path, *, brief: bool = True) -> tuple[object, object]:
    """A console over a copy of the demo workspace with a user per role; the demo day's brief
    (unless ``brief=False``) is built once per test process and shared by every app (building it
    takes a while)."""
    from ecomops.web.app import create_app
    from ecomops.workspace import Workspace

    ws = Workspace.open(copy_workspace(demo_workspace, dst))
    add_users(ws)
    app = create_app(ws)
    if not brief:
        return app, ws
    briefs = app.state.console.briefs
    if DEMO_DAY not in _BRIEFS:
        _BRIEFS[DEMO_DAY] = briefs.get(DEMO_DAY)
    briefs.prime(_BRIEFS[DEMO_DAY])
    return app, ws
