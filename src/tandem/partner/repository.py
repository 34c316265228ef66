"""Every query of the partner registry, scoped to what the actor may see.

Enterprises are shared master data: every college role that may read them sees all of them (to
find an existing record instead of registering it twice); an enterprise contact sees only its own.
Partnerships and proposals belong to a college: its roles see its own, an enterprise contact those
of its enterprise. Anything else is "not found", never "forbidden".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, String, cast, false, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.models import College
from tandem.college.repository import region_prefix
from tandem.kit.errors import NotFound
from tandem.kit.i18n import N_
from tandem.kit.identifiers import normalise_code
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.partner.models import (
    Enterprise,
    EnterpriseChangeProposal,
    EnterpriseContact,
    EnterpriseStaffCount,
    Partnership,
)

ENTERPRISE_SORTS = {
    "name": Enterprise.name,
    "short_name": Enterprise.short_name,
    "uscc": Enterprise.uscc,
    "kind": Enterprise.kind,
    "industry_section": Enterprise.industry_section,
    "size_band": Enterprise.size_band,
    "region_code": Enterprise.region_code,
    "created_at": Enterprise.created_at,
    "updated_at": Enterprise.updated_at,
}
PARTNERSHIP_SORTS = {
    "enterprise": Enterprise.name,
    "status": Partnership.status,
    "start_date": Partnership.start_date,
    "created_at": Partnership.created_at,
    "updated_at": Partnership.updated_at,
}
PROPOSAL_SORTS = {
    "created_at": EnterpriseChangeProposal.created_at,
    "status": EnterpriseChangeProposal.status,
    "enterprise": Enterprise.name,
}


def is_contact(actor: Actor) -> bool:
    return actor.role == Role.ENTERPRISE_CONTACT


def _own_enterprise(column: InstrumentedAttribute[int], actor: Actor) -> ColumnElement[bool]:
    if actor.enterprise_id is None:
        return false()
    return column == actor.enterprise_id


# --- enterprises ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseFilter:
    kind: str = ""
    industry_section: str = ""
    region: str = ""  # a GB/T 2260 code or prefix: 44, 4401, 440100 or 440000
    certified: bool | None = None
    archived: bool | None = False  # False: current ones, True: archived ones, None: both


def _visible_enterprises(actor: Actor) -> Select[Enterprise]:
    stmt = select(Enterprise)
    if actor.is_platform_wide:
        return stmt
    if is_contact(actor):
        return stmt.where(_own_enterprise(Enterprise.id, actor))
    if actor.can(Permission.ENTERPRISE_READ):
        return stmt
    return stmt.where(false())


def _search_enterprises(q: str) -> ColumnElement[bool]:
    pattern = like_pattern(q.strip())
    code = normalise_code(q)
    return or_(
        Enterprise.name.ilike(pattern, escape="\\"),
        Enterprise.short_name.ilike(pattern, escape="\\"),
        Enterprise.uscc.like(like_pattern(code), escape="\\") if code else false(),
    )


def enterprises_query(
    *, actor: Actor, params: ListParams, filters: EnterpriseFilter | None = None
) -> Select[Enterprise]:
    """The enterprises a list shows (filters, search and sort applied), before pagination."""
    filters = filters or EnterpriseFilter()
    stmt = _visible_enterprises(actor)
    if params.q.strip():
        stmt = stmt.where(_search_enterprises(params.q))
    if filters.kind:
        stmt = stmt.where(Enterprise.kind == filters.kind)
    if filters.industry_section:
        stmt = stmt.where(Enterprise.industry_section == filters.industry_section.upper())
    if filters.region:
        prefix = region_prefix(filters.region) if len(filters.region) == 6 else filters.region
        stmt = stmt.where(Enterprise.region_code.like(like_pattern(prefix)[1:], escape="\\"))
    if filters.certified is not None:
        certified = Enterprise.certified_level.is_not(None)
        stmt = stmt.where(certified if filters.certified else ~certified)
    if filters.archived is not None:
        archived = Enterprise.archived_at.is_not(None)
        stmt = stmt.where(archived if filters.archived else ~archived)
    stmt = apply_sort(stmt, params.sort, ENTERPRISE_SORTS, default="name")
    return stmt.order_by(Enterprise.id)


def list_enterprises(
    session: Session,
    *,
    actor: Actor,
    params: ListParams,
    filters: EnterpriseFilter | None = None,
) -> Page[Enterprise]:
    return paginate(session, enterprises_query(actor=actor, params=params, filters=filters), params)


def get_enterprise(session: Session, *, actor: Actor, enterprise_id: int) -> Enterprise:
    enterprise = session.scalar(_visible_enterprises(actor).where(Enterprise.id == enterprise_id))
    if enterprise is None:
        raise NotFound(N_("No enterprise with id %(id)s."), id=enterprise_id)
    return enterprise


def find_enterprise_by_uscc(session: Session, uscc: str) -> Enterprise | None:
    """Unscoped: the duplicate check must see every enterprise on the platform."""
    return session.scalar(select(Enterprise).where(Enterprise.uscc == normalise_code(uscc)))


def staff_counts_query(enterprise: Enterprise) -> Select[EnterpriseStaffCount]:
    return (
        select(EnterpriseStaffCount)
        .where(EnterpriseStaffCount.enterprise_id == enterprise.id)
        .order_by(EnterpriseStaffCount.as_of.desc())
    )


def list_staff_counts(
    session: Session, *, enterprise: Enterprise
) -> Sequence[EnterpriseStaffCount]:
    return session.scalars(staff_counts_query(enterprise)).all()


def get_staff_count(
    session: Session, *, enterprise: Enterprise, staff_count_id: int
) -> EnterpriseStaffCount:
    found = session.scalar(
        select(EnterpriseStaffCount).where(
            EnterpriseStaffCount.id == staff_count_id,
            EnterpriseStaffCount.enterprise_id == enterprise.id,
        )
    )
    if found is None:
        raise NotFound(N_("No staff count with id %(id)s for this enterprise."), id=staff_count_id)
    return found


def find_staff_count(
    session: Session, *, enterprise: Enterprise, as_of: date
) -> EnterpriseStaffCount | None:
    return session.scalar(
        select(EnterpriseStaffCount).where(
            EnterpriseStaffCount.enterprise_id == enterprise.id,
            EnterpriseStaffCount.as_of == as_of,
        )
    )


def contacts_query(enterprise: Enterprise) -> Select[EnterpriseContact]:
    return (
        select(EnterpriseContact)
        .where(EnterpriseContact.enterprise_id == enterprise.id)
        .order_by(EnterpriseContact.name, EnterpriseContact.id)
    )


def list_contacts(session: Session, *, enterprise: Enterprise) -> Sequence[EnterpriseContact]:
    return session.scalars(contacts_query(enterprise)).all()


def get_contact(session: Session, *, enterprise: Enterprise, contact_id: int) -> EnterpriseContact:
    contact = session.scalar(
        select(EnterpriseContact).where(
            EnterpriseContact.id == contact_id, EnterpriseContact.enterprise_id == enterprise.id
        )
    )
    if contact is None:
        raise NotFound(N_("No contact with id %(id)s at this enterprise."), id=contact_id)
    return contact


# --- proposals -----------------------------------------------------------------------------------


def _visible_proposals(actor: Actor) -> Select[EnterpriseChangeProposal]:
    stmt = select(EnterpriseChangeProposal).join(
        Enterprise, Enterprise.id == EnterpriseChangeProposal.enterprise_id
    )
    if actor.is_platform_wide:
        return stmt
    if is_contact(actor):
        return stmt.where(_own_enterprise(EnterpriseChangeProposal.enterprise_id, actor))
    if actor.college_id is not None and actor.can(Permission.ENTERPRISE_READ):
        return stmt.where(EnterpriseChangeProposal.college_id == actor.college_id)
    return stmt.where(false())


def proposals_query(
    *, actor: Actor, params: ListParams, enterprise: Enterprise | None = None, status: str = ""
) -> Select[EnterpriseChangeProposal]:
    """The proposals a list shows (filters, search and sort applied), before pagination."""
    stmt = _visible_proposals(actor)
    if enterprise is not None:
        stmt = stmt.where(EnterpriseChangeProposal.enterprise_id == enterprise.id)
    if status:
        stmt = stmt.where(EnterpriseChangeProposal.status == status)
    if params.q.strip():
        stmt = stmt.where(_search_enterprises(params.q))
    stmt = apply_sort(stmt, params.sort, PROPOSAL_SORTS, default="-created_at")
    return stmt.order_by(EnterpriseChangeProposal.id.desc())


def list_proposals(
    session: Session,
    *,
    actor: Actor,
    params: ListParams,
    enterprise: Enterprise | None = None,
    status: str = "",
) -> Page[EnterpriseChangeProposal]:
    stmt = proposals_query(actor=actor, params=params, enterprise=enterprise, status=status)
    return paginate(session, stmt, params)


def get_proposal(session: Session, *, actor: Actor, proposal_id: int) -> EnterpriseChangeProposal:
    proposal = session.scalar(
        _visible_proposals(actor).where(EnterpriseChangeProposal.id == proposal_id)
    )
    if proposal is None:
        raise NotFound(N_("No change proposal with id %(id)s."), id=proposal_id)
    return proposal


# --- partnerships --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnershipFilter:
    status: str = ""
    department_id: int | None = None
    tag: str = ""
    enterprise_id: int | None = None
    college_id: int | None = None


def _visible_partnerships(actor: Actor) -> Select[Partnership]:
    stmt = select(Partnership).join(Enterprise, Enterprise.id == Partnership.enterprise_id)
    if actor.is_platform_wide:
        return stmt
    if is_contact(actor):
        return stmt.where(_own_enterprise(Partnership.enterprise_id, actor))
    if actor.college_id is not None and actor.can(Permission.PARTNERSHIP_READ):
        return stmt.where(Partnership.college_id == actor.college_id)
    return stmt.where(false())


def tag_condition(tag: str) -> ColumnElement[bool]:
    """Whether the JSON list of tags holds ``tag`` (the stored text, on SQLite and PostgreSQL)."""
    encoded = json.dumps(tag.strip())
    return cast(Partnership.tags, String).like(like_pattern(encoded), escape="\\")


def partnerships_query(
    *, actor: Actor, params: ListParams, filters: PartnershipFilter | None = None
) -> Select[Partnership]:
    """Search looks at the enterprise (name, short name, USCC) only, never at the notes."""
    filters = filters or PartnershipFilter()
    stmt = _visible_partnerships(actor)
    if params.q.strip():
        stmt = stmt.where(_search_enterprises(params.q))
    if filters.status:
        stmt = stmt.where(Partnership.status == filters.status)
    if filters.department_id is not None:
        stmt = stmt.where(Partnership.department_id == filters.department_id)
    if filters.tag.strip():
        stmt = stmt.where(tag_condition(filters.tag))
    if filters.enterprise_id is not None:
        stmt = stmt.where(Partnership.enterprise_id == filters.enterprise_id)
    if filters.college_id is not None:
        stmt = stmt.where(Partnership.college_id == filters.college_id)
    stmt = apply_sort(stmt, params.sort, PARTNERSHIP_SORTS, default="enterprise")
    return stmt.order_by(Partnership.id)


def list_partnerships(
    session: Session,
    *,
    actor: Actor,
    params: ListParams,
    filters: PartnershipFilter | None = None,
) -> Page[Partnership]:
    stmt = partnerships_query(actor=actor, params=params, filters=filters)
    return paginate(session, stmt, params)


def get_partnership(session: Session, *, actor: Actor, partnership_id: int) -> Partnership:
    partnership = session.scalar(
        _visible_partnerships(actor).where(Partnership.id == partnership_id)
    )
    if partnership is None:
        raise NotFound(N_("No partnership with id %(id)s."), id=partnership_id)
    return partnership


def find_partnership(
    session: Session, *, college_id: int, enterprise_id: int
) -> Partnership | None:
    """Unscoped: the one partnership of a college with an enterprise (the duplicate check)."""
    return session.scalar(
        select(Partnership).where(
            Partnership.college_id == college_id, Partnership.enterprise_id == enterprise_id
        )
    )


def college_partnerships(
    session: Session, *, actor: Actor, enterprise_ids: Iterable[int]
) -> dict[int, Partnership]:
    """The actor's college's partnership with each of these enterprises (college actors only)."""
    ids = list(enterprise_ids)
    if actor.college_id is None or not ids or not actor.can(Permission.PARTNERSHIP_READ):
        return {}
    rows = session.scalars(
        select(Partnership).where(
            Partnership.college_id == actor.college_id, Partnership.enterprise_id.in_(ids)
        )
    )
    return {p.enterprise_id: p for p in rows}


def partnerships_of(
    session: Session, *, actor: Actor, enterprise: Enterprise
) -> Sequence[Partnership]:
    """The partnerships with ``enterprise`` that the actor may see."""
    stmt = _visible_partnerships(actor).where(Partnership.enterprise_id == enterprise.id)
    return session.scalars(stmt.order_by(Partnership.id)).all()


def open_partnership_count(
    session: Session, *, enterprise: Enterprise, statuses: Iterable[str]
) -> int:
    """Unscoped count of the enterprise's partnerships in ``statuses`` (any college)."""
    count = session.scalar(
        select(func.count(Partnership.id)).where(
            Partnership.enterprise_id == enterprise.id, Partnership.status.in_(list(statuses))
        )
    )
    return int(count or 0)


