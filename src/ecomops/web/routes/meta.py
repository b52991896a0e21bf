"""``/health`` (open), plotly.js from the installed package, and the API docs (signed in).

FastAPI's own /docs page loads Swagger UI from a CDN; the console works offline, so ``/docs`` is
a page of its own, rendered from the same OpenAPI schema (``/openapi.json``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from ecomops.i18n import negotiate, translations
from ecomops.web.accounts import UserInfo
from ecomops.web.deps import SESSION_COOKIE, console, page_user, session_page_user, token_user_of
from ecomops.web.pages import render

router = APIRouter()


@cache
def plotly_js() -> Path:
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - every plotly wheel ships it
        raise FileNotFoundError(path)
    return path


def any_user(request: Request) -> UserInfo:
    """A signed-in console user or a valid API token."""
    if request.cookies.get(SESSION_COOKIE):
        return session_page_user(request).user
    try:
        return token_user_of(request)
    except HTTPException:
        return session_page_user(request).user  # redirects a browser to the login page


@router.get("/health", include_in_schema=False)
async def health(request: Request) -> dict[str, Any]:
    ws = console(request).ws
    return {"status": "ok", "store": ws.settings.store.name}


@router.get("/vendor/plotly.min.js", include_in_schema=False)
def plotly_asset() -> FileResponse:
    return FileResponse(plotly_js(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/", include_in_schema=False)
def home(_pu: Annotated[Any, Depends(page_user)]) -> Response:
    return RedirectResponse("/today", status_code=303)


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, _user: Annotated[UserInfo, Depends(any_user)]) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs", include_in_schema=False)
def docs(request: Request, _user: Annotated[UserInfo, Depends(any_user)]) -> Response:
    schema = request.app.openapi()
    pu = getattr(request.state, "page_user", None)
    _ = translations(pu.lang if pu else negotiate(request.headers.get("accept-language"))).gettext
    routes = []
    for path, methods in sorted(schema.get("paths", {}).items()):
        for method, op in methods.items():
            params = [p.get("name", "") + ("*" if p.get("required") else "")
                      for p in op.get("parameters", [])]
            routes.append({"method": method.upper(), "path": path, "summary": _(op.get("summary", "")),
                           "description": op.get("description", ""), "params": params})
    info = schema.get("info", {})
    about = _(info.get("description", ""))
    # `code` in the description (a header, a command) is shown as code, in no language.
    parts = [(text, i % 2 == 1) for i, text in enumerate(about.split("`")) if text]
    return render(request, "docs.html", pu, routes=routes, info=info, about=parts)
