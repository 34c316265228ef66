"""Steps along an agreement's life cycle: the manual transitions, signatures, renewal, notice
of non-renewal, reviews, and what the calendar does (:func:`advance_by_date`, used by the
reminder job). Flushes and audits, never commits; the rules themselves are in
:mod:`tandem.agreement.lifecycle`.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from tandem.agreement import lifecycle
from tandem.agreement.lifecycle import Action, Right
from tandem.agreement.models import (
    Agreement,
    AgreementMode,
    AgreementSignature,
    AgreementStatus,
    Obligation,
    Party,
)
from tandem.agreement.schemas import (
    NonRenewalNotice,
    RenewalRequest,
    ReviewCreate,
    SignatureCreate,
    TransitionRequest,
)
from tandem.agreement.service import (
    add_event,
    audit_agreement,
    facts,
    has_right,
    require_right,
    snapshot,
)
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.service import check_version
from tandem.kit.dates import add_months, local_today
from tandem.kit.errors import Conflict, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.resource import links as resource_links

S = AgreementStatus


# --- life cycle ----------------------------------------------------------------------------------


def transition(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    data: TransitionRequest,
    today: date | None = None,
) -> Agreement:
    """Take a manual step (submit, return, approve, activate, end, terminate)."""
    today = today or local_today()
    if data.action not in lifecycle.MANUAL_ACTIONS or data.action == Action.RENEW:
        raise ValidationFailed.single(
            "action",
            "not_manual",
            N_("This step happens by signing, renewing or by date, not on request."),
        )
    require_right(actor, agreement, lifecycle.right_for(data.action))
    check_version(agreement, data.version)
    return _move(
        session,
        actor=actor,
        agreement=agreement,
        action=data.action,
        today=today,
        reason=data.reason,
    )


def _move(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    action: Action,
    today: date,
    reason: str = "",
) -> Agreement:
    before = snapshot(agreement)
    current = agreement.status
    target = lifecycle.decide(action, facts(agreement), today=today, reason=reason)
    agreement.status = target
    if target in (S.ENDED, S.TERMINATED, S.RENEWED):
        agreement.closed_on = today
        agreement.close_reason = reason
    session.flush()
    add_event(
        session, actor=actor, agreement=agreement, action=action, from_status=current, reason=reason
    )
    audit_agreement(session, actor, "transition", agreement, before)
    return agreement


def sign(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    data: SignatureCreate,
    today: date | None = None,
) -> Agreement:
    """Record one party's signature; the second one makes the agreement signed."""
    today = today or local_today()
    party = data.party or (
        Party.ENTERPRISE if actor.role == Role.ENTERPRISE_CONTACT else Party.COLLEGE
    )
    _require_signer(actor, agreement, party, data.on_paper)
    check_version(agreement, data.version)
    if agreement.status != S.APPROVED:
        lifecycle.decide(Action.SIGN, facts(agreement), today=today)  # raises: not approved
    if any(s.party == party for s in agreement.signatures):
        raise Conflict(N_("This party has already signed the agreement."), code="already_signed")
    before = snapshot(agreement)
    agreement.signatures.append(
        AgreementSignature(
            party=party,
            signatory_name=data.signatory_name,
            on_paper=data.on_paper,
            user_id=actor.user_id,
            actor_label=actor.display_name or actor.label,
        )
    )
    if party == Party.COLLEGE:
        agreement.college_signatory = data.signatory_name
    else:
        agreement.enterprise_signatory = data.signatory_name
    current = agreement.status
    agreement.status = lifecycle.decide(Action.SIGN, facts(agreement), today=today)
    if agreement.status == S.SIGNED:
        agreement.signed_on = today
    session.flush()
    add_event(
        session,
        actor=actor,
        agreement=agreement,
        action="sign" if agreement.status == S.SIGNED else "signature",
        from_status=current,
        reason=data.signatory_name,
    )
    audit_agreement(session, actor, "sign", agreement, before)
    return agreement


