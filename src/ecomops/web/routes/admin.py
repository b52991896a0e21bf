"""Users admin page (admins only): add users, change roles, deactivate, reset passwords, tokens.

A new password or a deactivation ends the user's sessions and revokes all of their API tokens.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ecomops.errors import InputError
from ecomops.i18n import N_
from ecomops.web.accounts import MAX_TOKEN_DAYS, ROLES
from ecomops.web.deps import Admin, AdminForm, RowId, console

router = APIRouter(include_in_schema=False)


def _page(request: Request, pu: Admin, *, token: str | None = None, token_for: str = "",
          status: int = 200) -> Response:
    from ecomops.web.pages import render

    accounts = console(request).accounts
    return render(request, "users.html", pu, users=accounts.users(), roles=ROLES,
                  tokens=accounts.tokens(), token_days=accounts.token_days, max_days=MAX_TOKEN_DAYS,
                  token=token, token_for=token_for, status=status)


def days_of(value: object) -> int | None:
    """The token lifetime typed in a form: empty for the default, else a whole number of days."""
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InputError(f"a token lasts a whole number of days (1 to {MAX_TOKEN_DAYS}), not {text!r}")
    return int(text)


@router.get("/admin/users")
def users_page(request: Request, pu: Admin) -> Response:
    return _page(request, pu)


@router.post("/admin/users")
def add_user(request: Request, posted: AdminForm) -> Response:
    pu, form = posted
    console(request).accounts.add_user(str(form.get("name") or "").strip(), str(form.get("role") or ""),
                                       str(form.get("password") or ""), by=pu.user.name)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}")
def change_user(request: Request, posted: AdminForm, name: str) -> Response:
    pu, form = posted
    role = str(form.get("role") or "") or None
    active = {"1": True, "0": False}.get(str(form.get("active") or ""))
    if name == pu.user.name and (active is False or (role and role != "admin")):
        raise InputError.localized(N_("you cannot demote or deactivate yourself; ask another admin"))
    console(request).accounts.change(name, by=pu.user.name, role=role, active=active,
                                     password=str(form.get("password") or "") or None)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}/token")
def new_token(request: Request, posted: AdminForm, name: str) -> Response:
    """A new API token, shown once on the page (only its hash is kept)."""
    pu, form = posted
    token = console(request).accounts.new_token(name, by=pu.user.name, days=days_of(form.get("days")))
    return _page(request, pu, token=token, token_for=name)


@router.post("/admin/users/{name}/tokens/revoke")
def revoke_user_tokens(request: Request, posted: AdminForm, name: str) -> Response:
    pu, _form = posted
    console(request).accounts.revoke_tokens(name, by=pu.user.name)
    return RedirectResponse("/admin/users#tokens", status_code=303)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(request: Request, posted: AdminForm, token_id: RowId) -> Response:
    pu, _form = posted
    console(request).accounts.revoke_token(token_id, by=pu.user.name)
    return RedirectResponse("/admin/users#tokens", status_code=303)
