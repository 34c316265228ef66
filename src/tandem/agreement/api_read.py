"""What the agreement API routes share: who may call them, and how they answer (agreements,
obligations with their standing today, the timeline and documents, as the response schemas of
:mod:`tandem.agreement.schemas`).

An enterprise contact sees an agreement only from its approval on, so the college's internal
steps before that (drafting, review, returns with their reasons) are left off its timeline."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy.orm import Session

from tandem.agreement import obligations, repository, service
from tandem.agreement.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Obligation,
    Party,
    Period,
)
from tandem.agreement.modes import Mode, missing_terms
from tandem.agreement.schemas import (
    AgreementDetail,
    AgreementRead,
    DeliveryRead,
    DocumentRead,
    EventRead,
    ModeTermsRead,
    ObligationRead,
    RegisterRead,
    SignatureRead,
)
from tandem.auth.actor import Actor
from tandem.kit.dates import local_today
from tandem.kit.pagination import PageMeta
from tandem.resource.links_register import RegisterCheck, register_checks


class AgreementList(BaseModel):
    items: list[AgreementRead]
    meta: PageMeta


class ObligationList(BaseModel):
    items: list[ObligationRead]


class DocumentList(BaseModel):
    items: list[DocumentRead]


def agreement_read(actor: Actor, agreement: Agreement) -> AgreementRead:
    enterprise = agreement.partnership.enterprise
    return AgreementRead(
        id=agreement.id,
        college_id=agreement.college_id,
        partnership_id=agreement.partnership_id,
        enterprise_id=enterprise.id,
        enterprise_name=enterprise.name,
        department_id=agreement.department_id,
        kind=AgreementKind(agreement.kind),
        framework_id=agreement.framework_id,
        renews_id=agreement.renews_id,
        title=agreement.title,
        number=agreement.number,
        status=AgreementStatus(agreement.status),
        allowed_actions=service.actions_for(actor, agreement),
        modes=[
            ModeTermsRead(
                mode=m.mode, terms=dict(m.terms), missing=missing_terms(Mode(m.mode), m.terms)
            )
            for m in agreement.modes
        ],
        college_signatory=agreement.college_signatory,
        enterprise_signatory=agreement.enterprise_signatory,
        start_date=agreement.start_date,
        end_date=agreement.end_date,
        auto_renew=agreement.auto_renew,
        renewal_months=agreement.renewal_months,
        notice_days=agreement.notice_days,
        value_money=agreement.value_money,
        value_in_kind=agreement.value_in_kind,
        value_in_kind_note=agreement.value_in_kind_note,
        review_every_months=agreement.review_every_months,
        next_review_on=agreement.next_review_on,
        signed_on=agreement.signed_on,
        closed_on=agreement.closed_on,
        close_reason=agreement.close_reason,
        imported=agreement.imported,
        summary=agreement.summary,
        signatures=[SignatureRead.model_validate(s) for s in agreement.signatures],
        version=agreement.version,
        created_at=agreement.created_at,
        updated_at=agreement.updated_at,
    )


def register_read(check: RegisterCheck | None) -> RegisterRead | None:
    if check is None:
        return None
    return RegisterRead(
        category=check.category, required=check.required, found=check.found, short=check.short
    )


def obligation_read(
    obligation: Obligation,
    today: date | None = None,
    checks: dict[int, RegisterCheck] | None = None,
) -> ObligationRead:
    """``checks``: the agreement's obligations counted against the register (see
    :func:`tandem.resource.links_register.register_checks`, one query for all of them)."""
    standing = obligations.standing_of(obligation, today or local_today())
    return ObligationRead(
        id=obligation.id,
        agreement_id=obligation.agreement_id,
        party=Party(obligation.party),
        mode=obligation.mode,
        description=obligation.description,
        quantity=obligation.quantity,
        unit=obligation.unit,
        period=Period(obligation.period),
        starts_on=obligation.starts_on,
        due_on=obligation.due_on,
        committed=standing.committed,
        due_so_far=standing.due_so_far,
        delivered=standing.delivered,
        progress=standing.progress,
        deliveries=[DeliveryRead.model_validate(d) for d in obligation.deliveries],
        register_category=obligation.register_category,
        register_check=register_read((checks or {}).get(obligation.id)),
        version=obligation.version,
    )


def agreement_detail(session: Session, actor: Actor, agreement: Agreement) -> AgreementDetail:
    today = local_today()
    read = agreement_read(actor, agreement)
    checks = register_checks(session, agreement)
    return AgreementDetail(
        **read.model_dump(),
        obligations=[obligation_read(ob, today, checks) for ob in agreement.obligations],
        timeline=[
            EventRead.model_validate(event)
            for event in repository.timeline(session, agreement, actor)
        ],
        documents=[
            DocumentRead.model_validate(d) for d in repository.documents_of(session, agreement)
        ],
    )


def documents_read(session: Session, agreement: Agreement) -> DocumentList:
    return DocumentList(
        items=[DocumentRead.model_validate(d) for d in repository.documents_of(session, agreement)]
    )


# --- who may call --------------------------------------------------------------------------------
