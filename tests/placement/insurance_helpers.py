"""Placements and policies for the insurance tests, on top of the placement world.

``insured(session, world)`` adds, in college A: the bound student's placement at host 1 (the
first contact's enterprise), another senior's at host 2 and a third at host 1, all over the
plan's term 2027-03-01 – 2027-08-31; a policy covering March to June (paid by the college)
linked to the first placement; and in college B a placement and a policy linked to it.
Records are written directly (fast, and independent of the services under test).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tandem.people.models import Student
from tandem.placement.models import Placement, Position
from tandem.placement.models_records import InsurancePolicy
from tests.placement.world import PlacementWorld, add_class, add_student

START, END = date(2027, 3, 1), date(2027, 8, 31)


def add_placement(
    session: Session, position: Position, student: Student, **fields: Any
) -> Placement:
    plan = position.plan
    placement = Placement(
        college_id=position.college_id,
        student_id=student.id,
        plan_id=plan.id,
        position_id=position.id,
        partnership_id=position.partnership_id,
        enterprise_id=position.partnership.enterprise_id,
        kind=fields.pop("kind", plan.kind),
        start_on=fields.pop("start_on", plan.term_start),
        end_on=fields.pop("end_on", plan.term_end),
        title=fields.pop("title", position.title),
        monthly_pay=fields.pop("monthly_pay", Decimal("4200.00")),
        hours_per_day=fields.pop("hours_per_day", Decimal("8.0")),
        days_per_week=fields.pop("days_per_week", Decimal("5.0")),
        **fields,
    )
    session.add(placement)
    session.flush()
    return placement


def add_policy(
    session: Session, college_id: int, *placements: Placement, **fields: Any
) -> InsurancePolicy:
    policy = InsurancePolicy(
        college_id=college_id,
        insurer=fields.pop("insurer", "中国人民财产保险"),
        number=fields.pop("number", f"PICC-{len(placements)}-{id(fields) % 100000}"),
        start_on=fields.pop("start_on", START),
        end_on=fields.pop("end_on", date(2027, 6, 30)),
        premium=fields.pop("premium", Decimal("120.00")),
        paid_by=fields.pop("paid_by", "college"),
        **fields,
    )
    policy.placements = list(placements)
    session.add(policy)
    session.flush()
    return policy


@dataclass
class Insured:
    mine: Placement  # the bound student's, at host 1
    second: Placement  # another senior's, at host 2
    third: Placement  # another senior's, at host 1
    policy: InsurancePolicy  # college A, March–June, linked to ``mine``
    other_placement: Placement  # college B
    other_policy: InsurancePolicy  # college B, linked to ``other_placement``


def insured(session: Session, world: PlacementWorld) -> Insured:
    mine = add_placement(session, world.positions[0], world.seniors[0])
    second = add_placement(session, world.positions[2], world.seniors[1])
    third = add_placement(session, world.positions[1], world.seniors[2])
    policy = add_policy(session, world.college.id, mine, number="A-2027-001")
    b_student = add_student(session, add_class(session, world.other_plan.majors[0], 2024))
    other_placement = add_placement(session, world.other_position, b_student)
    other_policy = add_policy(
        session, world.other_college.id, other_placement, number="B-2027-001", end_on=END
    )
    return Insured(mine, second, third, policy, other_placement, other_policy)
