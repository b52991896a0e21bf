"""Signing in and out, and the language switch (remembered per user)."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ecomops.i18n import SUPPORTED, negotiate
from ecomops.web.accounts import TooManyAttempts
from ecomops.web.deps import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    CsrfFailed,
    ViewerForm,
    client_of,
    console,
    is_https,
)
from ecomops.web.pages import render
from ecomops.web.passwords import new_secret

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path of this site (no scheme, host or ``//``): no open redirect."""
    if not target:
        return "/today"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return "/today"
    return target


def _login_page(request: Request, *, error: str = "", status: int = 200, name: str = "") -> Response:
    lang = request.query_params.get("lang")
    lang = lang if lang in SUPPORTED else negotiate(request.headers.get("accept-language"),
                                                    console(request).ws.settings.store.language)
    token = new_secret()
    response = render(request, "login.html", None, lang=lang, status=status, error=error,
                      login_token=token, next=safe_next(request.query_params.get("next")), name=name)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="lax", secure=is_https(request),
                        max_age=3600, path="/login")
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    sent, expected = str(form.get("login_token") or ""), request.cookies.get(LOGIN_COOKIE, "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfFailed
    name, password = str(form.get("name") or "").strip(), str(form.get("password") or "")
    accounts = console(request).accounts
    try:
        user = accounts.authenticate(name, password, client_of(request))
    except TooManyAttempts as exc:
        return _login_page(request, error=str(exc), status=429, name=name)
    if user is None:
        return _login_page(request, error="wrong", status=401, name=name)
    token, _csrf = accounts.start_session(user)
    response = RedirectResponse(safe_next(str(form.get("next") or "")), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=is_https(request),
                        max_age=7 * 86400, path="/")
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, _posted: ViewerForm) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        console(request).accounts.end_session(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
def language(request: Request, posted: ViewerForm) -> Response:
    pu, form = posted
    lang = str(form.get("lang") or "")
    if lang in SUPPORTED:
        console(request).accounts.set_language(pu.user.id, lang)
    return RedirectResponse(safe_next(str(form.get("next") or "")), status_code=303)
