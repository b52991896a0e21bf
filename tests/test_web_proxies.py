"""The login rate limit counts the connecting address; X-Forwarded-For counts only from the
proxies in ``[web] trusted_proxies`` (none by default), through the server ``ecomops serve`` runs."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from ecomops.errors import ConfigError
from ecomops.settings import load_settings
from ecomops.store.appdb import LoginAttempt
from ecomops.web.accounts import MAX_FAILURES_PER_CLIENT
from ecomops.web.app import create_app
from ecomops.web.service import BackgroundServer
from ecomops.workspace import Workspace
from web_support import add_users


def _fail_logins(url: str, count: int, *, spoof: bool) -> list[int]:
    """``count`` failed sign-ins, each for another user name and (when ``spoof``) claiming another
    client address; then one more. The status codes."""
    codes = []
    with httpx.Client(base_url=url) as http:
        for i in range(count + 1):
            page = http.get("/login")
            token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            headers = {"X-Forwarded-For": f"203.0.113.{i + 1}"} if spoof else {}
            r = http.post("/login", data={"name": f"nobody{i}", "password": "wrong-password",
                                          "login_token": token}, headers=headers)
            codes.append(r.status_code)
    return codes


def _clients(ws: Workspace) -> set[str]:
    with ws.app_sessions() as s:
        return set(s.scalars(select(LoginAttempt.client)))


def test_spoofed_forwarded_for_does_not_bypass_the_login_limit(workspace: Workspace) -> None:
    add_users(workspace)
    with BackgroundServer(create_app(workspace)) as server:
        codes = _fail_logins(server.url, MAX_FAILURES_PER_CLIENT, spoof=True)
    assert codes[:-1] == [401] * MAX_FAILURES_PER_CLIENT
    assert codes[-1] == 429
    assert _clients(workspace) == {"127.0.0.1"}


def test_forwarded_for_counts_from_a_trusted_proxy(workspace: Workspace) -> None:
    add_users(workspace)
    web = workspace.settings.web.model_copy(update={"trusted_proxies": ("127.0.0.1",)})
    ws = Workspace(root=workspace.root, settings=workspace.settings.model_copy(update={"web": web}))
    with BackgroundServer(create_app(ws)) as server:
        codes = _fail_logins(server.url, 3, spoof=True)
    assert codes == [401] * 4
    assert _clients(workspace) == {f"203.0.113.{i}" for i in range(1, 5)}


def test_trusted_proxies_must_be_addresses(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "ecomops.toml"  # type: ignore[operator]
    path.write_text('[web]\ntrusted_proxies = ["10.0.0.0/8", "::1"]\n', encoding="utf-8")
    assert load_settings(path, environ={}).web.trusted_proxies == ("10.0.0.0/8", "::1")
    assert load_settings(path, environ={"ECOMOPS_WEB__TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2"}
                         ).web.trusted_proxies == ("10.0.0.1", "10.0.0.2")
    path.write_text('[web]\ntrusted_proxies = ["my-proxy"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"web\.trusted_proxies"):
        load_settings(path, environ={})
