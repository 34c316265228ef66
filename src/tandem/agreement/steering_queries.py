"""Queries for the steering bodies' API and pages, built on the actor-scoped
:func:`tandem.agreement.repository.visible_bodies` (another college's body is a 404)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, false, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from tandem.agreement.models import (
    Agreement,
    AgreementKind,
    SteeringBody,
    SteeringMeeting,
    SteeringMember,
)
from tandem.agreement.repository import visible_bodies
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.kit.dates import local_today
from tandem.kit.errors import NotFound
from tandem.kit.i18n import N_
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.partner.models import Enterprise, Partnership

FAR_FUTURE = date(9999, 12, 31)
BODY_SORTS: dict[str, ColumnElement[Any] | QueryableAttribute[Any]] = {
    "name": SteeringBody.name,
    "enterprise": Enterprise.name,
    "established_on": SteeringBody.established_on,
    # Bodies without a planned review go last on either database.
    "next_review_on": func.coalesce(SteeringBody.next_review_on, FAR_FUTURE),
}


@dataclass(frozen=True)
class BodyFilter:
    partnership_id: int | None = None
    enterprise_id: int | None = None
    overdue: bool = False  # only bodies whose next review date has passed
    today: date | None = None


def bodies_query(
    *, actor: Actor, params: ListParams, filters: BodyFilter | None = None
) -> Select[SteeringBody]:
    filters = filters or BodyFilter()
    stmt = visible_bodies(actor).join(Enterprise, Enterprise.id == Partnership.enterprise_id)
    if params.q.strip():
        pattern = like_pattern(params.q.strip())
        stmt = stmt.where(
            or_(
                SteeringBody.name.ilike(pattern, escape="\\"),
                Enterprise.name.ilike(pattern, escape="\\"),
                Enterprise.short_name.ilike(pattern, escape="\\"),
            )
        )
    if filters.partnership_id is not None:
        stmt = stmt.where(SteeringBody.partnership_id == filters.partnership_id)
    if filters.enterprise_id is not None:
        stmt = stmt.where(Partnership.enterprise_id == filters.enterprise_id)
    if filters.overdue:
        stmt = stmt.where(SteeringBody.next_review_on < (filters.today or local_today()))
    stmt = apply_sort(stmt, params.sort, BODY_SORTS, default="next_review_on")
    return stmt.order_by(SteeringBody.id).options(
        selectinload(SteeringBody.members),
        selectinload(SteeringBody.meetings),
        selectinload(SteeringBody.partnership).selectinload(Partnership.enterprise),
    )


def list_bodies(
    session: Session, *, actor: Actor, params: ListParams, filters: BodyFilter | None = None
) -> Page[SteeringBody]:
    return paginate(session, bodies_query(actor=actor, params=params, filters=filters), params)


def get_member(session: Session, *, body: SteeringBody, member_id: int) -> SteeringMember:
    member = session.get(SteeringMember, member_id)
    if member is None or member.body_id != body.id:
        raise NotFound(N_("No member with id %(id)s."), id=member_id)
    return member


def get_meeting(session: Session, *, body: SteeringBody, meeting_id: int) -> SteeringMeeting:
    meeting = session.get(SteeringMeeting, meeting_id)
    if meeting is None or meeting.body_id != body.id:
        raise NotFound(N_("No meeting with id %(id)s."), id=meeting_id)
    return meeting


def frameworks_of(session: Session, partnership_id: int) -> Sequence[Agreement]:
    """The partnership's framework agreements (the body may be set up under one)."""
    stmt = (
        select(Agreement)
        .where(
            Agreement.partnership_id == partnership_id, Agreement.kind == AgreementKind.FRAMEWORK
        )
        .order_by(Agreement.start_date, Agreement.id)
    )
    return session.scalars(stmt).all()


def partnerships_without_body(
    session: Session, *, actor: Actor, limit: int = 500
) -> Sequence[Partnership]:
    """Partnerships the actor may set a steering body up for and that have none yet."""
    stmt = (
        select(Partnership)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .where(~exists().where(SteeringBody.partnership_id == Partnership.id))
        .order_by(Enterprise.name, Partnership.id)
        .options(selectinload(Partnership.enterprise))
        .limit(limit)
    )
    if actor.is_platform_wide:
        return session.scalars(stmt).all()
    if actor.college_id is None or not actor.can(Permission.AGREEMENT_MANAGE):
        stmt = stmt.where(false())
    else:
        stmt = stmt.where(Partnership.college_id == actor.college_id)
    if actor.role == Role.DEPARTMENT_COORDINATOR:
        stmt = stmt.where(Partnership.department_id == actor.department_id)
    return session.scalars(stmt).all()