def _require_signer(actor: Actor, agreement: Agreement, party: Party, on_paper: bool) -> None:
    if actor.is_system:
        return
    if actor.role == Role.ENTERPRISE_CONTACT:
        own = agreement.partnership.enterprise_id == actor.enterprise_id
        if party != Party.ENTERPRISE or not own or on_paper:
            raise PermissionDenied(
                N_("An enterprise contact signs only for their own enterprise."),
                code="wrong_party",
            )
        return
    if not has_right(actor, agreement, Right.APPROVE):
        raise PermissionDenied(
            N_("Only the cooperation office signs for the college."), code="wrong_party"
        )
    if party == Party.ENTERPRISE and not on_paper:
        raise ValidationFailed.single(
            "on_paper",
            "enterprise_signs_itself",
            N_(
                "The enterprise signs in Tandem itself. To record a signature made on paper, "
                "tick “signed on paper”."
            ),
        )


def renew(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    data: RenewalRequest,
    today: date | None = None,
) -> Agreement:
    """Mark the agreement renewed and start its successor as a draft with the same modes,
    terms and obligations, running on from the day after it ends."""
    today = today or local_today()
    require_right(actor, agreement, Right.EDIT)
    check_version(agreement, data.version)
    lifecycle.decide(Action.RENEW, facts(agreement), today=today)  # refuses other states
    start = data.start_date or _day_after(agreement.end_date) or today
    length = _months(agreement.start_date, agreement.end_date) or 12
    end = data.end_date or add_months(start, length) - timedelta(days=1)
    if end <= start:
        raise ValidationFailed.single(
            "end_date", "dates_out_of_order", N_("The end date must come after the start date.")
        )
    successor = Agreement(
        college_id=agreement.college_id,
        partnership_id=agreement.partnership_id,
        department_id=agreement.department_id,
        kind=agreement.kind,
        framework_id=agreement.framework_id,
        renews_id=agreement.id,
        title=agreement.title,
        status=S.DRAFT,
        start_date=start,
        end_date=end,
        auto_renew=agreement.auto_renew,
        renewal_months=agreement.renewal_months,
        notice_days=agreement.notice_days,
        value_money=agreement.value_money,
        value_in_kind=agreement.value_in_kind,
        value_in_kind_note=agreement.value_in_kind_note,
        review_every_months=agreement.review_every_months,
        summary=agreement.summary,
    )
    successor.partnership = agreement.partnership
    for mode in agreement.modes:
        successor.modes.append(AgreementMode(mode=mode.mode, terms=dict(mode.terms)))
    shift = (start - agreement.start_date) if agreement.start_date else None
    for obligation in agreement.obligations:
        successor.obligations.append(
            Obligation(
                college_id=agreement.college_id,
                party=obligation.party,
                mode=obligation.mode,
                description=obligation.description,
                quantity=obligation.quantity,
                unit=obligation.unit,
                period=obligation.period,
                register_category=obligation.register_category,
                starts_on=obligation.starts_on + shift if shift else start,
                due_on=min(obligation.due_on + shift, end) if shift else end,
            )
        )
    session.add(successor)
    session.flush()
    add_event(
        session,
        actor=actor,
        agreement=successor,
        action="create",
        from_status=None,
        reason=f"#{agreement.id}",
    )
    audit_agreement(session, actor, "create", successor, None)
    resource_links.carry_over(session, actor=actor, source=agreement, target=successor)
    _move(
        session,
        actor=actor,
        agreement=agreement,
        action=Action.RENEW,
        today=today,
        reason=f"#{successor.id}",
    )
    return successor


def _day_after(day: date | None) -> date | None:
    return date.fromordinal(day.toordinal() + 1) if day else None


def _months(start: date | None, end: date | None) -> int | None:
    if start is None or end is None:
        return None
    return max(1, (end.year - start.year) * 12 + end.month - start.month)


