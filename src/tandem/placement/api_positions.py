"""JSON API for positions under /api/v1: a plan's positions (filters: host, status, search),
adding one, one position, changing it (with the version read), publishing it after the
compliance pre-check (a blocking rule is a 422 naming each rule and its source) and withdrawing
it with a reason.

A contact sees and changes only their enterprise's positions; a student sees published ones.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.pagination import PageMeta, page_meta
from tandem.placement import plans, positions
from tandem.placement.api_plans import Reader
from tandem.placement.capacity import PlanCaps, plan_caps
from tandem.placement.kinds import PositionStatus
from tandem.placement.models import Position
from tandem.placement.schemas_plans import CapRead
from tandem.placement.schemas_positions import (
    PositionCreate,
    PositionRead,
    PositionUpdate,
    Withdrawal,
)

Publisher = Annotated[Actor, Depends(require(Permission.POSITION_PUBLISH))]

router = APIRouter(prefix="/api/v1", tags=["placement"])
ONE = "/positions/{position_id}"


class PositionList(BaseModel):
    items: list[PositionRead]
    meta: PageMeta


def position_read(position: Position, caps: PlanCaps | None) -> PositionRead:
    cap = caps.positions.get(position.id) if caps is not None else None
    return PositionRead(
        id=position.id,
        college_id=position.college_id,
        plan_id=position.plan_id,
        partnership_id=position.partnership_id,
        enterprise_id=position.partnership.enterprise_id,
        enterprise_name=position.partnership.enterprise.name,
        title=position.title,
        location=position.location,
        seats=position.seats,
        monthly_pay=position.monthly_pay,
        hours_per_day=position.hours_per_day,
        days_per_week=position.days_per_week,
        shifts=position.shifts,
        night_shift=position.night_shift,
        holiday_work=position.holiday_work,
        labour_intensity=position.labour_intensity,
        high_risk=position.high_risk,
        restrictions=list(position.restrictions or []),
        venue_category=position.venue_category,
        post_staff=position.post_staff,
        post_wage=position.post_wage,
        major_ids=[m.id for m in position.majors],
        skills=position.skills,
        description=position.description,
        status=PositionStatus(position.status),
        published_at=position.published_at,
        compliance=position.compliance,
        capacity=CapRead(**positions.cap_json(cap, host=False)) if cap is not None else None,
        version=position.version,
        created_at=position.created_at,
        updated_at=position.updated_at,
    )


def _one(session: Session, position: Position) -> PositionRead:
    return position_read(position, plan_caps(session, position.plan))


@router.get(
    "/placement-plans/{plan_id}/positions",
    response_model=PositionList,
    summary="A plan's positions (a contact: their enterprise's; a student: published ones)",
)
def list_positions(
    plan_id: int,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    partnership_id: int | None = None,
    status: PositionStatus | None = None,
) -> PositionList:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    filters = positions.PositionFilter(
        partnership_id=partnership_id, status=status.value if status else ""
    )
    page = positions.list_positions(session, actor=actor, plan=plan, params=params, filters=filters)
    caps = plan_caps(session, plan)
    return PositionList(items=[position_read(p, caps) for p in page.items], meta=page_meta(page))


@router.post(
    "/placement-plans/{plan_id}/positions",
    response_model=PositionRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add a position (not yet published) for a host of the plan",
)
def create_position(
    plan_id: int, data: PositionCreate, response: Response, session: DbSession, actor: Publisher
) -> PositionRead:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    position = positions.create_position(session, actor=actor, plan=plan, data=data)
    response.headers["Location"] = f"/api/v1/positions/{position.id}"
    return _one(session, position)


@router.get(ONE, response_model=PositionRead, summary="One position")
def get_position(position_id: int, session: DbSession, actor: Reader) -> PositionRead:
    return _one(session, positions.get_position(session, actor=actor, position_id=position_id))


@router.patch(
    ONE,
    response_model=PositionRead,
    summary="Change a position (send the version you read); a published one is checked again",
)
def update_position(
    position_id: int, data: PositionUpdate, session: DbSession, actor: Publisher
) -> PositionRead:
    position = positions.get_position(session, actor=actor, position_id=position_id)
    positions.update_position(session, actor=actor, position=position, data=data)
    return _one(session, position)


@router.post(
    f"{ONE}/publish",
    response_model=PositionRead,
    summary="Publish a position after the compliance pre-check",
)
def publish_position(position_id: int, session: DbSession, actor: Publisher) -> PositionRead:
    position = positions.get_position(session, actor=actor, position_id=position_id)
    positions.publish_position(session, actor=actor, position=position)
    return _one(session, position)


@router.post(f"{ONE}/withdraw", response_model=PositionRead, summary="Withdraw a position")
def withdraw_position(
    position_id: int, data: Withdrawal, session: DbSession, actor: Publisher
) -> PositionRead:
    position = positions.get_position(session, actor=actor, position_id=position_id)
    positions.withdraw_position(session, actor=actor, position=position, reason=data.reason)
    return _one(session, position)
