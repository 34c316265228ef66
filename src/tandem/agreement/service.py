"""Business rules for agreements: drafting with per-mode terms, the life cycle, signatures,
renewals and reviews. Flushes and audits, never commits.

Who may do what: the cooperation office everything; a department coordinator drafts, submits
and renews the agreements of their own department; an enterprise contact signs for their own
enterprise. Terms change only while the agreement is a draft or in review.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from tandem.agreement import lifecycle, repository
from tandem.agreement.lifecycle import Action, Facts, Right
from tandem.agreement.models import (
    Agreement,
    AgreementEvent,
    AgreementKind,
    AgreementMode,
    AgreementSignature,
    AgreementStatus,
    Obligation,
    Party,
)
from tandem.agreement.modes import Mode, check_terms, missing_terms
from tandem.agreement.schemas import (
    AgreementCreate,
    AgreementUpdate,
    NonRenewalNotice,
    RenewalRequest,
    ReviewCreate,
    SignatureCreate,
    TransitionRequest,
)
from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.models import Department
from tandem.college.service import check_version
from tandem.kit.dates import add_months, local_today
from tandem.kit.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership

S = AgreementStatus
AGREEMENT_FIELDS = (
    "partnership_id",
    "department_id",
    "kind",
    "framework_id",
    "renews_id",
    "title",
    "number",
    "status",
    "college_signatory",
    "enterprise_signatory",
    "start_date",
    "end_date",
    "auto_renew",
    "renewal_months",
    "notice_days",
    "value_money",
    "value_in_kind",
    "value_in_kind_note",
    "review_every_months",
    "next_review_on",
    "signed_on",
    "closed_on",
    "close_reason",
    "summary",
)
PLAIN_FIELDS = tuple(
    f
    for f in AgreementUpdate.model_fields
    if f not in ("modes", "terms", "version", "department_id", "framework_id")
)


# --- rights --------------------------------------------------------------------------------------


def _own_college(actor: Actor, agreement: Agreement) -> bool:
    return actor.is_platform_wide or actor.college_id == agreement.college_id


def has_right(actor: Actor, agreement: Agreement, right: Right) -> bool:
    if right == Right.SYSTEM:
        return actor.is_system
    if right == Right.SIGN:
        return actor.can(Permission.AGREEMENT_SIGN)
    if not _own_college(actor, agreement) or actor.role == Role.ENTERPRISE_CONTACT:
        return False
    if right == Right.APPROVE:
        return actor.can(Permission.AGREEMENT_APPROVE)
    if not actor.can(Permission.AGREEMENT_MANAGE):
        return False
    if actor.role == Role.DEPARTMENT_COORDINATOR:
        return agreement.department_id == actor.department_id
    return True


def can_edit(actor: Actor, agreement: Agreement) -> bool:
    return agreement.status in lifecycle.EDITABLE and has_right(actor, agreement, Right.EDIT)


def _require(actor: Actor, agreement: Agreement, right: Right) -> None:
    if not has_right(actor, agreement, right):
        if actor.role == Role.DEPARTMENT_COORDINATOR and right == Right.EDIT:
            raise PermissionDenied(
                N_("Department coordinators manage only their own department's agreements."),
                code="other_department",
            )
        raise PermissionDenied()


def actions_for(actor: Actor, agreement: Agreement) -> list[Action]:
    """The manual steps this actor may take from the agreement's state."""
    return [
        action
        for action in lifecycle.allowed_actions(agreement.status)
        if has_right(actor, agreement, lifecycle.right_for(action))
    ]


# --- facts ---------------------------------------------------------------------------------------


def facts(agreement: Agreement) -> Facts:
    return Facts(
        status=agreement.status,
        kind=agreement.kind,
        title=agreement.title,
        department_id=agreement.department_id,
        modes=tuple(m.mode for m in agreement.modes),
        missing_terms={
            m.mode: tuple(missing_terms(Mode(m.mode), m.terms)) for m in agreement.modes
        },
        start_date=agreement.start_date,
        end_date=agreement.end_date,
        number=agreement.number,
        college_signatory=agreement.college_signatory,
        enterprise_signatory=agreement.enterprise_signatory,
        signed_parties=frozenset(s.party for s in agreement.signatures),
        auto_renew=agreement.auto_renew,
    )


def missing_by_mode(agreement: Agreement) -> dict[int, list[str]]:
    return {m.mode: missing_terms(Mode(m.mode), m.terms) for m in agreement.modes}


# --- checks --------------------------------------------------------------------------------------


def _check_partnership(session: Session, actor: Actor, partnership_id: int) -> Partnership:
    partnership = session.get(Partnership, partnership_id)
    if partnership is None or not (
        actor.is_platform_wide or partnership.college_id == actor.college_id
    ):
        raise ValidationFailed.single(
            "partnership_id", "unknown_record", N_("Choose a partnership of your college.")
        )
    return partnership


