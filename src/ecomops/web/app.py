"""``create_app(ws)``: the console and REST API of one workspace."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ecomops.errors import DateOutOfRange, EcomopsError, StoreBusy
from ecomops.i18n import N_, negotiate, translations
from ecomops.web.deps import Console, CsrfFailed, Forbidden, LoginRequired
from ecomops.web.pages import render

if TYPE_CHECKING:
    from ecomops.workspace import Workspace

log = logging.getLogger(__name__)

_STATUS = {"input": 400, "date_out_of_range": 400, "ingest": 400, "query_refused": 400,
           "not_found": 404, "no_data": 404, "check_not_passed": 409, "rate_limited": 429,
           "too_large": 413, "config": 500, "workspace": 500, "store_busy": 503}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # plotly.js adds <style> elements, hence 'unsafe-inline' for styles only; no inline scripts.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'"
    ),
}


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` (and ``no-store`` outside /static) to every response.

    A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` (``@app.middleware``) costs about a
    millisecond per request, which 20 concurrent clients turn into queueing.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in SECURITY_HEADERS.items():
                    headers.setdefault(k, v)
                if not cacheable:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/health", "/openapi.json")


def page_text(exc: EcomopsError, lang: str) -> str:
    """The sentence of ``exc`` for a page in ``lang``: errors the console words itself are taken
    from its catalogs, others keep their (English) message."""
    _ = translations(lang, "web").gettext
    if isinstance(exc, DateOutOfRange):
        return _("%(day)s is outside the store's data: it has orders from %(first)s to %(last)s. "
                 "Pick a day in that range.") % {"day": exc.day, "first": exc.first, "last": exc.last}
    if isinstance(exc, StoreBusy):
        text = _("The data is being imported by another process (%(who)s); try again in a minute.")
        return text % {"who": exc.who}
    return str(exc)


def _error(request: Request, status: int, message: str, code: str = "error",
           headers: dict[str, str] | None = None, exc: EcomopsError | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)
    pu = getattr(request.state, "page_user", None)
    lang = pu.lang if pu else negotiate(request.headers.get("accept-language"),
                                        request.app.state.console.ws.settings.store.language)
    shown = reader_message(exc, lang) if exc is not None else translations(lang).gettext(message)
    return render(request, "error.html", pu, lang=lang, status=status, message=shown, status_code=status)


def reader_message(exc: EcomopsError, lang: str) -> str:
    """The error's message (and hint) in the reader's language: its gettext template filled in, or
    the whole message looked up in the catalogs; English when no catalog has it."""
    if isinstance(exc, DateOutOfRange | StoreBusy):
        return page_text(exc, lang)
    _ = translations(lang).gettext
    text = _(exc.template) % exc.params if exc.template else _(exc.message)
    return f"{text} ({_(exc.hint)})" if exc.hint else text


def not_found_page(request: Request) -> Response:
    """The console's 404 page, in the signed-in user's language."""
    from ecomops.i18n import translations

    pu = getattr(request.state, "page_user", None)
    _ = translations(pu.lang if pu else "zh_CN").gettext
    return render(request, "error.html", pu, status=404, message=_("There is no such page."),
                  status_code=404)


def create_app(ws: Workspace) -> FastAPI:
    """The FastAPI app serving ``ws``: pages, ``/api/*``, ``/health``, ``/docs``, static files."""
    from ecomops.tasks.service import TaskBoard
    from ecomops.web.accounts import Accounts
    from ecomops.web.briefs import Briefs
    from ecomops.web.gate import StoreGate
    from ecomops.web.routes import ROUTERS

    app = FastAPI(title="ecomops", version="1", docs_url=None, redoc_url=None, openapi_url=None,
                  description="The e-commerce operations assistant's REST API. Every `/api/` route "
                  "takes `Authorization: Bearer TOKEN` (`ecomops user token NAME`).")
    gate = StoreGate(ws)
    settings = ws.settings
    app.state.console = Console(
        ws=ws, gate=gate, briefs=Briefs(gate, settings.store.timezone),
        accounts=Accounts(ws.app_sessions, settings.store.language, settings.web.token_days),
        board=TaskBoard(ws.app_sessions, settings.store.timezone, currency=settings.store.currency),
    )
    app.state.max_upload = settings.imports.max_upload_mb * 1024 * 1024
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)

    app.add_middleware(SecurityHeaders)
    if settings.web.trusted_proxies:
        # X-Forwarded-For / -Proto count only from the configured proxies; uvicorn's own proxy
        # handling is off (``ecomops.web.service``), it trusted any local process by default.
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.web.trusted_proxies))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return _error(request, 401, N_("Please sign in again."), "login_required")

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, _exc: Forbidden) -> Response:
        return _error(request, 403, N_("Your role does not allow this."), "forbidden")

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _exc: CsrfFailed) -> Response:
        return _error(request, 403, N_("The form expired; reload the page and try again."), "csrf")

    @app.exception_handler(EcomopsError)
    async def ecomops_error(request: Request, exc: EcomopsError) -> Response:
        status = _STATUS.get(exc.code, 500)
        if status >= 500 and status != 503:
            log.error("%s", exc, exc_info=exc)
        return _error(request, status, str(exc), exc.code, exc=exc)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), "http",
                      headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        loc = tuple(first.get("loc", ()))
        if loc[:1] == ("path",) and not _wants_json(request):
            return not_found_page(request)  # /tasks/99999999999999999999 is a page that is not there
        where = ".".join(str(p) for p in loc)
        return _error(request, 422, f"{where}: {first.get('msg', 'invalid request')}", "invalid")

    return app
