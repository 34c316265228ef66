"""Who sees and who may change which plan, position and result: the one place the tenant
filter of the placement domain is applied.

The college's staff with ``placement.read`` see their college's plans, positions and rounds. An
enterprise contact sees the plans (once out of draft) of the colleges their enterprise works
with, only their enterprise's positions and applicants, and the results of published rounds at
those positions. A student sees the plans (once out of draft) their class or major takes part
in, the published positions of those plans and their own results. Another's record is a 404.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, false, select, true
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.kit.errors import NotFound
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership
from tandem.people.models import SchoolClass, Student
from tandem.placement.kinds import Phase, PositionStatus, RoundStatus
from tandem.placement.models import (
    AllocationRound,
    Placement,
    PlacementPlan,
    Position,
    RoundAssignment,
    plan_class,
    plan_major,
)

STAFF_ROLES = frozenset({Role.COLLEGE_ADMIN, Role.DEPARTMENT_COORDINATOR, Role.TEACHER})


def is_staff(actor: Actor) -> bool:
    """The college's own people (or the platform): they see the whole of their college's plans."""
    return actor.is_platform_wide or (actor.role in STAFF_ROLES and actor.college_id is not None)


def enterprise_partnerships(actor: Actor) -> Select[int]:
    return select(Partnership.id).where(Partnership.enterprise_id == actor.enterprise_id)


def _student_plans(student_id: int) -> CompoundSelect[int]:
    """The plans a student's class, or the major of their class, takes part in."""
    own_class = select(Student.class_id).where(Student.id == student_id).scalar_subquery()
    own_major = select(SchoolClass.major_id).where(SchoolClass.id == own_class).scalar_subquery()
    return (
        select(plan_class.c.plan_id)
        .where(plan_class.c.class_id == own_class)
        .union(select(plan_major.c.plan_id).where(plan_major.c.major_id == own_major))
    )


def visible_plans(actor: Actor) -> ColumnElement[bool]:
    if not actor.can(Permission.PLACEMENT_READ):
        return false()
    if actor.is_platform_wide:
        return true()
    if is_staff(actor):
        return PlacementPlan.college_id == actor.college_id
    published = PlacementPlan.phase != Phase.DRAFT
    if actor.role == Role.ENTERPRISE_CONTACT and actor.enterprise_id is not None:
        colleges = select(Partnership.college_id).where(
            Partnership.enterprise_id == actor.enterprise_id
        )
        return and_(published, PlacementPlan.college_id.in_(colleges))
    if actor.role == Role.STUDENT and actor.student_id is not None:
        return and_(
            published,
            PlacementPlan.college_id == actor.college_id,
            PlacementPlan.id.in_(_student_plans(actor.student_id)),
        )
    return false()


def visible_positions(actor: Actor) -> ColumnElement[bool]:
    if not actor.can(Permission.PLACEMENT_READ):
        return false()
    if actor.is_platform_wide:
        return true()
    if is_staff(actor):
        return Position.college_id == actor.college_id
    if actor.role == Role.ENTERPRISE_CONTACT and actor.enterprise_id is not None:
        return and_(
            Position.partnership_id.in_(enterprise_partnerships(actor)),
            Position.plan_id.in_(select(PlacementPlan.id).where(visible_plans(actor))),
        )
    if actor.role == Role.STUDENT and actor.student_id is not None:
        return and_(
            Position.status == PositionStatus.PUBLISHED,
            Position.plan_id.in_(select(PlacementPlan.id).where(visible_plans(actor))),
        )
    return false()


def visible_rounds(actor: Actor) -> ColumnElement[bool]:
    """Rounds (previews included) are the college's working material: staff only."""
    if not actor.can(Permission.PLACEMENT_READ):
        return false()
    if actor.is_platform_wide:
        return true()
    if is_staff(actor):
        return AllocationRound.college_id == actor.college_id
    return false()


def visible_assignments(actor: Actor) -> ColumnElement[bool]:
    """Outcomes: the staff's college's; a contact's at their positions and a student's own,
    each only once the round is published."""
    if not actor.can(Permission.PLACEMENT_READ):
        return false()
    if actor.is_platform_wide:
        return true()
    if is_staff(actor):
        return RoundAssignment.college_id == actor.college_id
    published = RoundAssignment.round_id.in_(
        select(AllocationRound.id).where(AllocationRound.status == RoundStatus.PUBLISHED)
    )
    if actor.role == Role.ENTERPRISE_CONTACT and actor.enterprise_id is not None:
        mine = select(Position.id).where(
            Position.partnership_id.in_(enterprise_partnerships(actor))
        )
        return and_(published, RoundAssignment.position_id.in_(mine))
    if actor.role == Role.STUDENT and actor.student_id is not None:
        return and_(published, RoundAssignment.student_id == actor.student_id)
    return false()


