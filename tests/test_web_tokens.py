"""API tokens: they expire, can be listed and revoked (CLI, Users page, own account page), and a
password reset or deactivation revokes them all."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from ecomops.cli.main import app as cli
from ecomops.store.appdb import ApiToken, utcnow
from ecomops.web.accounts import Accounts
from ecomops.web.app import create_app
from ecomops.workspace import Workspace
from web_support import add_users, login


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    add_users(workspace)
    return workspace


@pytest.fixture
def client(ws: Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(ws)) as c:
        yield c


def _me(client: TestClient, token: str) -> int:
    return TestClient(client.app).get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_token_expires_after_its_lifetime(client: TestClient, ws: Workspace) -> None:
    accounts = Accounts(ws.app_sessions, token_days=30)
    token = accounts.new_token("viewer")
    (info,) = accounts.tokens("viewer")
    assert info.expires_at - info.created_at == dt.timedelta(days=30)
    assert _me(client, token) == 200
    with ws.app_sessions() as s:
        s.execute(update(ApiToken).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
        s.commit()
    accounts._changed()  # as a change through the console would
    assert _me(client, token) == 401


def test_default_lifetime_is_the_setting(ws: Workspace) -> None:
    settings = ws.settings.model_copy(update={"web": ws.settings.web.model_copy(update={"token_days": 7})})
    app = create_app(Workspace(root=ws.root, settings=settings))
    accounts = app.state.console.accounts
    accounts.new_token("viewer")
    (info,) = accounts.tokens("viewer")
    assert info.expires_at - info.created_at == dt.timedelta(days=7)


def test_password_reset_revokes_every_token(client: TestClient, ws: Workspace) -> None:
    accounts = Accounts(ws.app_sessions)
    old = [accounts.new_token("operator"), accounts.new_token("operator")]
    other = accounts.new_token("viewer")
    assert all(_me(client, t) == 200 for t in old)
    accounts.change("operator", by="admin", password="a-new-password")
    assert [_me(client, t) for t in old] == [401, 401]
    assert accounts.tokens("operator") == []
    assert _me(client, other) == 200  # other users keep theirs


def test_deactivation_revokes_tokens_for_good(client: TestClient, ws: Workspace) -> None:
    accounts = Accounts(ws.app_sessions)
    token = accounts.new_token("operator")
    accounts.change("operator", by="admin", active=False)
    accounts.change("operator", by="admin", active=True)
    assert _me(client, token) == 401  # reactivating does not bring the old token back


def test_admin_sees_and_revokes_tokens_with_last_use(client: TestClient, ws: Workspace) -> None:
    accounts = Accounts(ws.app_sessions)
    token = accounts.new_token("viewer")
    assert _me(client, token) == 200
    csrf = login(client, "admin")
    page = client.get("/admin/users").text
    (row,) = re.findall(r'<tr id="token-(\d+)"[^>]*>(.*?)</tr>', page, re.S)
    assert "viewer" in row[1]
    assert row[1].count(utcnow().strftime("%Y-%m-%d")) == 2  # created and last used today (UTC)
    r = client.post(f"/admin/tokens/{row[0]}/revoke", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert _me(client, token) == 401
    assert 'id="token-' not in client.get("/admin/users").text


def test_admin_makes_a_token_of_chosen_lifetime_and_revokes_all(client: TestClient, ws: Workspace) -> None:
    csrf = login(client, "admin")
    page = client.post("/admin/users/viewer/token", data={"csrf": csrf, "days": "5"}).text
    token = re.search(r'<code class="token">([^<]+)</code>', page).group(1)  # type: ignore[union-attr]
    (info,) = Accounts(ws.app_sessions).tokens("viewer")
    assert info.expires_at - info.created_at == dt.timedelta(days=5)
    assert client.post("/admin/users/viewer/token", data={"csrf": csrf, "days": "x"}).status_code == 400
    r = client.post("/admin/users/viewer/tokens/revoke", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert _me(client, token) == 401


def test_users_revoke_their_own_tokens_only(client: TestClient, ws: Workspace) -> None:
    accounts = Accounts(ws.app_sessions)
    mine, theirs = accounts.new_token("viewer"), accounts.new_token("operator")
    ids = {t.user: t.id for t in accounts.tokens()}
    csrf = login(client, "viewer")
    page = client.get("/account").text
    assert f'id="token-{ids["viewer"]}"' in page
    assert f'id="token-{ids["operator"]}"' not in page
    r = client.post(f"/account/tokens/{ids['operator']}/revoke", data={"csrf": csrf})
    assert r.status_code == 404
    assert _me(client, theirs) == 200
    r = client.post(f"/account/tokens/{ids['viewer']}/revoke", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert _me(client, mine) == 401


def test_cli_token_lifetime_list_and_revoke(ws: Workspace) -> None:
    runner = CliRunner()
    root = ["--workspace", str(ws.root)]
    r = runner.invoke(cli, [*root, "user", "token", "viewer", "--expires-days", "3"])
    assert r.exit_code == 0, r.output
    token = r.stdout.strip()
    r = runner.invoke(cli, [*root, "user", "tokens", "viewer", "--format", "json"])
    assert r.exit_code == 0, r.output
    (listed,) = json.loads(r.stdout)
    made, ends = (dt.datetime.fromisoformat(listed[k]) for k in ("created_at", "expires_at"))
    assert ends - made == dt.timedelta(days=3)
    assert listed["last_used_at"] is None
    assert token not in r.stdout
    r = runner.invoke(cli, [*root, "user", "revoke-token", "operator", str(listed["id"])])
    assert r.exit_code != 0  # not operator's token
    r = runner.invoke(cli, [*root, "user", "revoke-token", "viewer", str(listed["id"])])
    assert r.exit_code == 0, r.output
    assert Accounts(ws.app_sessions).token_user(token) is None
    runner.invoke(cli, [*root, "user", "token", "viewer"])
    r = runner.invoke(cli, [*root, "user", "revoke-token", "viewer", "--all"])
    assert r.exit_code == 0, r.output
    assert Accounts(ws.app_sessions).tokens("viewer") == []
    r = runner.invoke(cli, [*root, "user", "token", "viewer", "--expires-days", "0"])
    assert r.exit_code != 0


def test_upgrade_gives_old_tokens_an_expiry(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine, text

    from ecomops.store.appdb import alembic_config, open_app_db

    url = f"sqlite:///{tmp_path / 'app.db'}"
    command.upgrade(alembic_config(url), "0002")  # a database from before tokens expired
    made = dt.datetime(2026, 10, 1, 8, 0)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, name, role, password_hash, language, active, created_at) "
                          "VALUES (1, 'old', 'viewer', 'x', 'zh_CN', 1, :t)"), {"t": made})
        conn.execute(text("INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES (1, 'h', :t)"),
                     {"t": made})
    engine.dispose()
    sessions = open_app_db(url)
    (info,) = Accounts(sessions).tokens("old")
    assert info.expires_at == made + dt.timedelta(days=90)
    sessions.kw["bind"].dispose()