def _check_department(
    session: Session, actor: Actor, college_id: int, department_id: int | None
) -> None:
    if department_id is None:
        return
    department = session.get(Department, department_id)
    if department is None or department.college_id != college_id:
        raise ValidationFailed.single(
            "department_id", "unknown_record", N_("Choose a department of this college.")
        )
    if actor.role == Role.DEPARTMENT_COORDINATOR and department_id != actor.department_id:
        raise PermissionDenied(
            N_("Department coordinators manage only their own department's agreements."),
            code="other_department",
        )


def _check_framework(
    session: Session, partnership_id: int, kind: str, framework_id: int | None
) -> None:
    if framework_id is None:
        return
    framework = session.get(Agreement, framework_id)
    if kind == AgreementKind.FRAMEWORK:
        raise ValidationFailed.single(
            "framework_id",
            "framework_nested",
            N_("A framework agreement cannot sit under another framework agreement."),
        )
    if (
        framework is None
        or framework.kind != AgreementKind.FRAMEWORK
        or framework.partnership_id != partnership_id
    ):
        raise ValidationFailed.single(
            "framework_id",
            "unknown_record",
            N_("Choose a framework agreement of the same partnership."),
        )


def _check_number(session: Session, college_id: int, number: str, other_than: int | None) -> None:
    if number and repository.number_taken(
        session, college_id=college_id, number=number, other_than=other_than
    ):
        message = N_("Another agreement of the college already has the number %(value)s.")
        raise Conflict(
            message,
            code="duplicate",
            errors=[FieldError("number", "duplicate", message, {"value": number})],
            value=number,
        )


