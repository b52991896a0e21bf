"""Users admin page (admins only): add users, change roles, deactivate, reset passwords, tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ecomops.errors import InputError
from ecomops.i18n import N_
from ecomops.web.accounts import ROLES
from ecomops.web.deps import Admin, AdminForm, console

router = APIRouter(include_in_schema=False)


def _page(request: Request, pu: Admin, *, token: str | None = None, token_for: str = "",
          status: int = 200) -> Response:
    from ecomops.web.pages import render

    return render(request, "users.html", pu, users=console(request).accounts.users(), roles=ROLES,
                  token=token, token_for=token_for, status=status)


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
    pu, _form = posted
    token = console(request).accounts.new_token(name, by=pu.user.name)
    return _page(request, pu, token=token, token_for=name)
