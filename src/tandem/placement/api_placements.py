"""JSON API for placements under /api/v1: the list (search, filters, sort, pages), a self-found
placement (the office, or a student for themself: it waits for approval), one placement,
changing it (send the version you read), approving or rejecting a self-found one, moving its
status, its compliance (the gate's result; the fact document for the college's staff),
running the check again, and overriding a warning with a reason (or revoking that).

A refused move is a 409 whose ``errors`` list each item in the way: ``code`` is the rule id,
``message`` the rule's message with its source. Scope: the college's staff see its
placements; a contact those at their enterprise; a student their own. Another's is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.i18n import get_language
from tandem.kit.pagination import PageMeta, page_meta
from tandem.placement import gate, placement_lifecycle, placements, scope
from tandem.placement.kinds import PlacementSource, PlacementStatus
from tandem.placement.models import Placement
from tandem.placement.schemas_placements import (
    ComplianceDetail,
    ComplianceRead,
    GateItemRead,
    OverrideCreate,
    OverrideRevoke,
    PlacementCreate,
    PlacementRead,
    PlacementUpdate,
    Rejection,
    Transition,
)

Reader = Annotated[Actor, Depends(require(Permission.PLACEMENT_READ))]
Manager = Annotated[Actor, Depends(require(Permission.PLACEMENT_MANAGE))]

router = APIRouter(prefix="/api/v1", tags=["placement"])
ONE = "/placements/{placement_id}"


class PlacementList(BaseModel):
    items: list[PlacementRead]
    meta: PageMeta


def _item(found: dict[str, Any], language: str, internal: bool) -> GateItemRead:
    short = "zh" if language.startswith("zh") else "en"
    message, source = found.get("message", {}), found.get("source", {})
    return GateItemRead(
        rule=found.get("rule", ""),
        severity="block" if found.get("severity") == "block" else "warn",
        missing=bool(found.get("missing")),
        message=message.get(short, "") if isinstance(message, dict) else str(message),
        source=source.get(short, "") if isinstance(source, dict) else str(source),
        overridden=bool(found.get("overridden")),
        # Who accepted a warning and why is the college's record, not the host's or student's.
        override=found.get("override") if internal else None,
    )


def compliance_read(stored: dict[str, Any] | None, internal: bool = True) -> ComplianceRead | None:
    if not stored:
        return None
    language = get_language()
    blocking = [v for v in stored.get("violations", []) if v.get("severity") == "block"]
    warnings = [v for v in stored.get("violations", []) if v.get("severity") != "block"]
    return ComplianceRead(
        checked_at=stored.get("checked_at"),
        ruleset=stored.get("ruleset"),
        passes=stored.get("passes"),
        blocking=[_item(v, language, internal) for v in blocking],
        warnings=[_item(v, language, internal) for v in warnings],
    )


def placement_read(placement: Placement, actor: Actor) -> PlacementRead:
    student = placement.student
    mentor = placement.school_mentor
    return PlacementRead(
        id=placement.id,
        college_id=placement.college_id,
        student_id=placement.student_id,
        student_name=student.name,
        student_number=student.student_number,
        plan_id=placement.plan_id,
        position_id=placement.position_id,
        round_id=placement.round_id,
        partnership_id=placement.partnership_id,
        enterprise_id=placement.enterprise_id,
        enterprise_name=placement.partnership.enterprise.name,
        kind=placement.kind,
        source=PlacementSource(placement.source),
        status=PlacementStatus(placement.status),
        start_on=placement.start_on,
        end_on=placement.end_on,
        title=placement.title,
        monthly_pay=placement.monthly_pay,
        pay_cycle_days=placement.pay_cycle_days,
        paid_in_money=placement.paid_in_money,
        hours_per_day=placement.hours_per_day,
        days_per_week=placement.days_per_week,
        shifts=placement.shifts,
        night_shift=placement.night_shift,
        holiday_work=placement.holiday_work,
        fees=list(placement.fees or []),
        venue_category=placement.venue_category,
        via_intermediary=placement.via_intermediary,
        labour_intensity=placement.labour_intensity,
        high_risk=placement.high_risk,
        restrictions=list(placement.restrictions or []),
        post_staff=placement.post_staff,
        post_wage=placement.post_wage,
        school_mentor_id=placement.school_mentor_id,
        school_mentor_name=mentor.name if mentor else None,
        enterprise_mentor_name=placement.enterprise_mentor_name,
        enterprise_mentor_phone=placement.enterprise_mentor_phone,
        approved_at=placement.approved_at,
        pending_approval=placements.pending_approval(placement),
        started_on=placement.started_on,
        ended_on=placement.ended_on,
        ended_reason=placement.ended_reason,
        compliance=compliance_read(placement.compliance, scope.is_staff(actor)),
        note=placement.note if scope.is_staff(actor) else None,
        version=placement.version,
        created_at=placement.created_at,
        updated_at=placement.updated_at,
    )


def _one(session: Session, actor: Actor, placement_id: int) -> Placement:
    return placements.get_placement(session, actor=actor, placement_id=placement_id)


def _read(session: Session, actor: Actor, placement: Placement) -> PlacementRead:
    session.flush()
    session.refresh(placement)
    return placement_read(placement, actor)


@router.get(
    "/placements",
    response_model=PlacementList,
    summary="Placements (staff: the college's; a contact: their enterprise's; a student: own)",
)
def list_placements(
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    status: PlacementStatus | None = None,
    plan_id: int | None = None,
    partnership_id: int | None = None,
    compliance: str = "",
    mine: bool = False,
    source: PlacementSource | None = None,
    pending: bool = False,
) -> PlacementList:
    filters = placements.PlacementFilter(
        status=status.value if status else "",
        plan_id=plan_id,
        partnership_id=partnership_id,
        compliance=compliance if compliance in placements.COMPLIANCE_FILTERS else "",
        mine=mine,
        source=source.value if source else "",
        pending=pending,
    )
    page = placements.list_placements(session, actor=actor, params=params, filters=filters)
    return PlacementList(items=[placement_read(p, actor) for p in page.items], meta=page_meta(page))


@router.post(
    "/placements",
    response_model=PlacementRead,
    status_code=status.HTTP_201_CREATED,
    summary="A self-found placement (waits for the office's approval)",
)
def create_placement(
    data: PlacementCreate, response: Response, session: DbSession, actor: Reader
) -> PlacementRead:
    placement = placements.create_placement(session, actor=actor, data=data)
    response.headers["Location"] = f"/api/v1/placements/{placement.id}"
    return _read(session, actor, placement)


@router.get(ONE, response_model=PlacementRead, summary="One placement")
def get_placement(placement_id: int, session: DbSession, actor: Reader) -> PlacementRead:
    return placement_read(_one(session, actor, placement_id), actor)


@router.patch(
    ONE,
    response_model=PlacementRead,
    summary="Change terms (draft or ready), mentors and remarks; the gate runs again",
)
def update_placement(
    placement_id: int, data: PlacementUpdate, session: DbSession, actor: Reader
) -> PlacementRead:
    placement = _one(session, actor, placement_id)
    placements.update_placement(session, actor=actor, placement=placement, data=data)
    return _read(session, actor, placement)


@router.post(f"{ONE}/approve", response_model=PlacementRead, summary="Approve a self-found one")
def approve_placement(placement_id: int, session: DbSession, actor: Manager) -> PlacementRead:
    placement = _one(session, actor, placement_id)
    placements.approve_placement(session, actor=actor, placement=placement)
    return _read(session, actor, placement)


@router.post(
    f"{ONE}/reject",
    response_model=PlacementRead,
    summary="Reject a self-found one (it ends early with the reason)",
)
def reject_placement(
    placement_id: int, data: Rejection, session: DbSession, actor: Manager
) -> PlacementRead:
    placement = _one(session, actor, placement_id)
    placements.reject_placement(session, actor=actor, placement=placement, reason=data.reason)
    return _read(session, actor, placement)


@router.post(
    f"{ONE}/transition",
    response_model=PlacementRead,
    summary="Move the status: ready, active, completed or ended_early (with a reason)",
)
def transition_placement(
    placement_id: int, data: Transition, session: DbSession, actor: Manager
) -> PlacementRead:
    placement = _one(session, actor, placement_id)
    placement_lifecycle.transition(
        session, actor=actor, placement=placement, to=data.to, reason=data.reason
    )
    return _read(session, actor, placement)


@router.get(
    f"{ONE}/compliance",
    response_model=ComplianceDetail,
    summary="The gate's result (and the fact document, for the college's staff)",
)
def get_compliance(placement_id: int, session: DbSession, actor: Reader) -> ComplianceDetail:
    placement = _one(session, actor, placement_id)
    stored = placement.compliance
    if not stored:
        stored = gate.evaluate(session, placement).as_json()
    result = compliance_read(stored, scope.is_staff(actor))
    assert result is not None  # noqa: S101 - evaluated just above
    facts = gate.facts(session, placement) if scope.is_staff(actor) else None
    return ComplianceDetail(result=result, facts=facts)


@router.post(f"{ONE}/check", response_model=PlacementRead, summary="Run the gate again now")
def check_placement(placement_id: int, session: DbSession, actor: Manager) -> PlacementRead:
    placement = _one(session, actor, placement_id)
    gate.check_now(session, actor=actor, placement=placement)
    return _read(session, actor, placement)


@router.post(
    f"{ONE}/overrides",
    response_model=PlacementRead,
    status_code=status.HTTP_201_CREATED,
    summary="Override a current warning with a reason (audited)",
)
def create_override(
    placement_id: int, data: OverrideCreate, session: DbSession, actor: Manager
) -> PlacementRead:
    placement = _one(session, actor, placement_id)
    gate.override(
        session, actor=actor, placement=placement, rule_id=data.rule_id, reason=data.reason
    )
    return _read(session, actor, placement)


@router.post(
    f"{ONE}/overrides/revoke",
    response_model=PlacementRead,
    summary="Revoke the override of a warning (it is open again)",
)
def revoke_override(
    placement_id: int, data: OverrideRevoke, session: DbSession, actor: Manager
) -> PlacementRead:
    placement = _one(session, actor, placement_id)
    gate.revoke_override(session, actor=actor, placement=placement, rule_id=data.rule_id)
    return _read(session, actor, placement)
