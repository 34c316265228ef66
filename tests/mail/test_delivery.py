"""An invitation made on the platform reaches a real SMTP server, in the invitee's language."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.config import Settings
from tandem.mail.models import OutboxMessage
from tandem.main import create_app
from tests.factories import bearer
from tests.mail.test_smtp import smtp_server


def test_invitation_is_delivered_after_commit(
    settings: Settings,
    session: Session,
    session_factory,
    platform_admin,  # type: ignore[no-untyped-def]
) -> None:
    headers = bearer(session, platform_admin)
    with smtp_server() as (smtp, handler):
        configured = settings.model_copy(update={"smtp_host": smtp.host, "smtp_port": smtp.port})
        app = create_app(configured, session_factory)
        with TestClient(app, headers={**headers, "Accept-Language": "zh-CN"}) as client:
            response = client.post(
                "/api/v1/users",
                json={
                    "email": "new.office@demo.example",
                    "display_name": "新同事",
                    "role": "platform_admin",
                },
            )
            assert response.status_code == 201
    [received] = handler.received
    assert received.rcpt_tos == ["new.office@demo.example"]
    assert received.message["Subject"] == "您的 Tandem 账号"
    assert re.search(r"/invitation/[\w-]{20,}", received.body)
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "new.office@demo.example")
    ).one()
    assert message.sent_at is not None


def test_without_smtp_the_message_waits_in_the_outbox(
    api: TestClient, session: Session, web: TestClient
) -> None:
    response = api.post(
        "/api/v1/users",
        json={"email": "waiting@demo.example", "display_name": "W", "role": "platform_admin"},
    )
    assert response.status_code == 201
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "waiting@demo.example")
    ).one()
    assert message.sent_at is None
    outbox = web.get("/outbox", params={"q": "waiting@"})
    assert "waiting@demo.example" in outbox.text
    assert "/invitation/" in outbox.text
