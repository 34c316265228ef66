"""Writing notices: once per user and key, in each reader's language, in bulk (in chunks), and
an e-mail for each new notice when SMTP is configured."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.config import Settings
from tandem.inbox import service
from tandem.inbox.models import Notice
from tandem.inbox.service import Message
from tandem.mail.models import OutboxMessage
from tests.factories import make_college, make_user

MESSAGE = Message(
    subject="Plan %(name)s is open", body="Rank your positions.", params={"name": "A"}
)


def _send(session: Session, users: list[User], settings: Settings, key: str = "k:1") -> int:
    delivered = service.notify(
        session,
        users=users,
        key=key,
        kind="placement_phase",
        message=MESSAGE,
        college_id=users[0].college_id,
        link="/placement-plans/1",
        settings=settings,
    )
    return delivered.notices


def test_once_per_user_and_key_in_chunks(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "CHUNK", 2)  # several statements for five users
    college = make_college(session)
    users = [make_user(session, "student", college, password=None) for _ in range(5)]
    users[4].is_active = False
    assert _send(session, users[:2], settings) == 2
    assert _send(session, users, settings) == 2  # the two who had it, and the disabled one, skip
    assert _send(session, users, settings, key="k:2") == 4
    rows = session.scalars(select(Notice).where(Notice.key == "k:1")).all()
    assert sorted(n.user_id for n in rows) == sorted(u.id for u in users[:4])
    assert {n.subject for n in rows} == {"Plan A is open"}
    assert {n.link for n in rows} == {"/placement-plans/1"}


def test_an_email_for_each_new_notice(session: Session, settings: Settings) -> None:
    college = make_college(session)
    users = [make_user(session, "teacher", college, password=None) for _ in range(3)]
    with_smtp = settings.model_copy(update={"smtp_host": "mail.example"})
    before = session.scalar(select(func.count(OutboxMessage.id)))
    assert _send(session, users[:1], with_smtp) == 1
    assert _send(session, users, with_smtp) == 2
    assert session.scalar(select(func.count(OutboxMessage.id))) == (before or 0) + 3
