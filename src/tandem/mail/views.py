"""The outbox page: every e-mail Tandem has queued, sent or not (in development, read them here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.web import render
from tandem.mail.service import list_messages

router = APIRouter(include_in_schema=False)
OutboxReader = Annotated[Actor, Depends(require(Permission.OUTBOX_READ))]


@router.get("/outbox", response_class=HTMLResponse)
def outbox(
    request: Request, session: DbSession, actor: OutboxReader, params: ListQuery
) -> Response:
    college_id = None if actor.is_platform_wide else actor.college_id
    page = list_messages(session, college_id=college_id, params=params)
    smtp_configured = bool(request.app.state.settings.smtp_host)
    return render(
        request,
        "mail/outbox.html",
        {"page": page, "params": params, "smtp_configured": smtp_configured},
        block="results",
    )
