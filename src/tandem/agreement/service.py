"""Business rules for agreements: drafting with per-mode terms, the life cycle, signatures,
renewals and reviews. Flushes and audits, never commits.

Who may do what: the cooperation office everything; a department coordinator drafts, submits
and renews the agreements of their own department; an enterprise contact signs for their own
enterprise. Terms change only while the agreement is a draft or in review.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tandem.agreement import lifecycle, repository
from tandem.agreement.lifecycle import Action, Facts, Right
from tandem.agreement.models import (
    Agreement,
    AgreementEvent,
    AgreementKind,
    AgreementMode,
    AgreementStatus,
)
from tandem.agreement.modes import Mode, check_terms, missing_terms
from tandem.agreement.schemas import (
    AgreementCreate,
    AgreementUpdate,
)
from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.models import Department
from tandem.college.service import check_version
from tandem.kit.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership
from tandem.resource import links as resource_links

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


def require_right(actor: Actor, agreement: Agreement, right: Right) -> None:
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


def _check_imported(agreement: Agreement) -> None:
    """An imported agreement beyond a draft was signed: it needs what signing needs, except the
    terms; a draft has no signing day."""
    if agreement.status == S.DRAFT:
        if agreement.signed_on is not None:
            raise ValidationFailed.single(
                "signed_on",
                "signed_draft",
                N_(
                    "A draft has not been signed: leave this blank, or give the agreement's status."
                ),
            )
        _enforce_state(agreement)
        return
    problems = [
        p
        for p in lifecycle.requirements(S.SIGNED, facts(agreement))
        if not p.field.startswith("terms.")
    ]
    if problems:
        raise ValidationFailed(errors=problems)


def snapshot(agreement: Agreement) -> dict[str, Any]:
    values = audit.snapshot(agreement, AGREEMENT_FIELDS)
    values["modes"] = {str(m.mode): m.terms for m in agreement.modes}
    return values


def audit_agreement(
    session: Session, actor: Actor, action: str, agreement: Agreement, before: dict[str, Any] | None
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=agreement,
        college_id=agreement.college_id,
        before=before,
        after=snapshot(agreement),
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
    signed_on: date | None = None,
) -> Agreement:
    """A new draft. An import records an existing agreement in the state it is in, with the
    day it was signed; its terms may be missing (paper registers rarely hold them), but a
    signed agreement needs its number, dates and signatories."""
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
        signed_on=signed_on,
        **values,
    )
    agreement.partnership = partnership
    _set_modes(agreement, data.modes, terms)
    if imported:
        _check_imported(agreement)
    else:
        _enforce_state(agreement)
    session.add(agreement)
    session.flush()
    resource_links.autolink_terms(session, actor=actor, agreement=agreement)
    add_event(
        session,
        actor=actor,
        agreement=agreement,
        action="import" if imported else "create",
        from_status=None,
    )
    audit_agreement(session, actor, "create", agreement, None)
    return agreement


def update_agreement(
    session: Session, *, actor: Actor, agreement: Agreement, data: AgreementUpdate
) -> Agreement:
    require_right(actor, agreement, Right.EDIT)
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
    before = snapshot(agreement)
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
            resource_links.autolink_terms(session, actor=actor, agreement=agreement)
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
    if snapshot(agreement) != before:
        audit_agreement(session, actor, "update", agreement, before)
    return agreement


def delete_agreement(session: Session, *, actor: Actor, agreement: Agreement) -> None:
    """Only a draft may be deleted; later an agreement ends or is terminated, with its record."""
    require_right(actor, agreement, Right.EDIT)
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
    before = snapshot(agreement)
    audit_agreement(session, actor, "delete", agreement, before)
    session.delete(agreement)
    session.flush()
