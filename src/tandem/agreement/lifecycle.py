"""The agreement life cycle as an explicit state machine (pure: plain data in, a decision out).

    draft ─submit→ in_review ─approve→ approved ─(both parties sign)→ signed ─activate→ active
      ↑              │                                                        │        │
      └───return─────┘                                     (90 days before end) expire │
                                                                              ↓        │
          renewed ←─renew── active / expiring ──end→ ended            expiring ←──────┘
                               └──terminate (also from signed; reason required)→ terminated

An auto-renewing agreement never becomes expiring or ended by date: at its end it runs on for
another term (``auto_renew``). Required fields depend on the state: from review on, a mode
agreement needs its department, dates in order and every required term of each mode; signing
needs the agreement number and both signatories.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from tandem.agreement.labels import action_label, status_label
from tandem.agreement.models import AgreementKind, AgreementStatus, Party
from tandem.kit.dates import add_months
from tandem.kit.errors import Conflict, FieldError, ValidationFailed
from tandem.kit.i18n import N_

S = AgreementStatus
EXPIRY_WINDOW = timedelta(days=90)
REMINDER_DAYS = (90, 30)


class Action(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"
    SIGN = "sign"  # the last signature moves approved → signed
    ACTIVATE = "activate"
    EXPIRE = "expire"  # system: the end is near
    AUTO_RENEW = "auto_renew"  # system: the end has come and the agreement renews itself
    RENEW = "renew"
    END = "end"
    TERMINATE = "terminate"


class Right(StrEnum):
    """What an actor must be able to do to take an action (the service maps roles to rights)."""

    EDIT = "edit"  # the department's coordinator or the cooperation office
    APPROVE = "approve"  # the cooperation office
    SIGN = "sign"  # each party for itself
    SYSTEM = "system"  # the reminder job (and the CLI)


TRANSITIONS: dict[Action, tuple[tuple[AgreementStatus, ...], AgreementStatus, Right]] = {
    Action.SUBMIT: ((S.DRAFT,), S.IN_REVIEW, Right.EDIT),
    Action.RETURN: ((S.IN_REVIEW,), S.DRAFT, Right.EDIT),
    Action.APPROVE: ((S.IN_REVIEW,), S.APPROVED, Right.APPROVE),
    Action.SIGN: ((S.APPROVED,), S.SIGNED, Right.SIGN),
    Action.ACTIVATE: ((S.SIGNED,), S.ACTIVE, Right.EDIT),
    Action.EXPIRE: ((S.ACTIVE,), S.EXPIRING, Right.SYSTEM),
    Action.AUTO_RENEW: ((S.ACTIVE, S.EXPIRING), S.ACTIVE, Right.SYSTEM),
    Action.RENEW: ((S.ACTIVE, S.EXPIRING), S.RENEWED, Right.EDIT),
    Action.END: ((S.ACTIVE, S.EXPIRING), S.ENDED, Right.APPROVE),
    Action.TERMINATE: ((S.SIGNED, S.ACTIVE, S.EXPIRING), S.TERMINATED, Right.APPROVE),
}
# Actions a person chooses on a page (the others happen through signing or the reminder job).
MANUAL_ACTIONS = (
    Action.SUBMIT,
    Action.RETURN,
    Action.APPROVE,
    Action.ACTIVATE,
    Action.RENEW,
    Action.END,
    Action.TERMINATE,
)
REASON_REQUIRED = frozenset({Action.RETURN, Action.TERMINATE})
EDITABLE = frozenset({S.DRAFT, S.IN_REVIEW})  # terms change only before approval
IN_FORCE = frozenset({S.ACTIVE, S.EXPIRING})
CLOSED = frozenset({S.RENEWED, S.ENDED, S.TERMINATED})
COMPLETE_FROM = frozenset(set(S) - {S.DRAFT})  # states that need complete terms
SIGNED_FROM = frozenset({S.SIGNED, S.ACTIVE, S.EXPIRING, S.RENEWED, S.ENDED})


@dataclass(frozen=True)
class Facts:
    """What the state machine needs to know about an agreement."""

    status: str
    kind: str = AgreementKind.MODE
    title: str = ""
    department_id: int | None = None
    modes: tuple[int, ...] = ()
    missing_terms: dict[int, tuple[str, ...]] = field(default_factory=dict)
    start_date: date | None = None
    end_date: date | None = None
    number: str = ""
    college_signatory: str = ""
    enterprise_signatory: str = ""
    signed_parties: frozenset[str] = frozenset()
    auto_renew: bool = False


def allowed_actions(status: str) -> tuple[Action, ...]:
    return tuple(a for a in MANUAL_ACTIONS if status in TRANSITIONS[a][0])


def right_for(action: Action) -> Right:
    return TRANSITIONS[action][2]


def requirements(target: str, facts: Facts) -> list[FieldError]:
    """What ``facts`` lack to be in state ``target`` (empty when nothing)."""
    problems: list[FieldError] = []

    def need(name: str, code: str, message: str, **params: object) -> None:
        problems.append(FieldError(name, code, message, dict(params)))

    if not facts.title.strip():
        need("title", "missing", N_("Enter the agreement's title."))
    if facts.start_date and facts.end_date and facts.end_date <= facts.start_date:
        need("end_date", "dates_out_of_order", N_("The end date must come after the start date."))
    if target not in COMPLETE_FROM:
        return problems
    if facts.start_date is None:
        need("start_date", "missing", N_("Enter the start date before the agreement goes on."))
    if facts.end_date is None:
        need("end_date", "missing", N_("Enter the end date before the agreement goes on."))
    if facts.kind == AgreementKind.MODE:
        if facts.department_id is None:
            need("department_id", "missing", N_("Choose the department the agreement belongs to."))
        if not facts.modes:
            need("modes", "missing", N_("Choose at least one mode of cooperation."))
        for mode in facts.modes:
            for name in facts.missing_terms.get(mode, ()):
                need(
                    f"terms.{mode}.{name}",
                    "terms_missing",
                    N_("Mode %(mode)s needs this term before the agreement goes on."),
                    mode=mode,
                )
    if target in SIGNED_FROM:
        if not facts.number.strip():
            need("number", "missing", N_("Enter the agreement number before it is signed."))
        if not facts.college_signatory.strip():
            need("college_signatory", "missing", N_("Name the college's signatory."))
        if not facts.enterprise_signatory.strip():
            need("enterprise_signatory", "missing", N_("Name the enterprise's signatory."))
    return problems


def decide(action: Action, facts: Facts, *, today: date, reason: str = "") -> AgreementStatus:
    """The state ``action`` leads to, or an error that says why it cannot be taken."""
    sources, target, _ = TRANSITIONS[action]
    if facts.status not in sources:
        message = N_("An agreement that is %(current)s cannot take the step “%(action)s”.")
        params = {"current": status_label(facts.status), "action": action_label(action)}
        raise Conflict(
            message,
            code="invalid_transition",
            errors=[FieldError("action", "invalid_transition", message, params)],
            **params,
        )
    if action in REASON_REQUIRED and not reason.strip():
        raise ValidationFailed.single(
            "reason", "reason_required", N_("Give the reason: it is kept on the timeline.")
        )
    if action == Action.SIGN and facts.signed_parties != {Party.COLLEGE, Party.ENTERPRISE}:
        return AgreementStatus(facts.status)  # one signature so far: still approved
    if action == Action.ACTIVATE and (facts.start_date is None or facts.start_date > today):
        raise ValidationFailed.single(
            "start_date",
            "not_started",
            N_("The agreement starts on %(start)s; it can be activated from that day."),
            start=str(facts.start_date),
        )
    if action == Action.EXPIRE and not is_due_to_expire(facts, today):
        raise Conflict(N_("The agreement is not within 90 days of its end."), code="not_expiring")
    if action == Action.AUTO_RENEW and not (
        facts.auto_renew and facts.end_date and facts.end_date < today
    ):
        raise Conflict(N_("Only an auto-renewing agreement past its end renews itself."))
    if action == Action.END and facts.end_date and facts.end_date >= today and not reason.strip():
        raise ValidationFailed.single(
            "reason",
            "reason_required",
            N_("The agreement runs until %(end)s: to end it earlier, give the reason."),
            end=str(facts.end_date),
        )
    problems = requirements(target, facts)
    if problems:
        raise ValidationFailed(errors=problems)
    return target


def is_due_to_expire(facts: Facts, today: date) -> bool:
    """Active, ending within 90 days, and not renewing itself."""
    return (
        facts.status == S.ACTIVE
        and not facts.auto_renew
        and facts.end_date is not None
        and facts.end_date - today <= EXPIRY_WINDOW
    )


def is_past_end(facts: Facts, today: date) -> bool:
    return facts.status in IN_FORCE and facts.end_date is not None and facts.end_date < today


def renewed_end(start: date, end: date, renewal_months: int | None, today: date) -> date:
    """The end after as many renewal terms as it takes to reach ``today`` (a term defaults to
    the agreement's own length in whole months, at least one)."""
    months = renewal_months or max(1, (end.year - start.year) * 12 + end.month - start.month)
    new_end = end
    while new_end < today:
        new_end = add_months(new_end, months)
    return new_end
