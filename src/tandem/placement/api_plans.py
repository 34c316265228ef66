"""JSON API for placement plans under /api/v1: the list, one plan, adding, changing (with the
version read), deleting a draft, moving the phase, the summary, the capacities and the eligible
students (staff only).

Scope comes from :mod:`tandem.placement.scope`: the college's staff see its plans; a contact
the plans out of draft of the colleges their enterprise works with; a student those their class
or major takes part in. Another's plan is a 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.i18n import get_language
from tandem.kit.pagination import PageMeta, page_meta
from tandem.partner.models import Enterprise, Partnership
from tandem.placement import plans, positions, scope
from tandem.placement.capacity import plan_caps
from tandem.placement.kinds import Phase, PlanKind
from tandem.placement.models import PlacementPlan, Position
from tandem.placement.schemas_plans import (
    EligibleStudent,
    HostCapRead,
    PhaseMove,
    PlanCapacity,
    PlanCreate,
    PlanRead,
    PlanSummary,
    PlanUpdate,
    PositionCapRead,
)

Reader = Annotated[Actor, Depends(require(Permission.PLACEMENT_READ))]
Manager = Annotated[Actor, Depends(require(Permission.PLAN_MANAGE))]

router = APIRouter(prefix="/api/v1", tags=["placement"])
ONE = "/placement-plans/{plan_id}"


class PlanList(BaseModel):
    items: list[PlanRead]
    meta: PageMeta


class PhaseMoved(BaseModel):
    plan: PlanRead
    notified: int


class StudentList(BaseModel):
    items: list[EligibleStudent]
    meta: PageMeta


def plan_read(plan: PlacementPlan, actor: Actor | None = None) -> PlanRead:
    """``actor`` given: the college's remarks only for its staff (contacts and students read
    the plan, not the office's notes)."""
    internal = actor is None or scope.is_staff(actor)
    return PlanRead(
        id=plan.id,
        college_id=plan.college_id,
        name=plan.name,
        kind=PlanKind(plan.kind),
        department_id=plan.department_id,
        department_name=plan.department.name(get_language()) if plan.department else None,
        ruleset=plan.ruleset,
        term_start=plan.term_start,
        term_end=plan.term_end,
        max_preferences=plan.max_preferences,
        min_year_of_study=plan.min_year_of_study,
        min_age=plan.min_age,
        positions_open_on=plan.positions_open_on,
        ranking_opens_on=plan.ranking_opens_on,
        ranking_closes_on=plan.ranking_closes_on,
        host_ranking_closes_on=plan.host_ranking_closes_on,
        allocation_on=plan.allocation_on,
        results_on=plan.results_on,
        phase=Phase(plan.phase),
        note=plan.note if internal else None,
        major_ids=[m.id for m in plan.majors],
        class_ids=[c.id for c in plan.classes],
        version=plan.version,
        created_at=plan.created_at,
        updated_at=plan.updated_at,
    )


def capacity_report(session: Session, *, actor: Actor, plan: PlacementPlan) -> PlanCapacity:
    """The caps of the plan's published positions and their hosts that ``actor`` sees."""
    caps = plan_caps(session, plan)
    seen = select(Position.id, Position.partnership_id, Position.title).where(
        Position.plan_id == plan.id, scope.visible_positions(actor)
    )
    rows = {pid: (host, title) for pid, host, title in session.execute(seen)}
    names = dict(
        session.execute(
            select(Partnership.id, Enterprise.name)
            .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
            .where(Partnership.id.in_(list(caps.hosts)))
        ).all()
    )
    hosts_seen = {host for host, _ in rows.values()}
    return PlanCapacity(
        host_cap_pct=None if caps.shares.host_pct is None else str(caps.shares.host_pct),
        post_cap_pct=None if caps.shares.post_pct is None else str(caps.shares.post_pct),
        hosts=[
            HostCapRead(
                partnership_id=host,
                enterprise_name=str(names.get(host, "")),
                **positions.cap_json(cap, host=True),
            )
            for host, cap in sorted(caps.hosts.items())
            if host in hosts_seen
        ],
        positions=[
            PositionCapRead(
                position_id=pid,
                partnership_id=rows[pid][0],
                title=rows[pid][1],
                **positions.cap_json(cap, host=False),
            )
            for pid, cap in sorted(caps.positions.items())
            if pid in rows
        ],
    )


