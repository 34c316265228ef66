"""Who manages a placement: a coordinator only those of their own department's plans, never a
college-wide plan's (even a coordinator with no department recorded)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.placement.scope import can_manage_placement
from tests.placement.placement_factory import add_placement
from tests.placement.world import PlacementWorld


def test_coordinators_manage_only_their_departments_placements(
    session: Session, world: PlacementWorld
) -> None:
    placement = add_placement(session, world.positions[0], world.seniors[0])
    own = world.actor("coordinator")
    assert can_manage_placement(own, placement)
    assert can_manage_placement(world.actor("office"), placement)
    assert not can_manage_placement(world.actor("teacher"), placement)
    assert not can_manage_placement(world.actor("contact1"), placement)

    nowhere = Actor(
        label="coordinator without a department",
        user_id=own.user_id,
        role=Role.DEPARTMENT_COORDINATOR,
        college_id=world.college.id,
    )
    world.plan.department_id = None  # a college-wide plan
    session.flush()
    assert not can_manage_placement(nowhere, placement)
    assert not can_manage_placement(own, placement)
    assert can_manage_placement(world.actor("office"), placement)
