"""A plan's allocation instance from the database, for the matching engine.

Round 1 takes every eligible student of the plan (:mod:`tandem.placement.cohort`) with their
preferences in rank order over the plan's published positions, less those they may no longer
take: a position whose required majors (``position_major``) leave out the student's major (a
position with no required majors takes every major). A later round takes only the
eligible students not placed in an earlier published round, and each position's and host's
capacity less the places those rounds took. Capacities come from
:func:`tandem.placement.capacity.caps_of` (seats limited by the rule set's share of the staff,
less the host's other interns).

A host's ranking comes from :func:`tandem.placement.applicants.host_orders`: its ranked
applicants in rank order (equal ranks are a tie), excluded ones left out, then every other
applicant (a student of the round who listed one of its positions) as one tie group.

Everything is read with plain column selects, one query per table, so a 20,000-student plan
loads in a fraction of a second. Ids in the instance are the database ids as strings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.people.models import SchoolClass, Student
from tandem.placement import cohort
from tandem.placement.applicants import host_orders
from tandem.placement.capacity import PlanCaps, caps_of
from tandem.placement.kinds import PositionStatus, RoundStatus
from tandem.placement.models import (
    AllocationRound,
    PlacementPlan,
    Position,
    Preference,
    RoundAssignment,
    position_major,
)

Ranking = list[int | list[int]]


@dataclass
class RoundInput:
    """The engine's instance and what the service needs beside it."""

    number: int
    instance: dict[str, Any]
    caps: PlanCaps
    students: list[int]  # in instance order
    preferences: dict[int, list[int]]  # student -> published positions in their order
    position_host: dict[int, int]  # published position -> partnership
    position_capacity: dict[int, int] = field(default_factory=dict)  # after earlier rounds
    host_capacity: dict[int, int] = field(default_factory=dict)
    taken_positions: dict[int, int] = field(default_factory=dict)  # by earlier rounds
    taken_hosts: dict[int, int] = field(default_factory=dict)


def earlier_placements(session: Session, plan: PlacementPlan, number: int) -> list[tuple[int, int]]:
    """(student, position) of every placement in a published round of the plan before
    round ``number``."""
    rows = session.execute(
        select(RoundAssignment.student_id, RoundAssignment.position_id)
        .join(AllocationRound, AllocationRound.id == RoundAssignment.round_id)
        .where(
            AllocationRound.plan_id == plan.id,
            AllocationRound.status == RoundStatus.PUBLISHED,
            AllocationRound.number < number,
            RoundAssignment.position_id.is_not(None),
        )
    )
    return [(student, position) for student, position in rows if position is not None]


def student_majors(session: Session, plan: PlacementPlan) -> dict[int, int]:
    """Each eligible student's major (that of their class), in one query."""
    stmt = (
        select(Student.id, SchoolClass.major_id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(*cohort.eligibility(plan))
    )
    return {student: major for student, major in session.execute(stmt)}


def required_majors(session: Session, plan: PlacementPlan) -> dict[int, set[int]]:
    """The required majors of each published position of the plan that has any."""
    rows = session.execute(
        select(position_major.c.position_id, position_major.c.major_id)
        .join(Position, Position.id == position_major.c.position_id)
        .where(Position.plan_id == plan.id, Position.status == PositionStatus.PUBLISHED)
    )
    required: dict[int, set[int]] = defaultdict(set)
    for position, major in rows:
        required[position].add(major)
    return dict(required)


def _as_ids(ranking: Ranking) -> list[Any]:
    return [str(e) if isinstance(e, int) else [str(s) for s in e] for e in ranking]


def load_round_input(session: Session, plan: PlacementPlan, number: int = 1) -> RoundInput:
    """The instance of round ``number`` of ``plan`` (see the module's docstring)."""
    taken = earlier_placements(session, plan, number)
    placed = {student for student, _ in taken}
    majors = student_majors(session, plan)
    students = sorted(set(majors) - placed)
    wanted = set(students)

    positions = session.execute(
        select(Position.id, Position.partnership_id, Position.seats, Position.post_staff)
        .where(Position.plan_id == plan.id, Position.status == PositionStatus.PUBLISHED)
        .order_by(Position.id)
    ).all()
    caps = caps_of(session, plan, [(p[0], p[1], p[2], p[3]) for p in positions])
    position_host = {p[0]: p[1] for p in positions}

    taken_positions: dict[int, int] = defaultdict(int)
    taken_hosts: dict[int, int] = defaultdict(int)
    for _, position in taken:
        taken_positions[position] += 1
        if position in position_host:
            taken_hosts[position_host[position]] += 1

    required = required_majors(session, plan)
    preferences: dict[int, list[int]] = defaultdict(list)
    rows = session.execute(
        select(Preference.student_id, Preference.position_id)
        .where(Preference.plan_id == plan.id)
        .order_by(Preference.student_id, Preference.rank)
    )
    for student, position in rows:
        host = position_host.get(position)
        if host is None or student not in wanted:
            continue
        if position in required and majors[student] not in required[position]:
            continue  # the position no longer takes the student's major
        preferences[student].append(position)

    orders = host_orders(session, plan, wanted)
    position_capacity = {
        p: max(0, caps.positions[p].capacity - taken_positions.get(p, 0)) for p in position_host
    }
    host_capacity = {
        h: max(0, cap.capacity - taken_hosts.get(h, 0)) for h, cap in caps.hosts.items()
    }
    instance = {
        "students": [
            {"id": str(s), "preferences": [str(p) for p in preferences.get(s, ())]}
            for s in students
        ],
        "positions": [
            {"id": str(p), "host": str(h), "capacity": position_capacity[p]}
            for p, h in position_host.items()
        ],
        "hosts": [
            {"id": str(h), "capacity": host_capacity[h], "ranking": _as_ids(orders.get(h, []))}
            for h in caps.hosts
        ],
    }
    return RoundInput(
        number=number,
        instance=instance,
        caps=caps,
        students=students,
        preferences=dict(preferences),
        position_host=position_host,
        position_capacity=position_capacity,
        host_capacity=host_capacity,
        taken_positions=dict(taken_positions),
        taken_hosts=dict(taken_hosts),
    )