@dataclass(frozen=True)
class TimelineEntry:
    """One step in a partnership's status history (from the audit log; never its notes)."""

    occurred_at: datetime
    actor_label: str
    action: str
    from_status: str | None
    to_status: str
    reason: str


def status_timeline(session: Session, *, partnership: Partnership) -> list[TimelineEntry]:
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.entity_type == Partnership.__tablename__,
            AuditEntry.entity_id == str(partnership.id),
            AuditEntry.action.in_(("create", "transition")),
        )
        .order_by(AuditEntry.occurred_at, AuditEntry.id)
    ).all()
    timeline = []
    for entry in entries:
        change = entry.changes.get("status")
        if not isinstance(change, list) or len(change) != 2:
            continue
        reason = entry.changes.get("ended_reason")
        timeline.append(
            TimelineEntry(
                occurred_at=entry.occurred_at,
                actor_label=entry.actor_label,
                action=entry.action,
                from_status=change[0],
                to_status=str(change[1]),
                reason=str(reason[1]) if isinstance(reason, list) and reason[1] else "",
            )
        )
    return timeline


def colleges_by_id(session: Session, ids: Iterable[int]) -> dict[int, College]:
    """The colleges named by partnerships or proposals (their names are shown beside them)."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {c.id: c for c in session.scalars(select(College).where(College.id.in_(wanted)))}


def partnership_status_counts(session: Session, *, actor: Actor) -> dict[str, int]:
    """How many of the partnerships the actor may see are in each status."""
    visible = _visible_partnerships(actor).with_only_columns(Partnership.status).subquery()
    rows = session.execute(select(visible.c.status, func.count()).group_by(visible.c.status))
    return {status: count for status, count in rows}
