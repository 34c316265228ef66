"""Reading the audit log: a college's own entries, or all of them for platform admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate

AUDIT_SORTS = {
    "occurred_at": AuditEntry.occurred_at,
    "actor": AuditEntry.actor_label,
    "action": AuditEntry.action,
}


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    entity_type: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _visible(actor: Actor) -> Select[AuditEntry]:
    stmt = select(AuditEntry)
    if not actor.can(Permission.AUDIT_READ):
        return stmt.where(false())
    if actor.is_platform_wide:
        return stmt
    return stmt.where(AuditEntry.college_id == actor.college_id)


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def entries_query(
    *, actor: Actor, params: ListParams, filters: AuditFilter, zone: ZoneInfo
) -> Select[AuditEntry]:
    """The entries a list shows (filters, search and sort applied), before pagination."""
    stmt = _visible(actor)
    if params.q:
        pattern = like_pattern(params.q)
        stmt = stmt.where(
            or_(
                AuditEntry.summary.ilike(pattern, escape="\\"),
                AuditEntry.entity_id == params.q.strip(),
            )
        )
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.entity_type:
        stmt = stmt.where(AuditEntry.entity_type == filters.entity_type)
    if filters.actor:
        stmt = stmt.where(AuditEntry.actor_label.ilike(like_pattern(filters.actor), escape="\\"))
    if filters.date_from:
        stmt = stmt.where(AuditEntry.occurred_at >= _start_of(filters.date_from, zone))
    if filters.date_to:
        stmt = stmt.where(
            AuditEntry.occurred_at < _start_of(filters.date_to + timedelta(days=1), zone)
        )
    stmt = apply_sort(stmt, params.sort, AUDIT_SORTS, default="-occurred_at")
    return stmt.order_by(AuditEntry.id.desc())


def list_entries(
    session: Session, *, actor: Actor, params: ListParams, filters: AuditFilter, zone: ZoneInfo
) -> Page[AuditEntry]:
    stmt = entries_query(actor=actor, params=params, filters=filters, zone=zone)
    return paginate(session, stmt, params)


def distinct_values(session: Session, *, actor: Actor) -> tuple[list[str], list[str]]:
    """The actions and entity types that occur, for the filter menus."""
    visible = _visible(actor).subquery()
    actions = session.scalars(select(visible.c.action).distinct().order_by(visible.c.action))
    types = session.scalars(
        select(visible.c.entity_type).distinct().order_by(visible.c.entity_type)
    )
    return list(actions), list(types)
