"""Records for the placement routes' path parameters in tests/test_route_access.py.

``prepare`` makes, in college A (the actors' own), a post-internship plan of the coordinator's
department in the ``student_ranking`` phase that the student's class (tests/people/access.py
binds the student) takes part in, a published position at the contact's enterprise, and a
published round in which the student holds that position; in college B, the same with
another enterprise, and a draft placement of the student at that position (and of college B's
student at its position). Every placement access module uses these ids: ``plan_id``,
``position_id``, ``round_id``, ``placement_id``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.people.models import Student
from tandem.placement.models import AllocationRound, Placement, RoundAssignment
from tests.needs.access import _own_partnership
from tests.partner.helpers import make_enterprise, make_partnership
from tests.placement.world import add_class, add_major, add_plan, add_position, add_student

RULES: dict[tuple[str, str], Any] = {}


def _placement(session: Session, plan: Any, position: Any, student: Student) -> int:
    placement = Placement(
        college_id=plan.college_id,
        student_id=student.id,
        plan_id=plan.id,
        position_id=position.id,
        partnership_id=position.partnership_id,
        enterprise_id=position.partnership.enterprise_id,
        kind=plan.kind,
        start_on=plan.term_start,
        end_on=plan.term_end,
        title=position.title,
    )
    session.add(placement)
    session.flush()
    return placement.id


def _round(
    session: Session, plan_id: int, college_id: int, student: Student, position_id: int
) -> int:
    found = AllocationRound(
        college_id=college_id, plan_id=plan_id, number=1, status="published", stats={}
    )
    session.add(found)
    session.flush()
    session.add(
        RoundAssignment(
            college_id=college_id,
            round_id=found.id,
            student_id=student.id,
            position_id=position_id,
            choice=1,
            explanation={"message": "placed"},
        )
    )
    session.flush()
    return found.id


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    own_host = _own_partnership(session, a, departments[0], users)
    student = session.get_one(Student, users["student"].student_id)
    plan = add_plan(
        session,
        a,
        classes=[student.school_class],
        department_id=departments[0].id,
        phase="student_ranking",
        name="ACC plan A",
    )
    position = add_position(session, plan, own_host)
    round_id = _round(session, plan.id, a.id, student, position.id)

    other_major = add_major(session, departments[1])
    other_student = add_student(session, add_class(session, other_major, 2024))
    other_host = make_partnership(session, b, make_enterprise(session), departments[1])
    other_plan = add_plan(
        session, b, classes=[other_student.school_class], phase="student_ranking", name="ACC B"
    )
    other_position = add_position(session, other_plan, other_host)
    other_round = _round(session, other_plan.id, b.id, other_student, other_position.id)
    return {
        "own": {
            "plan_id": plan.id,
            "position_id": position.id,
            "round_id": round_id,
            "placement_id": _placement(session, plan, position, student),
        },
        "other": {
            "plan_id": other_plan.id,
            "position_id": other_position.id,
            "round_id": other_round,
            "placement_id": _placement(session, other_plan, other_position, other_student),
        },
    }