def give_notice_of_non_renewal(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    data: NonRenewalNotice,
    today: date | None = None,
) -> Agreement:
    """Stop an auto-renewing agreement from renewing itself, within the notice period."""
    today = today or local_today()
    require_right(actor, agreement, Right.APPROVE)
    check_version(agreement, data.version)
    if not agreement.auto_renew or agreement.status not in lifecycle.IN_FORCE | {S.SIGNED}:
        raise Conflict(
            N_("Only an auto-renewing agreement in force can be given notice of non-renewal."),
            code="not_auto_renewing",
        )
    if agreement.end_date and (agreement.end_date - today).days < agreement.notice_days:
        raise Conflict(
            N_(
                "Notice of non-renewal must be given %(days)s days before the end "
                "(%(end)s); that date has passed, so the agreement renews once more."
            ),
            code="notice_too_late",
            days=agreement.notice_days,
            end=str(agreement.end_date),
        )
    before = snapshot(agreement)
    agreement.auto_renew = False
    session.flush()
    add_event(
        session,
        actor=actor,
        agreement=agreement,
        action="non_renewal",
        from_status=agreement.status,
        reason=data.reason,
    )
    audit_agreement(session, actor, "non_renewal", agreement, before)
    return agreement


def record_review(
    session: Session, *, actor: Actor, agreement: Agreement, data: ReviewCreate
) -> Agreement:
    """A review held: the next one falls due ``review_every_months`` later (or as given)."""
    require_right(actor, agreement, Right.EDIT)
    before = snapshot(agreement)
    if data.next_review_on is not None:
        if data.next_review_on <= data.held_on:
            raise ValidationFailed.single(
                "next_review_on",
                "dates_out_of_order",
                N_("The next review must come after this one."),
            )
        agreement.next_review_on = data.next_review_on
    else:
        agreement.next_review_on = add_months(data.held_on, agreement.review_every_months or 12)
    session.flush()
    add_event(
        session,
        actor=actor,
        agreement=agreement,
        action="review",
        from_status=agreement.status,
        reason=data.note,
    )
    audit_agreement(session, actor, "review", agreement, before)
    return agreement


# --- by date (the reminder job) ------------------------------------------------------------------


def advance_by_date(
    session: Session, *, actor: Actor, agreement: Agreement, today: date
) -> list[Action]:
    """Apply what the calendar says: activate on the start date, mark expiring 90 days before
    the end, renew an auto-renewing agreement at its end, end the others once past it."""
    taken: list[Action] = []
    f = facts(agreement)
    starts = f.status == S.SIGNED and f.start_date is not None and f.start_date <= today
    if starts and not lifecycle.requirements(S.ACTIVE, f):
        _move(session, actor=actor, agreement=agreement, action=Action.ACTIVATE, today=today)
        taken.append(Action.ACTIVATE)
    f = facts(agreement)
    if lifecycle.is_past_end(f, today) and agreement.end_date and agreement.start_date:
        if agreement.auto_renew:
            before = snapshot(agreement)
            current = agreement.status
            agreement.end_date = lifecycle.renewed_end(
                agreement.start_date, agreement.end_date, agreement.renewal_months, today
            )
            agreement.status = S.ACTIVE
            session.flush()
            add_event(
                session,
                actor=actor,
                agreement=agreement,
                action=Action.AUTO_RENEW,
                from_status=current,
                reason=str(agreement.end_date),
            )
            audit_agreement(session, actor, "transition", agreement, before)
            taken.append(Action.AUTO_RENEW)
        else:
            _move(session, actor=actor, agreement=agreement, action=Action.END, today=today)
            taken.append(Action.END)
    elif lifecycle.is_due_to_expire(facts(agreement), today):
        _move(session, actor=actor, agreement=agreement, action=Action.EXPIRE, today=today)
        taken.append(Action.EXPIRE)
    return taken
