"""JSON API of allocation rounds and results under /api/v1.

Rounds (previews included) are the college's working material: its staff read them, the
cooperation office runs, adjusts, publishes and discards them; students and enterprise contacts
are refused the rounds and read the published results of their plans instead (a student their
own outcome with its explanation, a contact the students placed at their enterprise).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission, Role
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import PermissionDenied
from tandem.kit.i18n import N_, get_language
from tandem.kit.pagination import page_meta
from tandem.placement import rounds, rounds_publish, rounds_store, scope
from tandem.placement.kinds import Objective, RoundStatus
from tandem.placement.models import AllocationRound, RoundAssignment
from tandem.placement.rounds_store import Names, explanation_lines, names_for
from tandem.placement.schemas_rounds import (
    Adjust,
    AdjustResult,
    AssignmentList,
    AssignmentRead,
    BlockingPair,
    PublishResult,
    ResultsRead,
    RoundList,
    RoundRead,
    RoundRun,
    RoundSummary,
)

Reader = Annotated[Actor, Depends(require(Permission.PLACEMENT_READ))]
Runner = Annotated[Actor, Depends(require(Permission.ALLOCATION_RUN))]

router = APIRouter(prefix="/api/v1", tags=["placements"])
ONE = "/rounds/{round_id}"


def require_staff(actor: Actor) -> None:
    """Rounds are the college's working material: students and contacts read results."""
    if not scope.is_staff(actor):
        raise PermissionDenied(
            N_("Allocation rounds are for the college's staff; see the plan's results instead.")
        )


def round_read(found: AllocationRound) -> RoundRead:
    return RoundRead(
        id=found.id,
        plan_id=found.plan_id,
        number=found.number,
        objective=Objective(found.objective),
        seed=found.seed,
        status=RoundStatus(found.status),
        stats=found.stats,
        run_by_user_id=found.run_by_user_id,
        published_at=found.published_at,
        created_at=found.created_at,
        version=found.version,
    )


def round_summary(found: AllocationRound) -> RoundSummary:
    return RoundSummary(
        id=found.id,
        plan_id=found.plan_id,
        number=found.number,
        objective=Objective(found.objective),
        seed=found.seed,
        status=RoundStatus(found.status),
        students=int(found.stats.get("students", 0)),
        assigned=int(found.stats.get("assigned", 0)),
        created_at=found.created_at,
        published_at=found.published_at,
    )


def assignment_read(
    item: RoundAssignment, names: Names | None = None, *, explain: bool = False
) -> AssignmentRead:
    position = item.position
    read = AssignmentRead(
        id=item.id,
        round_id=item.round_id,
        student_id=item.student_id,
        student_number=item.student.student_number,
        student_name=item.student.name,
        position_id=item.position_id,
        position_title=position.title if position else None,
        partnership_id=position.partnership_id if position else None,
        enterprise_name=position.partnership.enterprise.name if position else None,
        choice=item.choice,
        adjusted=item.adjusted,
        adjust_reason=item.adjust_reason,
    )
    if explain and names is not None:
        read.explanation = item.explanation
        read.explanation_text = " ".join(explanation_lines(item, names, get_language()))
    return read


def _names(session: Session, items: list[RoundAssignment]) -> Names:
    return names_for(
        session,
        [*(i.explanation or {} for i in items), *({"position": i.position_id} for i in items)],
    )


@router.get(
    "/placement-plans/{plan_id}/rounds",
    response_model=RoundList,
    summary="The allocation rounds of a plan (the college's staff)",
)
def list_rounds(plan_id: int, session: DbSession, actor: Reader) -> RoundList:
    require_staff(actor)
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    found = rounds_store.plan_rounds(session, actor=actor, plan=plan)
    return RoundList(items=[round_summary(r) for r in found])


