"""Queue e-mails with the change that causes them; deliver them later. Flushes, never commits."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from tandem.kit.errors import ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.orm import utcnow
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.mail import smtp
from tandem.mail.models import OutboxMessage
from tandem.mail.smtp import SmtpSettings

MAX_ATTEMPTS = 5
MAX_ERROR_LENGTH = 500
MAX_ADDRESS_LENGTH = 320
MAX_SUBJECT_LENGTH = 300
NOT_CONFIGURED = N_("SMTP is not configured: messages stay in the outbox, where they can be read.")

OUTBOX_SORTS = {
    "created_at": OutboxMessage.created_at,
    "sent_at": OutboxMessage.sent_at,
    "to_address": OutboxMessage.to_address,
    "subject": OutboxMessage.subject,
}


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery run did."""

    configured: bool
    sent: int = 0
    failed: int = 0

    @property
    def note(self) -> str:
        """An untranslated message when nothing could be sent, else ``""``."""
        return "" if self.configured else NOT_CONFIGURED


def queue_message(
    session: Session, *, to: str, subject: str, body: str, college_id: int | None
) -> OutboxMessage:
    """Add a message to the outbox. It is sent only after the caller commits."""
    address = to.strip()
    if not _plausible_address(address):
        raise ValidationFailed.single(
            "to", "invalid_email", N_("%(value)s is not an e-mail address."), value=address
        )
    line = " ".join(subject.split())
    if len(line) > MAX_SUBJECT_LENGTH:
        raise ValidationFailed.single(
            "subject",
            "too_long",
            N_("The subject is longer than %(max)s characters."),
            max=MAX_SUBJECT_LENGTH,
        )
    message = OutboxMessage(to_address=address, subject=line, body=body, college_id=college_id)
    session.add(message)
    session.flush()
    return message


def messages_query(*, college_id: int | None, params: ListParams) -> Select[OutboxMessage]:
    """Newest first; ``college_id=None`` lists every college's messages (platform admin)."""
    stmt = select(OutboxMessage)
    if college_id is not None:
        stmt = stmt.where(OutboxMessage.college_id == college_id)
    if params.q:
        pattern = like_pattern(params.q)
        stmt = stmt.where(
            or_(
                OutboxMessage.to_address.ilike(pattern, escape="\\"),
                OutboxMessage.subject.ilike(pattern, escape="\\"),
            )
        )
    stmt = apply_sort(stmt, params.sort, OUTBOX_SORTS, default="-created_at")
    # Messages queued in one transaction share a timestamp; the id keeps pages stable.
    return stmt.order_by(OutboxMessage.id.desc())


def list_messages(
    session: Session, *, college_id: int | None, params: ListParams
) -> Page[OutboxMessage]:
    return paginate(session, messages_query(college_id=college_id, params=params), params)


def deliver_pending(
    session: Session, *, settings: SmtpSettings, limit: int = 100
) -> DeliveryReport:
    """Send unsent messages, oldest first, recording each success or failure on its row.

    The caller commits afterwards; if it rolls back instead, the sent messages go out again.
    """
    if not settings.configured:
        return DeliveryReport(configured=False)
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(limit)
        # Two workers delivering at once each take different rows (PostgreSQL; SQLite
        # serialises writers anyway and ignores the clause).
        .with_for_update(skip_locked=True)
    )
    sent = failed = 0
    for message in session.scalars(stmt).all():
        try:
            smtp.send_message(
                settings, to=message.to_address, subject=message.subject, body=message.body
            )
        except (smtplib.SMTPException, OSError, ValueError) as error:
            message.attempts += 1
            message.last_error = short_error(error)
            failed += 1
        else:
            message.sent_at = utcnow()
            message.last_error = ""
            sent += 1
        session.flush()
    return DeliveryReport(configured=True, sent=sent, failed=failed)


def short_error(error: BaseException) -> str:
    """One line naming the error, at most 500 characters: enough to act on, no traceback."""
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        detail = f"{error.smtp_code} {text}"
    else:
        detail = str(error)
    line = " ".join(f"{type(error).__name__}: {detail}".split())
    if len(line) > MAX_ERROR_LENGTH:
        line = line[: MAX_ERROR_LENGTH - 1] + "…"
    return line


def _plausible_address(address: str) -> bool:
    # Only what would make the message undeliverable for sure; the server judges the rest.
    local, _, domain = address.rpartition("@")
    return (
        bool(local and domain)
        and len(address) <= MAX_ADDRESS_LENGTH
        and not any(character.isspace() for character in address)
    )
