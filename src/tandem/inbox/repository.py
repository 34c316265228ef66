"""Inbox queries. A notice belongs to one user: anyone else's notice is a 404, whatever their
role (platform administrators included), so the inbox never confirms another's notice exists."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.inbox.models import Notice
from tandem.kit.errors import NotFound
from tandem.kit.i18n import N_
from tandem.kit.pagination import ListParams, Page, paginate


def notices_query(*, user_id: int, unread_only: bool = False) -> Select[Notice]:
    """One user's notices, newest first (the id keeps notices written together in order)."""
    stmt = select(Notice).where(Notice.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notice.read_at.is_(None))
    return stmt.order_by(Notice.created_at.desc(), Notice.id.desc())


def list_notices(
    session: Session, *, user_id: int, params: ListParams, unread_only: bool = False
) -> Page[Notice]:
    return paginate(session, notices_query(user_id=user_id, unread_only=unread_only), params)


def count_unread(session: Session, *, user_id: int) -> int:
    stmt = select(func.count(Notice.id)).where(Notice.user_id == user_id, Notice.read_at.is_(None))
    return session.scalar(stmt) or 0


def get_own_notice(session: Session, *, actor: Actor, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None or actor.user_id is None or notice.user_id != actor.user_id:
        raise NotFound(N_("No such notice in your inbox."))
    return notice


def users_with_key(session: Session, *, key: str, user_ids: list[int]) -> set[int]:
    """Which of ``user_ids`` already have a notice with ``key``."""
    if not user_ids:
        return set()
    # Everyone with the key (never more than were sent it), not an IN list of thousands of ids.
    have = set(session.scalars(select(Notice.user_id).where(Notice.key == key)))
    return have.intersection(user_ids)
