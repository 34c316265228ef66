"""Route-by-role rules of the insurance routes (used by tests/test_route_access.py).

``prepare`` makes, in college A, a plan of the coordinator's department with a position at the
contact's enterprise, a placement of the bound student there and a policy linked to it — so
the office, the coordinator, the teacher, the contact (their intern) and the student (their own
placement) all see the own policy; in college B the same with another enterprise and student.
Deleting the own policy is refused while it is linked (409) and the link forms without
placements answer 422: both count as let through.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.auth.roles import Permission
from tandem.college.models import College, Department
from tandem.people.models import Student
from tandem.placement.models import Placement, Position
from tandem.placement.models_records import InsurancePolicy
from tests.needs.access import _own_partnership
from tests.partner.helpers import make_enterprise, make_partnership
from tests.placement.world import add_class, add_major, add_plan, add_position, add_student

P = Permission
READ, MANAGE = ("perm", P.PLACEMENT_READ), ("perm", P.PLACEMENT_MANAGE)

API, ONE = "/api/v1/insurance-policies", "/api/v1/insurance-policies/{policy_id}"
PAGES, PAGE = "/insurance-policies", "/insurance-policies/{policy_id}"

RULES: dict[tuple[str, str], Any] = {
    # API
    ("GET", API): READ,
    ("POST", API): MANAGE,
    ("GET", ONE): READ,
    ("PATCH", ONE): MANAGE,
    ("DELETE", ONE): MANAGE,
    ("POST", f"{ONE}/link"): MANAGE,
    ("POST", f"{ONE}/unlink"): MANAGE,
    ("GET", "/api/v1/placements/{placement_id}/insurance"): READ,
    # Pages
    ("GET", PAGES): READ,
    ("GET", f"{PAGES}/export.xlsx"): READ,
    ("GET", f"{PAGES}/needs-cover"): MANAGE,
    ("GET", f"{PAGES}/new"): MANAGE,
    ("POST", f"{PAGES}/new"): MANAGE,
    ("GET", PAGE): READ,
    ("GET", f"{PAGE}/edit"): MANAGE,
    ("POST", f"{PAGE}/edit"): MANAGE,
    ("GET", f"{PAGE}/delete"): MANAGE,
    ("POST", f"{PAGE}/delete"): MANAGE,
    ("POST", f"{PAGE}/link"): MANAGE,
    ("POST", f"{PAGE}/unlink"): MANAGE,
    ("POST", "/placements/{placement_id}/insurance"): MANAGE,
}

# A new policy goes to the writer's college (a platform admin, who must name it, gets a 422).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", API): {
        "insurer": "Route insurer",
        "number": "ROUTE-1",
        "start_on": "2027-03-01",
        "end_on": "2027-08-31",
        "paid_by": "college",
    },
    ("PATCH", ONE): {"note": "route test"},
    ("POST", f"{ONE}/link"): {"placement_ids": [0]},
    ("POST", f"{ONE}/unlink"): {"placement_ids": [0]},
}


def _placement(session: Session, position: Position, student: Student) -> Placement:
    plan = position.plan
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
    return placement


def _policy(session: Session, placement: Placement, number: str) -> int:
    policy = InsurancePolicy(
        college_id=placement.college_id,
        insurer="Access insurer",
        number=number,
        start_on=date(2027, 3, 1),
        end_on=date(2027, 8, 31),
        paid_by="college",
    )
    policy.placements = [placement]
    session.add(policy)
    session.flush()
    return policy.id


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
        session, a, classes=[student.school_class], department_id=departments[0].id, name="INS A"
    )
    own = _placement(session, add_position(session, plan, own_host), student)

    other_student = add_student(
        session, add_class(session, add_major(session, departments[1]), 2024)
    )
    other_host = make_partnership(session, b, make_enterprise(session), departments[1])
    other_plan = add_plan(session, b, classes=[other_student.school_class], name="INS B")
    other = _placement(session, add_position(session, other_plan, other_host), other_student)
    return {
        "own": {"policy_id": _policy(session, own, "ACCESS-A")},
        "other": {"policy_id": _policy(session, other, "ACCESS-B")},
    }