@router.get("/placement-plans", response_model=PlanList, summary="List and search placement plans")
def list_plans(
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    kind: PlanKind | None = None,
    phase: Phase | None = None,
    department_id: int | None = None,
) -> PlanList:
    filters = plans.PlanFilter(
        kind=kind.value if kind else "",
        phase=phase.value if phase else "",
        department_id=department_id,
    )
    page = plans.list_plans(session, actor=actor, params=params, filters=filters)
    return PlanList(items=[plan_read(p, actor) for p in page.items], meta=page_meta(page))


@router.post(
    "/placement-plans",
    response_model=PlanRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add a placement plan (in draft; coordinators: for their department)",
)
def create_plan(
    data: PlanCreate, response: Response, session: DbSession, actor: Manager
) -> PlanRead:
    plan = plans.create_plan(session, actor=actor, data=data)
    response.headers["Location"] = f"/api/v1/placement-plans/{plan.id}"
    return plan_read(plan)


@router.get(ONE, response_model=PlanRead, summary="One placement plan")
def get_plan(plan_id: int, session: DbSession, actor: Reader) -> PlanRead:
    return plan_read(plans.get_plan(session, actor=actor, plan_id=plan_id), actor)


@router.patch(ONE, response_model=PlanRead, summary="Change a plan (send the version you read)")
def update_plan(plan_id: int, data: PlanUpdate, session: DbSession, actor: Manager) -> PlanRead:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    return plan_read(plans.update_plan(session, actor=actor, plan=plan, data=data))


@router.delete(
    ONE,
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a draft plan without positions",
)
def delete_plan(plan_id: int, session: DbSession, actor: Manager) -> Response:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    plans.delete_plan(session, actor=actor, plan=plan)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    f"{ONE}/phase",
    response_model=PhaseMoved,
    summary="Move the plan to its next phase (or from results back to student ranking)",
)
def move_phase(
    plan_id: int, data: PhaseMove, request: Request, session: DbSession, actor: Manager
) -> PhaseMoved:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    notified = plans.move_phase(
        session, actor=actor, plan=plan, phase=data.phase, settings=request.app.state.settings
    )
    return PhaseMoved(plan=plan_read(plan), notified=notified)


@router.get(f"{ONE}/summary", response_model=PlanSummary, summary="The plan's numbers")
def plan_summary(plan_id: int, session: DbSession, actor: Reader) -> PlanSummary:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    found = plans.summary(session, plan)
    if not scope.is_staff(actor):  # how many are eligible and have ranked: the college's own
        found.eligible_students = found.preferences = found.students_ranked = None
    return found


@router.get(
    f"{ONE}/capacity",
    response_model=PlanCapacity,
    summary="Capacities of the published positions and their hosts, and which limit binds",
)
def plan_capacity(plan_id: int, session: DbSession, actor: Reader) -> PlanCapacity:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    return capacity_report(session, actor=actor, plan=plan)


@router.get(
    f"{ONE}/students",
    response_model=StudentList,
    summary="The plan's eligible students (the college's staff only)",
)
def plan_students(
    plan_id: int, session: DbSession, actor: Reader, params: ListQuery
) -> StudentList:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    rows, total = plans.eligible_students(session, actor=actor, plan=plan, params=params)
    pages = max(1, -(-total // params.per_page))
    return StudentList(
        items=[
            EligibleStudent(
                id=s.id,
                student_number=s.student_number,
                name=s.name,
                class_id=s.class_id,
                class_name=class_name,
                gender=s.gender,
                birth_date=s.birth_date,
            )
            for s, class_name in rows
        ],
        meta=PageMeta(total=total, page=params.page, per_page=params.per_page, pages=pages),
    )