def _checked_terms(
    kind: str, modes: list[int], terms: dict[str, dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """The terms of each chosen mode, checked (partial terms are fine for now)."""
    if kind == AgreementKind.FRAMEWORK and modes:
        raise ValidationFailed.single(
            "modes",
            "framework_modes",
            N_("A framework agreement has no modes of its own: put them in mode agreements."),
        )
    errors: list[FieldError] = []
    checked: dict[int, dict[str, Any]] = {}
    for key, values in terms.items():
        if not key.strip().isdigit() or int(key) not in modes:
            errors.append(
                FieldError(
                    f"terms.{key}",
                    "mode_not_chosen",
                    N_("Terms are given for mode %(value)s, which the agreement does not have."),
                    {"value": key},
                )
            )
            continue
        try:
            checked[int(key)] = check_terms(Mode(int(key)), values)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors=errors)
    return checked


def _set_modes(agreement: Agreement, modes: list[int], terms: dict[int, dict[str, Any]]) -> None:
    current = {m.mode: m for m in agreement.modes}
    for mode in list(current):
        if mode not in modes:
            agreement.modes.remove(current[mode])
    for mode in modes:
        if mode in current:
            if mode in terms:
                current[mode].terms = terms[mode]
        else:
            agreement.modes.append(AgreementMode(mode=mode, terms=terms.get(mode, {})))
    agreement.modes.sort(key=lambda m: m.mode)


def _enforce_state(agreement: Agreement) -> None:
    """What the agreement's current state requires still holds after an edit."""
    problems = lifecycle.requirements(agreement.status, facts(agreement))
    if problems:
        raise ValidationFailed(errors=problems)


def _snapshot(agreement: Agreement) -> dict[str, Any]:
    values = audit.snapshot(agreement, AGREEMENT_FIELDS)
    values["modes"] = {str(m.mode): m.terms for m in agreement.modes}
    return values


def _audit(
    session: Session, actor: Actor, action: str, agreement: Agreement, before: dict[str, Any] | None
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=agreement,
        college_id=agreement.college_id,
        before=before,
        after=_snapshot(agreement),
        summary=agreement.title,
    )


def add_event(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    action: str,
    from_status: str | None,
    reason: str = "",
) -> AgreementEvent:
    event = AgreementEvent(
        agreement_id=agreement.id,
        college_id=agreement.college_id,
        action=action,
        from_status=from_status,
        to_status=agreement.status,
        reason=reason,
        actor_user_id=actor.user_id,
        actor_label=actor.display_name or actor.label,
    )
    session.add(event)
    return event


# --- drafting ------------------------------------------------------------------------------------


def create_agreement(
    session: Session,
    *,
    actor: Actor,
    data: AgreementCreate,
    status: AgreementStatus = S.DRAFT,
    imported: bool = False,
) -> Agreement:
    """A new draft (an import may record an agreement already in a later state)."""
    if not actor.can(Permission.AGREEMENT_MANAGE):
        raise PermissionDenied()
    partnership = _check_partnership(session, actor, data.partnership_id)
    department_id = data.department_id
    if department_id is None and data.kind == AgreementKind.MODE:
        department_id = (
            actor.department_id
            if actor.role == Role.DEPARTMENT_COORDINATOR
            else partnership.department_id
        )
    _check_department(session, actor, partnership.college_id, department_id)
    _check_framework(session, partnership.id, data.kind, data.framework_id)
    _check_number(session, partnership.college_id, data.number, None)
    terms = _checked_terms(data.kind, data.modes, data.terms)
    values = data.model_dump(exclude={"partnership_id", "department_id", "modes", "terms"})
    agreement = Agreement(
        college_id=partnership.college_id,
        partnership_id=partnership.id,
        department_id=department_id,
        status=status,
        imported=imported,
        **values,
    )
    agreement.partnership = partnership
    _set_modes(agreement, data.modes, terms)
    if not imported:
        _enforce_state(agreement)
    session.add(agreement)
    session.flush()
    add_event(
        session,
        actor=actor,
        agreement=agreement,
        action="import" if imported else "create",
        from_status=None,
    )
    _audit(session, actor, "create", agreement, None)
    return agreement


def update_agreement(
    session: Session, *, actor: Actor, agreement: Agreement, data: AgreementUpdate
) -> Agreement:
    _require(actor, agreement, Right.EDIT)
    check_version(agreement, data.version)
    values = data.model_dump(exclude_unset=True, exclude={"version"})
    if agreement.status not in lifecycle.EDITABLE:
        allowed = {"summary", "next_review_on", "review_every_months"}
        if set(values) - allowed:
            raise Conflict(
                N_(
                    "The agreement has been approved: its terms no longer change. Renew it, or "
                    "terminate it and draft a new one."
                ),
                code="not_editable",
            )
    before = _snapshot(agreement)
    # A savepoint, so a refused edit leaves the agreement as it was (also in memory).
    with session.begin_nested():
        if "department_id" in values:
            if values["department_id"] is None and actor.role == Role.DEPARTMENT_COORDINATOR:
                raise PermissionDenied(code="other_department")
            _check_department(session, actor, agreement.college_id, values["department_id"])
            agreement.department_id = values["department_id"]
        if "framework_id" in values:
            _check_framework(
                session, agreement.partnership_id, agreement.kind, values["framework_id"]
            )
            agreement.framework_id = values["framework_id"]
        if "number" in values and values["number"] is not None:
            _check_number(session, agreement.college_id, values["number"], agreement.id)
        modes = values.get("modes")
        if modes is None:
            modes = agreement.mode_numbers
        terms = _checked_terms(agreement.kind, modes, values.get("terms") or {})
        if "modes" in values or terms:
            _set_modes(agreement, modes, terms)
        nullable = {
            "start_date",
            "end_date",
            "renewal_months",
            "review_every_months",
            "next_review_on",
        }
        for name in PLAIN_FIELDS:
            if name in values and (values[name] is not None or name in nullable):
                setattr(agreement, name, values[name])
        _enforce_state(agreement)
        session.flush()
    if _snapshot(agreement) != before:
        _audit(session, actor, "update", agreement, before)
    return agreement


def delete_agreement(session: Session, *, actor: Actor, agreement: Agreement) -> None:
    """Only a draft may be deleted; later an agreement ends or is terminated, with its record."""
    _require(actor, agreement, Right.EDIT)
    if agreement.status != S.DRAFT:
        raise Conflict(
            N_("Only a draft can be deleted; terminate an agreement instead."),
            code="not_draft",
        )
    if repository.framework_children(session, agreement):
        raise Conflict(
            N_("Mode agreements sit under this framework agreement: move or delete them first."),
            code="has_children",
        )
    before = _snapshot(agreement)
    _audit(session, actor, "delete", agreement, before)
    session.delete(agreement)
    session.flush()


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
    _require(actor, agreement, lifecycle.right_for(data.action))
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
    before = _snapshot(agreement)
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
    _audit(session, actor, "transition", agreement, before)
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
    before = _snapshot(agreement)
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
        reason=f"{party.value}: {data.signatory_name}",
    )
    _audit(session, actor, "sign", agreement, before)
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
    _require(actor, agreement, Right.EDIT)
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
    _audit(session, actor, "create", successor, None)
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
    _require(actor, agreement, Right.APPROVE)
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
    before = _snapshot(agreement)
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
    _audit(session, actor, "non_renewal", agreement, before)
    return agreement


def record_review(
    session: Session, *, actor: Actor, agreement: Agreement, data: ReviewCreate
) -> Agreement:
    """A review held: the next one falls due ``review_every_months`` later (or as given)."""
    _require(actor, agreement, Right.EDIT)
    before = _snapshot(agreement)
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
    _audit(session, actor, "review", agreement, before)
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
            before = _snapshot(agreement)
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
            _audit(session, actor, "transition", agreement, before)
            taken.append(Action.AUTO_RENEW)
        else:
            _move(session, actor=actor, agreement=agreement, action=Action.END, today=today)
            taken.append(Action.END)
    elif lifecycle.is_due_to_expire(facts(agreement), today):
        _move(session, actor=actor, agreement=agreement, action=Action.EXPIRE, today=today)
        taken.append(Action.EXPIRE)
    return taken