def get_plan(session: Session, *, actor: Actor, plan_id: int) -> PlacementPlan:
    plan = session.scalar(
        select(PlacementPlan).where(PlacementPlan.id == plan_id, visible_plans(actor))
    )
    if plan is None:
        raise NotFound(N_("No placement plan with id %(id)s."), id=plan_id)
    return plan


def get_position(session: Session, *, actor: Actor, position_id: int) -> Position:
    position = session.scalar(
        select(Position).where(Position.id == position_id, visible_positions(actor))
    )
    if position is None:
        raise NotFound(N_("No position with id %(id)s."), id=position_id)
    return position


def get_round(session: Session, *, actor: Actor, round_id: int) -> AllocationRound:
    found = session.scalar(
        select(AllocationRound).where(AllocationRound.id == round_id, visible_rounds(actor))
    )
    if found is None:
        raise NotFound(N_("No allocation round with id %(id)s."), id=round_id)
    return found


# --- rights on a record (services check these; routes check only the permission) --------------


def can_manage_plan(actor: Actor, plan: PlacementPlan) -> bool:
    """The cooperation office; a department coordinator, their department's plans."""
    if actor.is_platform_wide:
        return True
    if actor.college_id != plan.college_id or not actor.can(Permission.PLAN_MANAGE):
        return False
    if actor.role == Role.DEPARTMENT_COORDINATOR:
        return plan.department_id is not None and plan.department_id == actor.department_id
    return True


def speaks_for_host(actor: Actor, plan: PlacementPlan, partnership: Partnership) -> bool:
    """Act for a host in a plan: its own contacts, or the college's staff who manage the plan
    (the office enters what a host sends on paper)."""
    if actor.role == Role.ENTERPRISE_CONTACT:
        return (
            actor.enterprise_id is not None
            and partnership.enterprise_id == actor.enterprise_id
            and partnership.college_id == plan.college_id
        )
    return can_manage_plan(actor, plan)


def can_edit_position(actor: Actor, position: Position) -> bool:
    return actor.can(Permission.POSITION_PUBLISH) and speaks_for_host(
        actor, position.plan, position.partnership
    )


def can_rank_applicants(actor: Actor, plan: PlacementPlan, partnership: Partnership) -> bool:
    return actor.can(Permission.APPLICANT_RANK) and speaks_for_host(actor, plan, partnership)


def can_run_allocation(actor: Actor, plan: PlacementPlan) -> bool:
    return actor.can(Permission.ALLOCATION_RUN) and can_manage_plan(actor, plan)


def can_rank_for(actor: Actor, plan: PlacementPlan, student_id: int) -> bool:
    """Edit a student's preferences: the student themself, or the office on their behalf."""
    if actor.role == Role.STUDENT:
        return actor.student_id == student_id and actor.can(Permission.PREFERENCE_RANK)
    return actor.can(Permission.PREFERENCE_RANK) and can_manage_plan(actor, plan)


# --- placements -----------------------------------------------------------------------------


def visible_placements(actor: Actor) -> ColumnElement[bool]:
    """The college's staff: their college's placements; a contact: those at their enterprise
    (any college); a student: their own."""
    if not actor.can(Permission.PLACEMENT_READ):
        return false()
    if actor.is_platform_wide:
        return true()
    if is_staff(actor):
        return Placement.college_id == actor.college_id
    if actor.role == Role.ENTERPRISE_CONTACT and actor.enterprise_id is not None:
        return Placement.enterprise_id == actor.enterprise_id
    if actor.role == Role.STUDENT and actor.student_id is not None:
        return Placement.student_id == actor.student_id
    return false()


def get_placement(session: Session, *, actor: Actor, placement_id: int) -> Placement:
    found = session.scalar(
        select(Placement).where(Placement.id == placement_id, visible_placements(actor))
    )
    if found is None:
        raise NotFound(N_("No placement with id %(id)s."), id=placement_id)
    return found


def can_manage_placement(actor: Actor, placement: Placement) -> bool:
    """The cooperation office; a coordinator, the placements of their department's plans."""
    if actor.is_platform_wide:
        return True
    if actor.college_id != placement.college_id or not actor.can(Permission.PLACEMENT_MANAGE):
        return False
    if actor.role == Role.DEPARTMENT_COORDINATOR:
        plan = placement.plan
        return (
            plan is not None
            and plan.department_id is not None
            and plan.department_id == actor.department_id
        )
    return True


def party_of(actor: Actor, placement: Placement) -> str | None:
    """Which party of the tripartite agreement ``actor`` may confirm for: "college", "host",
    "student", or None."""
    if not actor.can(Permission.PLACEMENT_CONFIRM) and not actor.is_platform_wide:
        return None
    if actor.role == Role.STUDENT:
        return "student" if actor.student_id == placement.student_id else None
    if actor.role == Role.ENTERPRISE_CONTACT:
        return "host" if actor.enterprise_id == placement.enterprise_id else None
    return "college" if can_manage_placement(actor, placement) else None
