"""Builders for inbox tests."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.inbox.models import Notice

_numbers = count(1)


def add_notice(
    session: Session,
    user: User,
    subject: str | None = None,
    *,
    day: int = 1,
    read: bool = False,
    link: str = "/agreements/1",
) -> Notice:
    """A notice for ``user`` written on 2026-03-``day`` (so tests can order them)."""
    number = next(_numbers)
    written = datetime(2026, 3, day, 9, 0, tzinfo=UTC)
    notice = Notice(
        user_id=user.id,
        college_id=user.college_id,
        key=f"test:{number}",
        kind="agreement_ends",
        subject=subject or f"Notice {number}",
        body=f"Body of notice {number}",
        link=link,
        created_at=written,
        read_at=written if read else None,
    )
    session.add(notice)
    session.flush()
    return notice
