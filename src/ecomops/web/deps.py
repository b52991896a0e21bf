"""Request dependencies: the console's state, the signed-in user, roles and CSRF tokens.

Pages use the session cookie (HttpOnly, SameSite=Lax, Secure behind TLS) and check a per-session
CSRF token on every form; ``/api/*`` uses ``Authorization: Bearer TOKEN`` only (401 without a
valid token, 403 beyond the user's role).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, HTTPException, Path, Request

from ecomops.i18n import SUPPORTED, negotiate
from ecomops.web.accounts import UserInfo

if TYPE_CHECKING:
    from ecomops.tasks.service import TaskBoard
    from ecomops.web.accounts import Accounts
    from ecomops.web.briefs import Briefs
    from ecomops.web.gate import StoreGate
    from ecomops.workspace import Workspace

MAX_ID = 2**63 - 1
"""The largest row id the app database stores (a signed 64-bit integer)."""
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="a row id: 1 to 2^63-1")]
"""A path parameter naming a row (task, import, token): a larger number is no row, and a 404 page
(422 JSON under /api/) rather than an overflow in the database driver (HTTP 500)."""

SESSION_COOKIE = "ecomops_session"
LOGIN_COOKIE = "ecomops_login"
"""Before login: a random token the login form must echo (login CSRF, double submit)."""


@dataclass
class Console:
    ws: Workspace
    gate: StoreGate
    briefs: Briefs
    accounts: Accounts
    board: TaskBoard


class LoginRequired(Exception):
    """A page was asked for without a live session: the handler redirects to the login page."""


class Forbidden(Exception):
    """The user's role does not allow this page or change."""


class CsrfFailed(Exception):
    """A form came without this session's CSRF token."""


def console(request: Request) -> Console:
    return request.app.state.console  # type: ignore[no-any-return]


def is_https(request: Request) -> bool:
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or proto == "https"


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True)
class PageUser:
    user: UserInfo
    csrf: str
    lang: str


def session_page_user(request: Request) -> PageUser:
    """The signed-in user of the session cookie; ``LoginRequired`` without a live session."""
    token = request.cookies.get(SESSION_COOKIE)
    found = console(request).accounts.session_user(token) if token else None
    if found is None:
        raise LoginRequired
    user, csrf = found
    lang = user.language if user.language in SUPPORTED else negotiate(request.headers.get("accept-language"))
    pu = PageUser(user, csrf, lang)
    request.state.page_user = pu
    return pu


async def page_user(request: Request) -> PageUser:
    # The dependencies are coroutines so FastAPI runs them on the event loop, not on a worker
    # thread each: the answer is almost always in memory (``Accounts`` remembers sessions), and
    # three thread hops per page cost more than the work under 20 concurrent clients.
    return session_page_user(request)


class need:  # noqa: N801 - used like a function: Depends(need("operator"))
    """A page dependency: a signed-in user of at least ``role``.

    A class, not a closure: FastAPI resolves the (postponed) annotations of ``__call__`` against
    this module, which a closure's local names would escape.
    """

    def __init__(self, role: str) -> None:
        self.role = role

    async def __call__(self, pu: Annotated[PageUser, Depends(page_user)]) -> PageUser:
        if not pu.user.can(self.role):
            raise Forbidden
        return pu


async def checked_form(request: Request, pu: PageUser) -> Any:
    """The posted ``FormData``, once its ``csrf`` field (or ``X-CSRF-Token``) matched the session's."""
    form = await request.form()
    sent = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
    if not sent or not hmac.compare_digest(sent, pu.csrf):
        raise CsrfFailed
    return form


class form_of:  # noqa: N801
    """A dependency for POSTed forms: a user of at least ``role`` and a valid CSRF token; gives
    ``(PageUser, FormData)``."""

    def __init__(self, role: str) -> None:
        self.role = role

    async def __call__(
        self, request: Request, pu: Annotated[PageUser, Depends(page_user)],
    ) -> tuple[PageUser, Any]:
        if not pu.user.can(self.role):
            raise Forbidden
        return pu, await checked_form(request, pu)


def token_user_of(request: Request) -> UserInfo:
    """The user of the request's ``Authorization: Bearer`` token; HTTP 401 without a valid one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user = None
    if scheme.lower() == "bearer" and token.strip():
        user = console(request).accounts.token_user(token.strip())
    if user is None:
        raise HTTPException(401, "a valid API token is required (Authorization: Bearer TOKEN)",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


async def api_user(request: Request) -> UserInfo:
    return token_user_of(request)


class api_need:  # noqa: N801
    def __init__(self, role: str) -> None:
        self.role = role

    async def __call__(self, user: Annotated[UserInfo, Depends(api_user)]) -> UserInfo:
        if not user.can(self.role):
            raise HTTPException(403, f"this needs the {self.role} role; {user.name} is {user.role}")
        return user


Viewer = Annotated[PageUser, Depends(need("viewer"))]
Operator = Annotated[PageUser, Depends(need("operator"))]
Admin = Annotated[PageUser, Depends(need("admin"))]
ViewerForm = Annotated[tuple[PageUser, Any], Depends(form_of("viewer"))]
OperatorForm = Annotated[tuple[PageUser, Any], Depends(form_of("operator"))]
AdminForm = Annotated[tuple[PageUser, Any], Depends(form_of("admin"))]
ApiViewer = Annotated[UserInfo, Depends(api_need("viewer"))]
ApiOperator = Annotated[UserInfo, Depends(api_need("operator"))]
