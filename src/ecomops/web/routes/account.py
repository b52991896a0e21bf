"""The signed-in user's own page: their API tokens (when made, until when, last used) and revoking
them. Admins make tokens on the Users page; anyone can revoke their own."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ecomops.web.deps import RowId, Viewer, ViewerForm, console

router = APIRouter(include_in_schema=False)


@router.get("/account")
def account_page(request: Request, pu: Viewer) -> Response:
    from ecomops.web.pages import render

    return render(request, "account.html", pu, tokens=console(request).accounts.tokens(pu.user.name))


@router.post("/account/tokens/{token_id}/revoke")
def revoke_own_token(request: Request, posted: ViewerForm, token_id: RowId) -> Response:
    pu, _form = posted
    console(request).accounts.revoke_token(token_id, by=pu.user.name, owner=pu.user.name)
    return RedirectResponse("/account", status_code=303)
