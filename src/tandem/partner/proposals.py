"""A college's proposed change to shared master data, and its decision.

The enterprise's own contact or a platform administrator accepts (the changes then go through
:func:`tandem.partner.service.update_enterprise`, audited there) or rejects with a note.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.kit.errors import AppError, Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.orm import utcnow
from tandem.kit.validation import from_validation_error
from tandem.partner import service
from tandem.partner.labels import PROPOSAL_LABELS, label
from tandem.partner.models import Enterprise, EnterpriseChangeProposal, ProposalStatus
from tandem.partner.schemas import (
    EnterpriseChanges,
    EnterpriseUpdate,
    ProposalCreate,
    ProposalDecision,
)

PROPOSAL_FIELDS = ("enterprise_id", "changes", "reason", "status", "decision_note")
PREFIX = "changes"


def _prefixed(error: AppError) -> AppError:
    """The same error with its fields named inside ``changes`` (``changes.name``)."""
    error.errors = [
        FieldError(f"{PREFIX}.{e.field}", e.code, e.message, e.params) for e in error.errors
    ]
    return error


def validated_changes(changes: dict[str, Any]) -> EnterpriseChanges:
    """Check a proposal's changes exactly like a direct change to the enterprise."""
    try:
        return EnterpriseChanges.model_validate(changes)
    except ValidationError as exc:
        raise _prefixed(from_validation_error(exc)) from exc


def _no_changes() -> ValidationFailed:
    return ValidationFailed.single(
        PREFIX,
        "no_changes",
        N_("These are already the enterprise's values: change at least one field."),
    )


def propose_change(
    session: Session, *, actor: Actor, enterprise: Enterprise, data: ProposalCreate
) -> EnterpriseChangeProposal:
    """Record a college's proposal; only the fields that differ from the record are kept."""
    if actor.college_id is None:
        raise PermissionDenied(
            N_(
                "Change proposals come from colleges; platform administrators and the "
                "enterprise's contacts change master data directly."
            ),
            code="not_a_college",
        )
    service.require_current(enterprise)
    changes = validated_changes(data.changes)
    values = service.changed_values(enterprise, changes)
    if not values:
        raise _no_changes()
    try:
        service.check_changes(session, enterprise, values)
    except AppError as error:
        raise _prefixed(error) from None
    stored = EnterpriseChanges.model_validate(values).model_dump(mode="json", include=set(values))
    proposal = EnterpriseChangeProposal(
        enterprise_id=enterprise.id,
        college_id=actor.college_id,
        proposed_by_user_id=actor.user_id,
        changes=stored,
        reason=data.reason,
        status=ProposalStatus.OPEN,
    )
    session.add(proposal)
    session.flush()
    _audit(session, actor, "create", proposal, None)
    return proposal


def can_decide(actor: Actor, proposal: EnterpriseChangeProposal) -> bool:
    return proposal.status == ProposalStatus.OPEN and service.can_edit_directly(
        actor, proposal.enterprise
    )


def _require_decider(actor: Actor, proposal: EnterpriseChangeProposal) -> None:
    if not service.can_edit_directly(actor, proposal.enterprise):
        raise PermissionDenied(
            N_("Only the enterprise's own contacts and platform administrators decide proposals."),
            code="not_the_decider",
        )
    if proposal.status != ProposalStatus.OPEN:
        raise Conflict(
            N_("This proposal has already been decided: %(status)s."),
            code="already_decided",
            status=label(PROPOSAL_LABELS, proposal.status),
        )


def accept_proposal(
    session: Session,
    *,
    actor: Actor,
    proposal: EnterpriseChangeProposal,
    data: ProposalDecision | None = None,
) -> EnterpriseChangeProposal:
    """Apply the proposed changes through the ordinary update, then mark the proposal accepted."""
    _require_decider(actor, proposal)
    before = audit.snapshot(proposal, PROPOSAL_FIELDS)
    changes = validated_changes(proposal.changes)
    update = EnterpriseUpdate(**changes.model_dump(exclude_unset=True))
    try:
        service.update_enterprise(session, actor=actor, enterprise=proposal.enterprise, data=update)
    except (ValidationFailed, Conflict) as error:
        raise _prefixed(error) from None
    _decide(proposal, actor, ProposalStatus.ACCEPTED, data.note if data else "")
    session.flush()
    _audit(session, actor, "accept", proposal, before)
    return proposal


def reject_proposal(
    session: Session, *, actor: Actor, proposal: EnterpriseChangeProposal, data: ProposalDecision
) -> EnterpriseChangeProposal:
    """Turn a proposal down, saying why (the college sees the note)."""
    _require_decider(actor, proposal)
    if not data.note:
        raise ValidationFailed.single(
            "note",
            "missing",
            N_("Say why the proposal is rejected, so the college knows what to correct."),
        )
    before = audit.snapshot(proposal, PROPOSAL_FIELDS)
    _decide(proposal, actor, ProposalStatus.REJECTED, data.note)
    session.flush()
    _audit(session, actor, "reject", proposal, before)
    return proposal


def _decide(
    proposal: EnterpriseChangeProposal, actor: Actor, status: ProposalStatus, note: str
) -> None:
    proposal.status = status
    proposal.decided_by_user_id = actor.user_id
    proposal.decided_at = utcnow()
    proposal.decision_note = note


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    proposal: EnterpriseChangeProposal,
    before: dict[str, Any] | None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=proposal,
        college_id=proposal.college_id,
        before=before,
        after=audit.snapshot(proposal, PROPOSAL_FIELDS),
        summary=f"{proposal.enterprise.name}: {', '.join(sorted(proposal.changes))}",
    )
