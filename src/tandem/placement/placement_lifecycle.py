"""A placement's status moves: draft → ready → active → completed, or ended early (with a
reason) from draft, ready or active.

- ready: a self-found placement must be approved; the gate must find no blocking item and
  every warning overridden;
- active: on or after the start date, the gate run again and still passing; records the day it
  started and puts the student on placement;
- completed: on or after the end date; records the day it ended;
- ended early: a reason is required; records the day.

A refusal by the gate is a 409 listing each item (rule id, message and source), so whoever
asked knows what to provide. Every move is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_, get_language
from tandem.people.models import Student, StudentStatus
from tandem.placement import gate, scope
from tandem.placement.gate import GateResult
from tandem.placement.kinds import PlacementSource, PlacementStatus
from tandem.placement.models import Placement
from tandem.placement.placements import pending_approval, record

S = PlacementStatus
MOVES: Final[dict[str, tuple[str, ...]]] = {
    S.READY: (S.DRAFT,),
    S.ACTIVE: (S.READY,),
    S.COMPLETED: (S.ACTIVE,),
    S.ENDED_EARLY: (S.DRAFT, S.READY, S.ACTIVE),
}
ACTIONS: Final = {
    S.READY: "ready",
    S.ACTIVE: "start",
    S.COMPLETED: "complete",
    S.ENDED_EARLY: "end_early",
}


def refusal(result: GateResult, target: str) -> Conflict:
    """The gate's items as a 409: blocking ones, then warnings not yet overridden."""
    language = get_language()
    errors = [
        FieldError(
            "compliance",
            item.rule,
            N_("%(text)s (%(source)s)"),
            {"text": item.text(language), "source": item.cited(language)},
        )
        for item in result.blocking
    ]
    errors += [
        FieldError(
            "compliance",
            item.rule,
            N_("Warning not overridden: %(text)s (%(source)s)"),
            {"text": item.text(language), "source": item.cited(language)},
        )
        for item in result.open_warnings
    ]
    return Conflict(
        N_(
            "The placement cannot become %(target)s: %(blocking)s item(s) bar it and "
            "%(warnings)s warning(s) are not overridden. Provide what each rule needs (or "
            "override a warning with a reason), then try again."
        ),
        code="compliance_blocked",
        errors=errors,
        target=target,
        blocking=len(result.blocking),
        warnings=len(result.open_warnings),
    )


def allowed(actor: Actor, placement: Placement, today: date | None = None) -> list[str]:
    """The moves to offer ``actor`` now (the gate is checked when one is asked for)."""
    if not scope.can_manage_placement(actor, placement):
        return []
    today = today or local_today()
    found = []
    for target, sources in MOVES.items():
        if placement.status not in sources:
            continue
        if target == S.READY and pending_approval(placement):
            continue
        if target == S.ACTIVE and today < placement.start_on:
            continue
        if target == S.COMPLETED and today < placement.end_on:
            continue
        found.append(target.value if isinstance(target, S) else target)
    return found


def _student_status(session: Session, placement: Placement, on: bool) -> None:
    student = session.get(Student, placement.student_id)
    if student is None:
        return
    if on:
        if student.status == StudentStatus.ENROLLED:
            student.status = StudentStatus.ON_PLACEMENT.value
        return
    others = session.scalar(
        select(func.count()).where(
            Placement.student_id == placement.student_id,
            Placement.status == S.ACTIVE,
            Placement.id != placement.id,
        )
    )
    if not others and student.status == StudentStatus.ON_PLACEMENT:
        student.status = StudentStatus.ENROLLED.value


def transition(
    session: Session,
    *,
    actor: Actor,
    placement: Placement,
    to: str,
    reason: str = "",
    today: date | None = None,
) -> Placement:
    if not scope.can_manage_placement(actor, placement):
        raise PermissionDenied()
    today = today or local_today()
    try:
        target = S(to)
    except ValueError:
        raise ValidationFailed.single(
            "to", "unknown_status", N_("Choose ready, active, completed or ended_early.")
        ) from None
    if target not in MOVES or placement.status not in MOVES[target]:
        raise Conflict(
            N_("A placement that is %(status)s cannot become %(target)s."),
            code="invalid_transition",
            status=placement.status,
            target=target.value,
        )
    before = {"status": placement.status}
    if target == S.READY:
        if placement.source == PlacementSource.SELF_FOUND and placement.approved_at is None:
            raise Conflict(
                N_(
                    "This self-found placement is waiting for the office's approval: approve "
                    "it first."
                ),
                code="not_approved",
            )
        result = gate.check(session, placement, today)
        if not result.passes:
            raise refusal(result, target.value)
    elif target == S.ACTIVE:
        if today < placement.start_on:
            raise Conflict(
                N_("The placement starts on %(start)s: it can be started from that day."),
                code="too_early",
                start=placement.start_on.isoformat(),
            )
        result = gate.check(session, placement, today)
        if not result.passes:
            raise refusal(result, target.value)
        placement.started_on = today
        _student_status(session, placement, on=True)
    elif target == S.COMPLETED:
        if today < placement.end_on:
            raise Conflict(
                N_("The placement ends on %(end)s: it can be completed from that day."),
                code="too_early",
                end=placement.end_on.isoformat(),
            )
        placement.ended_on = today
        _student_status(session, placement, on=False)
    else:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationFailed.single(
                "reason",
                "reason_required",
                N_("Give a reason: a placement ended early is recorded with its reason."),
            )
        if len(reason) > 500:
            raise ValidationFailed.single(
                "reason", "too_long", N_("Keep the reason under 500 characters.")
            )
        was_active = placement.status == S.ACTIVE
        placement.ended_on = today
        placement.ended_reason = reason
        if was_active:
            _student_status(session, placement, on=False)
    placement.status = target.value
    session.flush()
    after: dict[str, object] = {"status": placement.status}
    if target == S.ENDED_EARLY:
        after["ended_reason"] = placement.ended_reason
    record(session, actor, ACTIONS[target], placement, before, after)
    return placement
