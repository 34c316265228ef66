"""Who sees and who changes an insurance policy (the one place the policies' tenant filter is
applied; re-exported by :mod:`tandem.placement.insurance`).

The college's staff see their college's policies; an enterprise contact only the policies
linked to placements at their enterprise, a student only those linked to their own placements.
The office manages policies (``placement.manage``); a department coordinator too, but a policy
covering placements outside their department's plans only the office may change or delete.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.kit.errors import PermissionDenied
from tandem.kit.i18n import N_
from tandem.placement import scope
from tandem.placement.models import Placement, PlacementPlan
from tandem.placement.models_records import InsurancePolicy, policy_placement

OTHER_DEPARTMENT = N_(
    "This policy also covers placements outside your department's plans: only the "
    "cooperation office may change it."
)


# --- who sees and who changes ---------------------------------------------------------------------


def linked_to(placements: ColumnElement[bool]) -> ColumnElement[bool]:
    """Policies linked to at least one placement that matches ``placements``."""
    ids = (
        select(policy_placement.c.policy_id)
        .join(Placement, Placement.id == policy_placement.c.placement_id)
        .where(placements)
    )
    return InsurancePolicy.id.in_(ids)


def visible_policies(actor: Actor) -> ColumnElement[bool]:
    """The college's staff: their college's policies; a contact: those covering a placement at
    their enterprise; a student: those covering their own placements."""
    if not actor.can(Permission.PLACEMENT_READ):
        return false()
    if actor.is_platform_wide:
        return true()
    if scope.is_staff(actor):
        return InsurancePolicy.college_id == actor.college_id
    if actor.role in (Role.ENTERPRISE_CONTACT, Role.STUDENT):
        return linked_to(scope.visible_placements(actor))
    return false()


def shows_internal(actor: Actor) -> bool:
    """The premium's remarks are the college's own."""
    return actor.is_platform_wide or scope.is_staff(actor)


def may_create(actor: Actor) -> bool:
    return actor.can(Permission.PLACEMENT_MANAGE) and (
        actor.is_platform_wide or actor.college_id is not None
    )


def can_manage_policy(session: Session, actor: Actor, policy: InsurancePolicy) -> bool:
    """The office; a coordinator, a policy covering only their own department's placements."""
    if actor.is_platform_wide:
        return True
    if actor.college_id != policy.college_id or not actor.can(Permission.PLACEMENT_MANAGE):
        return False
    if actor.role != Role.DEPARTMENT_COORDINATOR:
        return True
    foreign = (
        select(func.count())
        .select_from(policy_placement)
        .join(Placement, Placement.id == policy_placement.c.placement_id)
        .outerjoin(PlacementPlan, PlacementPlan.id == Placement.plan_id)
        .where(
            policy_placement.c.policy_id == policy.id,
            or_(
                PlacementPlan.id.is_(None),
                PlacementPlan.department_id.is_(None),
                PlacementPlan.department_id != actor.department_id,
            ),
        )
    )
    return not session.scalar(foreign)


def require_manage(session: Session, actor: Actor, policy: InsurancePolicy) -> None:
    if not can_manage_policy(session, actor, policy):
        coordinator = actor.role == Role.DEPARTMENT_COORDINATOR
        raise PermissionDenied(
            OTHER_DEPARTMENT if coordinator else None,
            code="other_department" if coordinator else None,
        )
