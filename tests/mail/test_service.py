from __future__ import annotations

import smtplib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy.orm import Session

from tandem.college.models import College
from tandem.db import build_engine
from tandem.kit.errors import ValidationFailed
from tandem.kit.orm import Base
from tandem.kit.pagination import ListParams
from tandem.mail import service
from tandem.mail.models import OutboxMessage
from tandem.mail.smtp import SmtpSettings
from tests.mail.test_smtp import free_port, smtp_server

_numbers = count(1)


@pytest.fixture
def db_session() -> Iterator[Session]:
    """A fresh in-memory database with only the tables the outbox needs."""
    engine = build_engine("sqlite://")
    tables = [Base.metadata.tables[model.__tablename__] for model in (College, OutboxMessage)]
    Base.metadata.create_all(engine, tables=tables)
    with Session(engine) as session:
        yield session
    engine.dispose()


def make_college(session: Session) -> College:
    number = next(_numbers)
    college = College(
        code=f"M{number:04d}",
        name_zh=f"测试学院{number}",
        name_en=f"Test College {number}",
        region_code="440100",
    )
    session.add(college)
    session.flush()
    return college


def queue(session: Session, college_id: int | None = None, **fields: str) -> OutboxMessage:
    return service.queue_message(
        session,
        to=fields.get("to", "someone@example.com"),
        subject=fields.get("subject", "Hello"),
        body=fields.get("body", "Body"),
        college_id=college_id,
    )


def test_queue_message_adds_an_unsent_row(db_session: Session) -> None:
    college = make_college(db_session)
    message = queue(db_session, college.id, to="  li.si@example.com ", subject="合作协议\n到期提醒")
    assert message.id is not None
    assert message.college_id == college.id
    assert message.to_address == "li.si@example.com"
    assert message.subject == "合作协议 到期提醒"
    assert message.sent_at is None
    assert (message.attempts, message.last_error) == (0, "")
    assert message.created_at.tzinfo is not None


@pytest.mark.parametrize("address", ["", "no-at-sign", "@example.com", "a b@example.com"])
def test_queue_message_refuses_what_is_not_an_address(db_session: Session, address: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        queue(db_session, to=address)
    assert caught.value.errors[0].field == "to"


def test_queue_message_refuses_a_subject_too_long(db_session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        queue(db_session, subject="长" * 301)
    assert caught.value.errors[0].field == "subject"


def test_list_messages_is_scoped_to_a_college_and_newest_first(db_session: Session) -> None:
    north, south = make_college(db_session), make_college(db_session)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for minutes, (college, subject) in enumerate(
        [(north, "north old"), (south, "south"), (north, "north new"), (None, "platform")]
    ):
        message = queue(db_session, college.id if college else None, subject=subject)
        message.created_at = start + timedelta(minutes=minutes)
    db_session.flush()

    page = service.list_messages(db_session, college_id=north.id, params=ListParams())
    assert [m.subject for m in page.items] == ["north new", "north old"]
    assert page.total == 2

    everything = service.list_messages(db_session, college_id=None, params=ListParams())
    assert [m.subject for m in everything.items] == ["platform", "north new", "south", "north old"]


def test_list_messages_searches_address_and_subject(db_session: Session) -> None:
    college = make_college(db_session)
    queue(db_session, college.id, to="wang@partner.cn", subject="订单班 开班通知")
    queue(db_session, college.id, to="zhao@school.cn", subject="100% done_now")
    queue(db_session, college.id, to="qian@school.cn", subject="100 percent donexnow")

    def search(q: str) -> list[str]:
        page = service.list_messages(db_session, college_id=college.id, params=ListParams(q=q))
        return sorted(m.to_address for m in page.items)

    assert search("PARTNER") == ["wang@partner.cn"]
    assert search("订单班") == ["wang@partner.cn"]
    # % and _ are matched literally, not as wildcards.
    assert search("100%") == ["zhao@school.cn"]
    assert search("done_now") == ["zhao@school.cn"]
    other = make_college(db_session)
    assert (
        service.list_messages(db_session, college_id=other.id, params=ListParams(q="wang")).total
        == 0
    )


def test_deliver_pending_sends_oldest_first_and_marks_them_sent(db_session: Session) -> None:
    first = queue(db_session, to="first@example.com", subject="实训基地预约", body="您好，世界")
    second = queue(db_session, to="second@example.com")
    first.created_at = second.created_at - timedelta(seconds=1)
    db_session.flush()

    with smtp_server() as (settings, handler):
        report = service.deliver_pending(db_session, settings=settings)

    assert report == service.DeliveryReport(configured=True, sent=2, failed=0)
    assert report.note == ""
    assert [r.rcpt_tos for r in handler.received] == [["first@example.com"], ["second@example.com"]]
    assert handler.received[0].message["Subject"] == "实训基地预约"
    assert handler.received[0].body == "您好，世界\n"
    assert first.sent_at is not None
    assert second.sent_at is not None
    assert first.attempts == 0

    with smtp_server() as (settings, handler):
        assert service.deliver_pending(db_session, settings=settings).sent == 0
    assert handler.received == []


def test_deliver_pending_respects_the_limit(db_session: Session) -> None:
    for _ in range(3):
        queue(db_session)
    with smtp_server() as (settings, handler):
        report = service.deliver_pending(db_session, settings=settings, limit=2)
    assert (report.sent, len(handler.received)) == (2, 2)


def test_a_failure_is_recorded_and_a_later_success_clears_it(db_session: Session) -> None:
    message = queue(db_session)
    closed = SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)

    report = service.deliver_pending(db_session, settings=closed)

    assert (report.sent, report.failed) == (0, 1)
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")
    assert "\n" not in message.last_error
    assert len(message.last_error) <= 500

    with smtp_server() as (settings, handler):
        report = service.deliver_pending(db_session, settings=settings)
    assert (report.sent, report.failed) == (1, 0)
    assert message.sent_at is not None
    assert message.last_error == ""
    assert len(handler.received) == 1


def test_nothing_is_sent_when_smtp_is_not_configured(db_session: Session) -> None:
    message = queue(db_session)
    report = service.deliver_pending(db_session, settings=SmtpSettings())
    assert report == service.DeliveryReport(configured=False)
    assert report.note == service.NOT_CONFIGURED
    assert message.sent_at is None
    assert message.attempts == 0


def test_messages_that_failed_five_times_are_not_retried(db_session: Session) -> None:
    given_up = queue(db_session, to="given-up@example.com")
    given_up.attempts = service.MAX_ATTEMPTS
    retried = queue(db_session, to="retried@example.com")
    retried.attempts = service.MAX_ATTEMPTS - 1
    db_session.flush()

    with smtp_server() as (settings, handler):
        report = service.deliver_pending(db_session, settings=settings)

    assert report.sent == 1
    assert [r.rcpt_tos for r in handler.received] == [["retried@example.com"]]
    assert given_up.sent_at is None


def test_short_error_is_one_line_of_at_most_500_characters() -> None:
    error = smtplib.SMTPDataError(554, ("拒绝\n" * 400).encode())
    text = service.short_error(error)
    assert text.startswith("SMTPDataError: 554 拒绝 拒绝")
    assert "\n" not in text
    assert len(text) == 500
