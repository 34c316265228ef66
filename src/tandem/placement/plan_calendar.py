"""A placement plan's calendar and phases: the checks on the term and the phase dates, the
rights to manage a plan, the moves from phase to phase, and the summary for the plan's page.

Split out of :mod:`tandem.placement.plans`, which re-exports every name here that other modules
use (``plans.move_phase``, ``plans.summary`` ...). A plan moves forward one phase at a time, in
the order of :data:`PHASES`; the one move back is from results to student ranking, which opens
a second round for the students not yet placed. Each move is audited and announced to those
who must act (:func:`tandem.placement.notices.announce_phase`). Writes flush, never commit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.config import Settings
from tandem.kit.errors import Conflict, FieldError, PermissionDenied
from tandem.kit.i18n import N_
from tandem.people.models import SchoolClass, Student
from tandem.placement import notices, scope
from tandem.placement.capacity import plan_caps
from tandem.placement.cohort import eligibility
from tandem.placement.kinds import PHASES, Phase, PositionStatus
from tandem.placement.models import AllocationRound, PlacementPlan, Position, Preference
from tandem.placement.schemas_plans import CALENDAR, CalendarStep, PlanSummary

# The phase whose work starts on each calendar date.
PHASE_DATES = {
    Phase.POSITIONS: "positions_open_on",
    Phase.STUDENT_RANKING: "ranking_opens_on",
    Phase.HOST_RANKING: "ranking_closes_on",
    Phase.ALLOCATION: "host_ranking_closes_on",
    Phase.RESULTS: "results_on",
}
NOT_YOURS = N_("Department coordinators manage only their own department's placement plans.")


def require_manage(actor: Actor, plan: PlacementPlan) -> None:
    if not scope.can_manage_plan(actor, plan):
        coordinator = actor.role == Role.DEPARTMENT_COORDINATOR
        raise PermissionDenied(
            NOT_YOURS if coordinator else None, code="other_department" if coordinator else None
        )


def past_positions(phase: str) -> bool:
    """Whether a plan in ``phase`` is past the positions phase (students rank, or have ranked:
    rounds and placements may rest on its terms)."""
    return PHASES.index(Phase(phase)) > PHASES.index(Phase.POSITIONS)


# --- checks --------------------------------------------------------------------------------------


def calendar_errors(values: dict[str, Any]) -> list[FieldError]:
    """The term and the phase dates: the term ends after it starts; the phase dates come in
    order and (but the results) no later than the term's start."""
    errors: list[FieldError] = []
    start, end = values.get("term_start"), values.get("term_end")
    if start and end and end <= start:
        errors.append(
            FieldError(
                "term_end",
                "term_end_before_start",
                N_("The term must end after it starts (%(start)s): choose a later end date."),
                {"start": start.isoformat()},
            )
        )
    previous: tuple[str, date] | None = None
    for name in CALENDAR:
        day = values.get(name)
        if day is None:
            continue
        if previous is not None and day < previous[1]:
            errors.append(
                FieldError(
                    name,
                    "calendar_out_of_order",
                    N_(
                        "This date is before an earlier phase's date (%(day)s): the phases "
                        "run in order, so choose %(day)s or later."
                    ),
                    {"day": previous[1].isoformat()},
                )
            )
        elif name != "results_on" and start and day > start:
            errors.append(
                FieldError(
                    name,
                    "calendar_after_start",
                    N_(
                        "Allocation must be done before the placements start: choose a date "
                        "no later than the term's start (%(start)s)."
                    ),
                    {"start": start.isoformat()},
                )
            )
        previous = (name, day)
    return errors


# --- phases --------------------------------------------------------------------------------------


def allowed_moves(phase: str) -> list[Phase]:
    """The phases a plan in ``phase`` may move to: the next one, and from results back to
    student ranking (a second round)."""
    current = Phase(phase)
    index = PHASES.index(current)
    moves = [PHASES[index + 1]] if index + 1 < len(PHASES) else []
    if current == Phase.RESULTS:
        moves.append(Phase.STUDENT_RANKING)
    return moves


def move_phase(
    session: Session, *, actor: Actor, plan: PlacementPlan, phase: Phase, settings: Settings
) -> int:
    """Move the plan to ``phase``; the number of people told. Refused (409) when the move is
    not one step forward (or the second round's step back)."""
    require_manage(actor, plan)
    if phase not in allowed_moves(plan.phase):
        allowed = ", ".join(p.value for p in allowed_moves(plan.phase)) or "—"
        raise Conflict(
            N_(
                "A plan in phase %(current)s cannot move to %(target)s: it moves one phase at "
                "a time (now: %(allowed)s)."
            ),
            code="phase_order",
            current=plan.phase,
            target=phase.value,
            allowed=allowed,
        )
    if phase == Phase.RESULTS and notices.published_rounds(session, plan.id) == 0:
        raise Conflict(
            N_("No round of this plan is published yet: publish a round on the rounds page."),
            code="no_published_round",
        )
    before = {"phase": plan.phase}
    plan.phase = phase
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="phase",
        entity=plan,
        college_id=plan.college_id,
        before=before,
        after={"phase": plan.phase},
        summary=plan.name,
    )
    return notices.announce_phase(session, plan=plan, settings=settings)


# --- summary -------------------------------------------------------------------------------------


def calendar(plan: PlacementPlan) -> list[CalendarStep]:
    current = PHASES.index(Phase(plan.phase))
    steps = []
    for index, phase in enumerate(PHASES):
        name = PHASE_DATES.get(phase)
        steps.append(
            CalendarStep(
                phase=phase,
                on=getattr(plan, name) if name else None,
                current=index == current,
                done=index < current,
            )
        )
    return steps


def summary(session: Session, plan: PlacementPlan) -> PlanSummary:
    eligible = (
        select(func.count())
        .select_from(Student)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(*eligibility(plan))
    )
    published = (Position.plan_id == plan.id) & (Position.status == PositionStatus.PUBLISHED)
    counts = session.execute(
        select(func.count(), func.coalesce(func.sum(Position.seats), 0)).where(published)
    ).one()
    caps = plan_caps(session, plan)
    preferences = session.execute(
        select(func.count(), func.count(func.distinct(Preference.student_id))).where(
            Preference.plan_id == plan.id
        )
    ).one()
    return PlanSummary(
        plan_id=plan.id,
        phase=Phase(plan.phase),
        eligible_students=session.scalar(eligible) or 0,
        positions_published=int(counts[0]),
        seats=int(counts[1]),
        capacity=sum(c.capacity for c in caps.hosts.values()),
        preferences=int(preferences[0]),
        students_ranked=int(preferences[1]),
        calendar=calendar(plan),
    )


def rounds_count(session: Session, plan: PlacementPlan) -> int:
    return session.scalar(select(func.count()).where(AllocationRound.plan_id == plan.id)) or 0
