"""Choices for the placement forms and lists: the college's teachers (school mentors), hosts
(partnerships not ended), students and plans, and the placements by status."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.partner.models import Enterprise, Partnership, PartnershipStatus
from tandem.people.models import Student, Teacher
from tandem.placement import scope
from tandem.placement.models import Placement, PlacementPlan


def mentor_options(session: Session, college_id: int | None) -> list[tuple[int, str]]:
    if college_id is None:
        return []
    stmt = (
        select(Teacher.id, Teacher.name, Teacher.staff_number)
        .where(Teacher.college_id == college_id)
        .order_by(Teacher.name, Teacher.id)
    )
    return [(tid, f"{name} ({number})") for tid, name, number in session.execute(stmt)]


def host_options(session: Session, college_id: int | None) -> list[tuple[int, str]]:
    if college_id is None:
        return []
    stmt = (
        select(Partnership.id, Enterprise.name)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .where(Partnership.college_id == college_id, Partnership.status != PartnershipStatus.ENDED)
        .order_by(Enterprise.name, Partnership.id)
    )
    return [(pid, str(name)) for pid, name in session.execute(stmt)]


def student_options(
    session: Session, college_id: int | None, limit: int = 2000
) -> list[tuple[int, str]]:
    if college_id is None:
        return []
    stmt = (
        select(Student.id, Student.name, Student.student_number)
        .where(Student.college_id == college_id)
        .order_by(Student.student_number)
        .limit(limit)
    )
    return [(sid, f"{number} {name}") for sid, name, number in session.execute(stmt)]


def plan_options(session: Session, actor: Actor, college_id: int | None) -> list[tuple[int, str]]:
    if college_id is None:
        return []
    stmt = (
        select(PlacementPlan.id, PlacementPlan.name)
        .where(PlacementPlan.college_id == college_id, scope.visible_plans(actor))
        .order_by(PlacementPlan.term_start.desc(), PlacementPlan.name)
    )
    return [(pid, str(name)) for pid, name in session.execute(stmt)]


def counts_by_status(session: Session, *, actor: Actor) -> dict[str, int]:
    stmt = (
        select(Placement.status, func.count())
        .where(scope.visible_placements(actor))
        .group_by(Placement.status)
    )
    return {status: count for status, count in session.execute(stmt)}
