"""Every agreement query, scoped by the actor: a college sees its own agreements, an enterprise
contact those of their enterprise once the college has approved them, platform admins all.
Another's record is a 404 (never a 403 that confirms it exists)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, exists, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from tandem.agreement.models import (
    Agreement,
    AgreementDocument,
    AgreementEvent,
    AgreementMode,
    AgreementStatus,
    Obligation,
    SteeringBody,
)
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.kit.dates import local_today
from tandem.kit.errors import NotFound
from tandem.kit.i18n import N_
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.partner.models import Enterprise, Partnership

# What an enterprise contact never sees: the college's own drafts and internal review.
INTERNAL = (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW)
IN_FORCE = (AgreementStatus.ACTIVE, AgreementStatus.EXPIRING)
AGREEMENT_SORTS = {
    "title": Agreement.title,
    "number": Agreement.number,
    "status": Agreement.status,
    "start_date": Agreement.start_date,
    "end_date": Agreement.end_date,
    "enterprise": Enterprise.name,
    "updated_at": Agreement.updated_at,
}


@dataclass(frozen=True)
class AgreementFilter:
    status: str = ""
    mode: int | None = None
    kind: str = ""
    department_id: int | None = None
    partnership_id: int | None = None
    enterprise_id: int | None = None
    college_id: int | None = None
    expiring_within: int | None = None  # days; in force and ending within that many days
    today: date | None = None


def _scope(stmt: Select[Agreement], actor: Actor) -> Select[Agreement]:
    if actor.is_platform_wide:
        return stmt
    if actor.role == Role.ENTERPRISE_CONTACT:
        if actor.enterprise_id is None:
            return stmt.where(false())
        return stmt.where(
            Partnership.enterprise_id == actor.enterprise_id, Agreement.status.not_in(INTERNAL)
        )
    if actor.college_id is not None and actor.can(Permission.AGREEMENT_READ):
        return stmt.where(Agreement.college_id == actor.college_id)
    return stmt.where(false())


def visible_agreements(actor: Actor) -> Select[Agreement]:
    stmt = (
        select(Agreement)
        .join(Partnership, Partnership.id == Agreement.partnership_id)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
    )
    return _scope(stmt, actor)


def _search(q: str) -> ColumnElement[bool]:
    pattern = like_pattern(q.strip())
    return or_(
        Agreement.title.ilike(pattern, escape="\\"),
        Agreement.number.ilike(pattern, escape="\\"),
        Enterprise.name.ilike(pattern, escape="\\"),
        Enterprise.short_name.ilike(pattern, escape="\\"),
    )


def agreements_query(
    *, actor: Actor, params: ListParams, filters: AgreementFilter | None = None
) -> Select[Agreement]:
    filters = filters or AgreementFilter()
    stmt = visible_agreements(actor)
    if params.q.strip():
        stmt = stmt.where(_search(params.q))
    if filters.status:
        stmt = stmt.where(Agreement.status == filters.status)
    if filters.kind:
        stmt = stmt.where(Agreement.kind == filters.kind)
    if filters.mode is not None:
        stmt = stmt.where(
            exists().where(
                AgreementMode.agreement_id == Agreement.id, AgreementMode.mode == filters.mode
            )
        )
    if filters.department_id is not None:
        stmt = stmt.where(Agreement.department_id == filters.department_id)
    if filters.partnership_id is not None:
        stmt = stmt.where(Agreement.partnership_id == filters.partnership_id)
    if filters.enterprise_id is not None:
        stmt = stmt.where(Partnership.enterprise_id == filters.enterprise_id)
    if filters.college_id is not None:
        stmt = stmt.where(Agreement.college_id == filters.college_id)
    if filters.expiring_within is not None:
        today = filters.today or local_today()
        stmt = stmt.where(
            Agreement.status.in_(IN_FORCE),
            Agreement.auto_renew.is_(False),
            Agreement.end_date >= today,
            Agreement.end_date <= today + timedelta(days=filters.expiring_within),
        )
    stmt = apply_sort(stmt, params.sort, AGREEMENT_SORTS, default="-updated_at")
    return stmt.order_by(Agreement.id).options(
        selectinload(Agreement.modes),
        selectinload(Agreement.department),
        selectinload(Agreement.signatures),
        selectinload(Agreement.partnership).selectinload(Partnership.enterprise),
    )


def list_agreements(
    session: Session, *, actor: Actor, params: ListParams, filters: AgreementFilter | None = None
) -> Page[Agreement]:
    return paginate(session, agreements_query(actor=actor, params=params, filters=filters), params)


def get_agreement(session: Session, *, actor: Actor, agreement_id: int) -> Agreement:
    agreement = session.scalar(
        visible_agreements(actor)
        .where(Agreement.id == agreement_id)
        .options(selectinload(Agreement.obligations).selectinload(Obligation.deliveries))
    )
    if agreement is None:
        raise NotFound(N_("No agreement with id %(id)s."), id=agreement_id)
    return agreement


def get_obligation(
    session: Session, *, actor: Actor, agreement: Agreement, obligation_id: int
) -> Obligation:
    obligation = session.get(Obligation, obligation_id)
    if obligation is None or obligation.agreement_id != agreement.id:
        raise NotFound(N_("No obligation with id %(id)s."), id=obligation_id)
    return obligation


def get_document(session: Session, *, agreement: Agreement, document_id: int) -> AgreementDocument:
    document = session.get(AgreementDocument, document_id)
    if document is None or document.agreement_id != agreement.id:
        raise NotFound(N_("No document with id %(id)s."), id=document_id)
    return document


def documents_of(session: Session, agreement: Agreement) -> list[AgreementDocument]:
    stmt = (
        select(AgreementDocument)
        .where(AgreementDocument.agreement_id == agreement.id)
        .order_by(AgreementDocument.uploaded_at, AgreementDocument.id)
    )
    return list(session.scalars(stmt))


def timeline(
    session: Session, agreement: Agreement, actor: Actor | None = None
) -> list[AgreementEvent]:
    """The agreement's history; an enterprise contact sees it from the approval on (the
    college's drafting and internal review, with any reasons for returning it, stay inside)."""
    stmt = (
        select(AgreementEvent)
        .where(AgreementEvent.agreement_id == agreement.id)
        .order_by(AgreementEvent.occurred_at, AgreementEvent.id)
    )
    if actor is not None and actor.role == Role.ENTERPRISE_CONTACT:
        stmt = stmt.where(AgreementEvent.to_status.not_in(INTERNAL))
    return list(session.scalars(stmt))


