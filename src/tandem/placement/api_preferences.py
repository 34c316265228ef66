"""JSON API for students' lists of positions in a plan.

A student reads and replaces their own list (another student's is a 404); the college's staff
read any student's list of the plan's college by naming ``student_id``, and the office replaces
it on the student's behalf. Enterprise contacts see no lists (403).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession
from tandem.placement import preferences, scope
from tandem.placement.models import PlacementPlan
from tandem.placement.preferences import PreferenceLine
from tandem.placement.schemas_ranking import (
    AvailablePositions,
    PositionTermsRead,
    PreferenceRead,
    PreferencesRead,
    PreferencesUpdate,
)

Reader = Annotated[Actor, Depends(require(Permission.PLACEMENT_READ))]
Ranker = Annotated[Actor, Depends(require(Permission.PREFERENCE_RANK))]

router = APIRouter(prefix="/api/v1", tags=["placement"])
BASE = "/placement-plans/{plan_id}"


def preferences_read(
    plan: PlacementPlan, student_id: int, name: str, lines: list[PreferenceLine]
) -> PreferencesRead:
    return PreferencesRead(
        plan_id=plan.id,
        student_id=student_id,
        student_name=name,
        phase=plan.phase,
        max_preferences=plan.max_preferences,
        ranking_opens_on=plan.ranking_opens_on,
        ranking_closes_on=plan.ranking_closes_on,
        items=[
            PreferenceRead(rank=line.rank, position=PositionTermsRead.of(line.position))
            for line in lines
        ],
    )


@router.get(
    f"{BASE}/preferences",
    response_model=PreferencesRead,
    summary="A student's ranked list of positions (students: their own; staff: ?student_id=)",
)
def get_preferences(
    plan_id: int, session: DbSession, actor: Reader, student_id: int | None = None
) -> PreferencesRead:
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    student = preferences.student_for(session, actor=actor, plan=plan, student_id=student_id)
    lines = preferences.preferences_of(session, actor=actor, plan=plan, student_id=student.id)
    return preferences_read(plan, student.id, student.name, lines)


@router.put(
    f"{BASE}/preferences",
    response_model=PreferencesRead,
    summary="Replace a student's whole list (first choice first) while students rank",
)
def put_preferences(
    plan_id: int, data: PreferencesUpdate, session: DbSession, actor: Ranker
) -> PreferencesRead:
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    student = preferences.student_for(session, actor=actor, plan=plan, student_id=data.student_id)
    lines = preferences.set_preferences(
        session, actor=actor, plan=plan, student_id=student.id, position_ids=data.position_ids
    )
    return preferences_read(plan, student.id, student.name, lines)


@router.get(
    f"{BASE}/available-positions",
    response_model=AvailablePositions,
    summary="The published positions of the plan a student may list (their major is welcome)",
)
def get_available_positions(
    plan_id: int, session: DbSession, actor: Reader, student_id: int | None = None
) -> AvailablePositions:
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    student = preferences.student_for(session, actor=actor, plan=plan, student_id=student_id)
    found = preferences.available_positions(session, actor=actor, plan=plan, student_id=student.id)
    return AvailablePositions(
        plan_id=plan.id,
        student_id=student.id,
        items=[PositionTermsRead.of(terms) for terms in found],
    )