@router.post(
    "/placement-plans/{plan_id}/rounds",
    response_model=RoundRead,
    status_code=status.HTTP_201_CREATED,
    summary="Run the allocation as a preview round (the plan must be in the allocation phase)",
)
def run_round(
    plan_id: int, data: RoundRun, response: Response, session: DbSession, actor: Runner
) -> RoundRead:
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    found = rounds.run_round(
        session, actor=actor, plan=plan, objective=data.objective.value, seed=data.seed
    )
    response.headers["Location"] = f"/api/v1/rounds/{found.id}"
    return round_read(found)


@router.get(ONE, response_model=RoundRead, summary="A round with its statistics")
def get_round(round_id: int, session: DbSession, actor: Reader) -> RoundRead:
    require_staff(actor)
    return round_read(scope.get_round(session, actor=actor, round_id=round_id))


@router.get(
    ONE + "/assignments",
    response_model=AssignmentList,
    summary="A round's outcomes (search by student number or name; show placed, unplaced or "
    "adjusted; student_id= for one student with the explanation)",
)
def list_assignments(
    round_id: int,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    show: str = "",
    student_id: int | None = None,
) -> AssignmentList:
    require_staff(actor)
    found = scope.get_round(session, actor=actor, round_id=round_id)
    page = rounds_store.list_assignments(
        session, round=found, params=params, show=show, student_id=student_id
    )
    items = list(page.items)
    explain = student_id is not None
    names = _names(session, items) if explain else None
    return AssignmentList(
        items=[assignment_read(i, names, explain=explain) for i in items], meta=page_meta(page)
    )


@router.post(ONE + "/publish", response_model=PublishResult, summary="Publish a preview round")
def publish_round(
    round_id: int, request: Request, session: DbSession, actor: Runner
) -> PublishResult:
    found = scope.get_round(session, actor=actor, round_id=round_id)
    made = rounds_publish.publish_round(
        session, actor=actor, round=found, settings=request.app.state.settings
    )
    return PublishResult(round=round_read(found), draft_placements=made)


@router.post(ONE + "/discard", response_model=RoundRead, summary="Discard a preview round")
def discard_round(round_id: int, session: DbSession, actor: Runner) -> RoundRead:
    found = scope.get_round(session, actor=actor, round_id=round_id)
    return round_read(rounds.discard_round(session, actor=actor, round=found))


@router.post(
    ONE + "/adjust",
    response_model=AdjustResult,
    summary="Move one student (position_id null: not placed), with a reason; returns the "
    "blocking pairs the change creates",
)
def adjust(round_id: int, data: Adjust, session: DbSession, actor: Runner) -> AdjustResult:
    found = scope.get_round(session, actor=actor, round_id=round_id)
    item, verdict = rounds_publish.adjust_assignment(
        session,
        actor=actor,
        round=found,
        student_id=data.student_id,
        position_id=data.position_id,
        reason=data.reason,
    )
    session.refresh(item)
    return AdjustResult(
        assignment=assignment_read(item, _names(session, [item]), explain=True),
        blocking_pairs_created=[BlockingPair(**p) for p in verdict["blocking_pairs_created"]],
        blocking_pairs=verdict["blocking_pairs"],
    )


@router.get(
    "/placement-plans/{plan_id}/results",
    response_model=ResultsRead,
    summary="Published results: a student's own (explained), a contact's interns-to-be, "
    "every outcome for the college's staff",
)
def results(plan_id: int, session: DbSession, actor: Reader, params: ListQuery) -> Any:
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    page = rounds_store.outcomes(session, actor=actor, plan=plan, params=params)
    items = list(page.items)
    names = _names(session, items)
    return ResultsRead(
        plan_id=plan.id,
        items=[_result_read(actor, i, names) for i in items],
        meta=page_meta(page),
    )


def _result_read(actor: Actor, item: RoundAssignment, names: Names) -> AssignmentRead:
    """Staff read everything. A student reads their own outcome in words, not the engine's
    record (it names other students); a contact reads who comes to their positions, not why
    (that names other hosts' positions and decisions). Neither reads the office's reasons."""
    if scope.is_staff(actor):
        return assignment_read(item, names, explain=True)
    read = assignment_read(item, names, explain=actor.role == Role.STUDENT)
    read.explanation = None
    read.adjust_reason = ""
    return read