def framework_children(session: Session, agreement: Agreement) -> list[Agreement]:
    stmt = select(Agreement).where(Agreement.framework_id == agreement.id).order_by(Agreement.id)
    return list(session.scalars(stmt))


def successor_of(session: Session, agreement: Agreement) -> Agreement | None:
    return session.scalar(select(Agreement).where(Agreement.renews_id == agreement.id))


def number_taken(session: Session, *, college_id: int, number: str, other_than: int | None) -> bool:
    stmt = select(func.count()).where(
        Agreement.college_id == college_id, Agreement.number == number
    )
    if other_than is not None:
        stmt = stmt.where(Agreement.id != other_than)
    return bool(session.scalar(stmt))


def status_counts(session: Session, *, actor: Actor) -> dict[str, int]:
    visible = visible_agreements(actor).with_only_columns(Agreement.status).subquery()
    rows = session.execute(select(visible.c.status, func.count()).group_by(visible.c.status))
    return {str(status): int(count) for status, count in rows.all()}


# --- steering bodies -----------------------------------------------------------------------------


def visible_bodies(actor: Actor) -> Select[SteeringBody]:
    stmt = select(SteeringBody).join(Partnership, Partnership.id == SteeringBody.partnership_id)
    if actor.is_platform_wide:
        return stmt
    if actor.role == Role.ENTERPRISE_CONTACT:
        if actor.enterprise_id is None:
            return stmt.where(false())
        return stmt.where(Partnership.enterprise_id == actor.enterprise_id)
    if actor.college_id is not None and actor.can(Permission.AGREEMENT_READ):
        return stmt.where(SteeringBody.college_id == actor.college_id)
    return stmt.where(false())


def get_body(session: Session, *, actor: Actor, body_id: int) -> SteeringBody:
    body = session.scalar(visible_bodies(actor).where(SteeringBody.id == body_id))
    if body is None:
        raise NotFound(N_("No steering body with id %(id)s."), id=body_id)
    return body


def body_of(session: Session, *, actor: Actor, partnership_id: int) -> SteeringBody | None:
    return session.scalar(
        visible_bodies(actor).where(SteeringBody.partnership_id == partnership_id)
    )
