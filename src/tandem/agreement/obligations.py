"""Obligations (each side's quantified commitments) and what has been delivered against them.

They are drafted with the agreement and may be added until it closes; deliveries are recorded
once it is signed. Flushes and audits, never commits.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tandem.agreement import lifecycle
from tandem.agreement.lifecycle import Right
from tandem.agreement.models import Agreement, AgreementStatus, Obligation, ObligationDelivery
from tandem.agreement.progress import Standing, standing
from tandem.agreement.schemas import DeliveryCreate, ObligationCreate, ObligationUpdate
from tandem.agreement.service import has_right
from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.college.service import check_version
from tandem.kit.errors import Conflict, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_

OBLIGATION_FIELDS = (
    "party",
    "mode",
    "description",
    "quantity",
    "unit",
    "period",
    "starts_on",
    "due_on",
    "register_category",
)
# Deliveries count from signature on; before that nothing has been agreed to deliver.
DELIVERING = frozenset(
    {AgreementStatus.SIGNED, AgreementStatus.ACTIVE, AgreementStatus.EXPIRING} | lifecycle.CLOSED
)


def standing_of(obligation: Obligation, today: date) -> Standing:
    delivered = sum((d.amount for d in obligation.deliveries), Decimal(0))
    return standing(
        quantity=obligation.quantity,
        period=obligation.period,
        starts_on=obligation.starts_on,
        due_on=obligation.due_on,
        delivered=delivered,
        today=today,
    )


def _require_edit(actor: Actor, agreement: Agreement) -> None:
    if not has_right(actor, agreement, Right.EDIT):
        raise PermissionDenied()
    if agreement.status in lifecycle.CLOSED:
        raise Conflict(
            N_("The agreement is closed: its obligations no longer change."), code="closed"
        )


def _check_mode(agreement: Agreement, mode: int | None) -> None:
    if mode is not None and mode not in agreement.mode_numbers:
        raise ValidationFailed.single(
            "mode",
            "mode_not_chosen",
            N_("The agreement does not have mode %(value)s."),
            value=mode,
        )


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    obligation: Obligation,
    before: dict[str, Any] | None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=obligation,
        college_id=obligation.college_id,
        before=before,
        after=audit.snapshot(obligation, OBLIGATION_FIELDS) if action != "delete" else None,
        summary=obligation.description,
    )


def add_obligation(
    session: Session, *, actor: Actor, agreement: Agreement, data: ObligationCreate
) -> Obligation:
    _require_edit(actor, agreement)
    _check_mode(agreement, data.mode)
    obligation = Obligation(college_id=agreement.college_id, **data.model_dump())
    agreement.obligations.append(obligation)
    session.flush()
    _audit(session, actor, "create", obligation, None)
    return obligation


def update_obligation(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    obligation: Obligation,
    data: ObligationUpdate,
) -> Obligation:
    _require_edit(actor, agreement)
    check_version(obligation, data.version)
    values = {
        k: v
        for k, v in data.model_dump(exclude_unset=True, exclude={"version"}).items()
        if v is not None
    }
    # How it is counted against the register is bookkeeping, not the commitment: it may change
    # until the agreement closes.
    if agreement.status not in lifecycle.EDITABLE and set(values) - {"register_category"}:
        raise Conflict(
            N_("The agreement has been approved: what each side committed to no longer changes."),
            code="not_editable",
        )
    starts_on = values.get("starts_on", obligation.starts_on)
    due_on = values.get("due_on", obligation.due_on)
    if due_on < starts_on:
        raise ValidationFailed.single(
            "due_on", "dates_out_of_order", N_("The due date cannot come before the start.")
        )
    before = audit.snapshot(obligation, OBLIGATION_FIELDS)
    for name, value in values.items():
        setattr(obligation, name, value)
    session.flush()
    if audit.snapshot(obligation, OBLIGATION_FIELDS) != before:
        _audit(session, actor, "update", obligation, before)
    return obligation


def delete_obligation(
    session: Session, *, actor: Actor, agreement: Agreement, obligation: Obligation
) -> None:
    _require_edit(actor, agreement)
    if agreement.status not in lifecycle.EDITABLE:
        raise Conflict(
            N_("The agreement has been approved: what each side committed to no longer changes."),
            code="not_editable",
        )
    _audit(session, actor, "delete", obligation, audit.snapshot(obligation, OBLIGATION_FIELDS))
    agreement.obligations.remove(obligation)
    session.flush()


def record_delivery(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    obligation: Obligation,
    data: DeliveryCreate,
    source: str = "manual",
) -> ObligationDelivery:
    if not has_right(actor, agreement, Right.EDIT):
        raise PermissionDenied()
    if agreement.status not in DELIVERING:
        raise Conflict(
            N_("Deliveries are recorded once the agreement is signed."), code="not_signed"
        )
    if data.delivered_on < obligation.starts_on:
        raise ValidationFailed.single(
            "delivered_on",
            "before_start",
            N_("The obligation starts on %(start)s; a delivery cannot come before it."),
            start=str(obligation.starts_on),
        )
    delivery = ObligationDelivery(
        college_id=obligation.college_id,
        amount=data.amount,
        delivered_on=data.delivered_on,
        note=data.note,
        source=source,
        recorded_by_user_id=actor.user_id,
    )
    obligation.deliveries.append(delivery)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delivery",
        entity=obligation,
        college_id=obligation.college_id,
        after={
            "amount": str(data.amount),
            "delivered_on": data.delivered_on.isoformat(),
            "note": data.note,
        },
        summary=obligation.description,
    )
    return delivery
