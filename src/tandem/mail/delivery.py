"""Sending the outbox from the platform: SMTP settings from the configuration, and delivery
right after a request that may have queued mail has committed (``tandem mail send`` in cron
catches whatever this misses)."""

from __future__ import annotations

import logging

from fastapi import Request
from sqlalchemy import select

from tandem.config import Settings
from tandem.mail.models import OutboxMessage
from tandem.mail.service import deliver_pending
from tandem.mail.smtp import SmtpSettings

log = logging.getLogger("tandem.mail")


def smtp_settings(settings: Settings) -> SmtpSettings:
    return SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        use_tls=settings.smtp_tls,
        starttls=settings.smtp_starttls,
        sender=settings.mail_sender,
    )


def deliver_after_commit(request: Request) -> None:
    """After a committed write, send waiting mail if a mail server is configured."""
    settings: Settings = request.app.state.settings
    if request.method in ("GET", "HEAD", "OPTIONS") or not settings.smtp_host:
        return
    session = request.app.state.sessionmaker()
    try:
        waiting = session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None)).limit(1)
        )
        if waiting is not None:
            deliver_pending(session, settings=smtp_settings(settings))
            session.commit()
    except Exception:  # a mail problem must never undo or fail the user's request
        session.rollback()
        log.exception("mail delivery after commit failed; `tandem mail send` will retry")
    finally:
        session.close()
