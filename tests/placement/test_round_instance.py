"""The round's instance from the database: eligible students, published positions, capacities,
host rankings with ties and exclusions, and a second round without those already placed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tandem.placement.models import AllocationRound, RoundAssignment
from tandem.placement.round_instance import load_round_input
from tests.placement.round_helpers import prepare_round
from tests.placement.world import PlacementWorld, add_position


def test_first_round_has_every_eligible_student_and_published_position(
    session: Session, world: PlacementWorld
) -> None:
    prepare_round(session, world)
    add_position(session, world.plan, world.hosts[1], status="draft")  # not in the instance
    data = load_round_input(session, world.plan, 1)
    s = [str(x.id) for x in world.seniors]
    p = [str(x.id) for x in world.positions]
    h1, h2 = (str(x.id) for x in world.hosts)
    students = {x["id"]: x["preferences"] for x in data.instance["students"]}
    assert set(students) == set(s)  # first-years and other majors are not eligible
    assert students[s[0]] == [p[0], p[1], p[2]]
    assert students[s[4]] == [p[0], p[2]]
    assert students[s[5]] == []
    assert [(x["id"], x["host"], x["capacity"]) for x in data.instance["positions"]] == [
        (p[0], h1, 2),
        (p[1], h1, 2),
        (p[2], h2, 3),
    ]
    hosts = {x["id"]: x for x in data.instance["hosts"]}
    # Host 1: senior 3, then 0 and 1 tied, senior 2 excluded, the unranked applicant last.
    assert hosts[h1]["ranking"] == [s[3], [s[0], s[1]], s[4]]
    assert hosts[h1]["capacity"] == 4
    # Host 2 ranked nobody: its applicants are one tied group; its cap is 10 % of 30 staff.
    assert hosts[h2]["ranking"] == [sorted([s[0], s[1], s[2], s[3], s[4]], key=int)]
    assert hosts[h2]["capacity"] == 3
    assert data.caps.hosts[world.hosts[1].id].rule_limit == 3


def test_a_later_round_leaves_out_the_placed_and_their_places(
    session: Session, world: PlacementWorld
) -> None:
    prepare_round(session, world)
    first = AllocationRound(
        college_id=world.college.id, plan_id=world.plan.id, number=1, status="published"
    )
    session.add(first)
    session.flush()
    for student, position in ((0, 0), (1, 2), (5, None)):
        session.add(
            RoundAssignment(
                college_id=world.college.id,
                round_id=first.id,
                student_id=world.seniors[student].id,
                position_id=world.positions[position].id if position is not None else None,
            )
        )
    session.flush()
    data = load_round_input(session, world.plan, 2)
    ids = {x["id"] for x in data.instance["students"]}
    assert ids == {str(world.seniors[i].id) for i in (2, 3, 4, 5)}
    caps = {x["id"]: x["capacity"] for x in data.instance["positions"]}
    assert caps[str(world.positions[0].id)] == 1
    assert caps[str(world.positions[2].id)] == 2
    hosts = {x["id"]: x["capacity"] for x in data.instance["hosts"]}
    assert hosts[str(world.hosts[0].id)] == 3
    assert hosts[str(world.hosts[1].id)] == 2
    # Round 1 itself still sees everyone.
    assert len(load_round_input(session, world.plan, 1).students) == 6


def test_positions_whose_majors_leave_the_student_out_are_dropped(
    session: Session, world: PlacementWorld
) -> None:
    prepare_round(session, world)
    p0, p1, p2 = world.positions
    p1.majors = [world.other_major]  # no longer takes M1, the seniors' major
    p2.majors = [world.other_major, world.major]  # still takes M1
    session.flush()
    data = load_round_input(session, world.plan, 1)
    students = {x["id"]: x["preferences"] for x in data.instance["students"]}
    s = [str(x.id) for x in world.seniors]
    assert students[s[0]] == [str(p0.id), str(p2.id)]  # P1 dropped, the order kept
    assert students[s[4]] == [str(p0.id), str(p2.id)]
    assert data.preferences[world.seniors[0].id] == [p0.id, p2.id]
    # The positions themselves stay in the instance (another major's students may take them).
    assert [x["id"] for x in data.instance["positions"]] == [str(p.id) for p in world.positions]
    p0.majors = [world.other_major]
    p2.majors = [world.other_major]
    session.flush()
    data = load_round_input(session, world.plan, 1)
    assert all(x["preferences"] == [] for x in data.instance["students"])
    assert len(data.students) == 6  # still in the round, unplaced
