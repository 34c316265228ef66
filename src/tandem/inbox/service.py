"""Notices to users: writing them (once per user and key, in each reader's language, with an
e-mail when SMTP is configured) and reading them. Flushes, never commits.

A notice's ``key`` names the record and the occasion ("agreement:12:ends:2026-12-31:90"); a
user gets a notice with a given key at most once, so whatever writes notices can run again and
again (the reminder job runs every day) without repeating itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.config import SUPPORTED_LANGUAGES, Settings
from tandem.inbox import repository
from tandem.inbox.models import Notice
from tandem.kit.i18n import N_, translate
from tandem.kit.orm import utcnow
from tandem.mail.service import MAX_SUBJECT_LENGTH, queue_message

CHUNK = 2000  # notices per insert statement

# What a notice is about (shown as a small label in the inbox).
KIND_LABELS: dict[str, str] = {
    "agreement_ends": N_("Ends soon"),
    "agreement_renewed": N_("Renewed"),
    "agreement_ended": N_("Ended"),
    "obligation_behind": N_("Obligation behind"),
    "review_overdue": N_("Review overdue"),
    "steering_review_overdue": N_("Review overdue"),
    "placement_phase": N_("Placements"),
    "placement_blocked": N_("Placement blocked"),
    "placement_insurance": N_("Insurance ends"),
}


def kind_label(kind: str) -> str:
    """The untranslated label of a notice's kind (the kind itself when unknown)."""
    return KIND_LABELS.get(kind, kind)


@dataclass(frozen=True)
class Msg:
    """A parameter that is itself a message, translated into each reader's language."""

    msgid: str


@dataclass(frozen=True)
class Message:
    """A notice's subject and body as msgids with parameters; rendered per reader's language.

    Dates come out in the reader's format; :class:`Msg` parameters are translated too.
    """

    subject: str
    body: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, language: str) -> tuple[str, str]:
        values = {name: _localise(value, language) for name, value in self.params.items()}
        subject = " ".join(translate(self.subject, language, **values).split())
        if len(subject) > MAX_SUBJECT_LENGTH:
            subject = subject[: MAX_SUBJECT_LENGTH - 1] + "…"
        return subject, translate(self.body, language, **values)


def _localise(value: Any, language: str) -> Any:
    if isinstance(value, Msg):
        return translate(value.msgid, language)
    if isinstance(value, date):
        return format_date(value, format="long", locale=language)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def language_of(user: User, settings: Settings) -> str:
    """The language to write to ``user`` in: their own when the account has one (accounts
    have none yet), else the platform's default language."""
    own = getattr(user, "language", None)
    if isinstance(own, str) and own in SUPPORTED_LANGUAGES:
        return own
    return settings.default_language


@dataclass(frozen=True)
class Delivery:
    """What one call of :func:`notify` wrote."""

    notices: int = 0
    emails: int = 0


def notify(
    session: Session,
    *,
    users: Iterable[User],
    key: str,
    kind: str,
    message: Message,
    college_id: int | None,
    link: str,
    settings: Settings,
) -> Delivery:
    """Give each of ``users`` who has not had it yet a notice with ``key`` (and queue an e-mail
    for each new notice when SMTP is configured). Disabled accounts get nothing.

    Written in bulk (a plan's phase reaches thousands of students at once); a notice another
    run wrote meanwhile is kept (the insert skips a user who has the key already)."""
    recipients = {u.id: u for u in users if u.is_active}
    already = repository.users_with_key(session, key=key, user_ids=list(recipients))
    rendered: dict[str, tuple[str, str]] = {}
    rows: list[dict[str, Any]] = []
    for user_id, user in sorted(recipients.items()):
        if user_id in already:
            continue
        language = language_of(user, settings)
        if language not in rendered:
            rendered[language] = message.render(language)
        subject, body = rendered[language]
        rows.append(
            {
                "user_id": user_id,
                "college_id": college_id,
                "key": key,
                "kind": kind,
                "subject": subject,
                "body": body,
                "link": link,
                "created_at": utcnow(),
            }
        )
    written = _insert_new(session, rows)
    emails = 0
    if settings.smtp_host:
        url = settings.base_url.rstrip("/") + link if link else ""
        for row in rows:
            if row["user_id"] not in written:
                continue
            queue_message(
                session,
                to=recipients[row["user_id"]].email,
                subject=row["subject"],
                body=f"{row['body']}\n\n{url}\n" if url else row["body"],
                college_id=college_id,
            )
            emails += 1
    return Delivery(notices=len(written), emails=emails)


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> set[int]:
    """Insert the notices, skipping any (user, key) already there; the users written to."""
    if not rows:
        return set()
    session.flush()
    dialect = session.get_bind().dialect.name
    insert: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(Notice).on_conflict_do_nothing(index_elements=["user_id", "key"])
    written: set[int] = set()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        written.update(session.scalars(stmt.returning(Notice.user_id), chunk))
    return written


# --- reading -------------------------------------------------------------------------------------


def unread_count(session: Session, user_id: int) -> int:
    """How many unread notices ``user_id`` has (for the badge in the navigation)."""
    return repository.count_unread(session, user_id=user_id)


def mark_read(session: Session, *, actor: Actor, notice: Notice) -> Notice:
    """Mark one of the actor's own notices read (reading it again changes nothing)."""
    if notice.user_id != actor.user_id:
        notice = repository.get_own_notice(session, actor=actor, notice_id=notice.id)
    if notice.read_at is None:
        notice.read_at = utcnow()
        session.flush()
    return notice


def mark_all_read(session: Session, *, actor: Actor) -> int:
    """Mark all of the actor's unread notices read; returns how many there were."""
    if actor.user_id is None:
        return 0
    result = session.execute(
        update(Notice)
        .where(Notice.user_id == actor.user_id, Notice.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
