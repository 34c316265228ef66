"""Excel export of the outbox: addresses and subjects, never a message's body (it may hold a
one-time link)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth import service
from tandem.auth.roles import Role
from tandem.auth.schemas import UserInvite
from tandem.college.models import College
from tandem.config import Settings
from tandem.mail.models import OutboxMessage
from tests.factories import ACTOR, make_college, make_user, sign_in
from tests.sheets import every_cell, read_sheet, records


def invite(session: Session, settings: Settings, college: College, email: str) -> None:
    data = UserInvite(email=email, display_name="Invitee", role=Role.TEACHER, college_id=college.id)
    service.invite_user(session, actor=ACTOR, data=data, settings=settings, language="en")


def test_outbox_export_has_no_bodies_and_only_the_colleges_mail(
    client: TestClient, session: Session, settings: Settings
) -> None:
    own, other = make_college(session), make_college(session)
    invite(session, settings, own, "invitee@own.example")
    invite(session, settings, other, "invitee@other.example")
    sign_in(client, session, make_user(session, "college_admin", own), settings)
    body = session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.to_address == "invitee@own.example")
    ).one()
    link = next(word for word in body.split() if "/invitation/" in word)
    response = client.get("/outbox/export.xlsx", params={"q": "invitee"})
    rows = records(response)
    assert [r["To"] for r in rows] == ["invitee@own.example"]
    assert rows[0]["Status"] == "Not sent"
    cells = every_cell(response)
    assert link not in cells
    assert link.rsplit("/", 1)[-1] not in cells
    header = read_sheet(client.get("/outbox/export.xlsx", headers={"Accept-Language": "zh"}))[0]
    assert header[:3] == ("创建时间", "收件人", "主题")
    assert 'href="/outbox/export.xlsx?' in client.get("/outbox").text
