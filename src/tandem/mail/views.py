"""The outbox page: every e-mail Tandem has queued, sent or not (in development, read them here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit import export
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.export import field, local_time
from tandem.kit.i18n import N_, gettext
from tandem.kit.web import render
from tandem.mail.models import OutboxMessage
from tandem.mail.service import list_messages, messages_query

router = APIRouter(include_in_schema=False)
OutboxReader = Annotated[Actor, Depends(require(Permission.OUTBOX_READ))]


def _college_of(actor: Actor) -> int | None:
    """Whose messages the actor reads: a platform administrator every college's."""
    return None if actor.is_platform_wide else actor.college_id


@router.get("/outbox", response_class=HTMLResponse)
def outbox(
    request: Request, session: DbSession, actor: OutboxReader, params: ListQuery
) -> Response:
    page = list_messages(session, college_id=_college_of(actor), params=params)
    smtp_configured = bool(request.app.state.settings.smtp_host)
    return render(
        request,
        "mail/outbox.html",
        {"page": page, "params": params, "smtp_configured": smtp_configured},
        block="results",
    )


def _status(message: OutboxMessage) -> str:
    if message.sent_at:
        return gettext(N_("Sent"))
    return gettext(N_("Failed")) if message.last_error else gettext(N_("Not sent"))


# Never the body: invitations and password resets carry their one-time links in it.
OUTBOX_FIELDS = (
    field("created_at", "创建时间", "Created", lambda m: local_time(m.created_at)),
    field("to_address", "收件人", "To"),
    field("subject", "主题", "Subject"),
    field("status", "状态", "Status", _status),
    field("sent_at", "发送时间", "Sent at", lambda m: local_time(m.sent_at)),
    field("attempts", "尝试次数", "Attempts"),
    field("last_error", "最近错误", "Last error", lambda m: export.text(m.last_error)),
)


@router.get("/outbox/export.xlsx")
def outbox_export(session: DbSession, actor: OutboxReader, params: ListQuery) -> Response:
    stmt = messages_query(college_id=_college_of(actor), params=params)
    rows = export.stream(session, stmt)
    return export.xlsx_response(OUTBOX_FIELDS, rows, stem="outbox", title=N_("Outbox"))
