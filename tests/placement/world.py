"""A small placement world shared by the placement tests.

College A: department D1 with major M1 (classes: year-2 ``senior`` of cohort 2024 with six
students, first-year ``junior`` of cohort 2026 with two), department D2 with major M2 (one
class of two students, not in the plan). Two partner enterprises: host 1 (200 on-post staff,
two positions) and host 2 (30 staff, one position). A post-internship plan for M1 starting
2027-03-01 in the ``positions`` phase, its positions published. Users: the office, a
coordinator of D1, a teacher, the first senior student, and one contact of each host.
College B has its own plan and position (another tenant: everything of it is a 404 to A).

Everything is written directly (fast and independent of the services under test), except
the users, which go through the account service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.auth.roles import Role
from tandem.auth.schemas import UserInvite
from tandem.auth.service import actor_for, create_user
from tandem.college.models import College, Department
from tandem.partner.models import Enterprise, EnterpriseStaffCount, Partnership
from tandem.people.models import Major, SchoolClass, Student
from tandem.placement.models import PlacementPlan, Position
from tests.factories import ACTOR, make_college, make_department
from tests.partner.helpers import make_contact_user, make_enterprise, make_partnership

_numbers = count(1)
START, END = date(2027, 3, 1), date(2027, 8, 31)


def add_major(session: Session, department: Department) -> Major:
    n = next(_numbers)
    major = Major(
        college_id=department.college_id,
        code=f"PM{n:04d}",
        name_zh=f"专业{n}",
        name_en=f"Major {n}",
        department_id=department.id,
    )
    session.add(major)
    session.flush()
    return major


def add_class(session: Session, major: Major, cohort_year: int) -> SchoolClass:
    n = next(_numbers)
    school_class = SchoolClass(
        college_id=major.college_id, name=f"PClass {n}", major_id=major.id, cohort_year=cohort_year
    )
    session.add(school_class)
    session.flush()
    return school_class


def add_student(
    session: Session, school_class: SchoolClass, *, birth: date = date(2005, 5, 17), **fields: Any
) -> Student:
    n = next(_numbers)
    student = Student(
        college_id=school_class.college_id,
        student_number=fields.pop("student_number", f"PS{n:06d}"),
        name=fields.pop("name", f"学生{n}"),
        gender=fields.pop("gender", "F"),
        birth_date=birth,
        class_id=school_class.id,
        **fields,
    )
    session.add(student)
    session.flush()
    return student


def add_staff(session: Session, enterprise: Enterprise, staff: int, as_of: date) -> None:
    session.add(EnterpriseStaffCount(enterprise_id=enterprise.id, as_of=as_of, on_post_staff=staff))
    session.flush()


def add_plan(session: Session, college: College, **fields: Any) -> PlacementPlan:
    n = next(_numbers)
    majors = fields.pop("majors", [])
    classes = fields.pop("classes", [])
    plan = PlacementPlan(
        college_id=college.id,
        name=fields.pop("name", f"Plan {n}"),
        kind=fields.pop("kind", "post"),
        term_start=fields.pop("term_start", START),
        term_end=fields.pop("term_end", END),
        max_preferences=fields.pop("max_preferences", 3),
        phase=fields.pop("phase", "positions"),
        **fields,
    )
    plan.majors = list(majors)
    plan.classes = list(classes)
    session.add(plan)
    session.flush()
    return plan


def add_position(
    session: Session, plan: PlacementPlan, partnership: Partnership, **fields: Any
) -> Position:
    n = next(_numbers)
    position = Position(
        college_id=plan.college_id,
        plan_id=plan.id,
        partnership_id=partnership.id,
        title=fields.pop("title", f"Assembly technician {n}"),
        location=fields.pop("location", "Guangzhou"),
        seats=fields.pop("seats", 2),
        monthly_pay=fields.pop("monthly_pay", Decimal("4200")),
        hours_per_day=fields.pop("hours_per_day", Decimal("8")),
        days_per_week=fields.pop("days_per_week", Decimal("5")),
        labour_intensity=fields.pop("labour_intensity", 2),
        venue_category=fields.pop("venue_category", "manufacturing"),
        post_staff=fields.pop("post_staff", 40),
        post_wage=fields.pop("post_wage", Decimal("5000")),
        status=fields.pop("status", "published"),
        restrictions=fields.pop("restrictions", []),
        **fields,
    )
    session.add(position)
    session.flush()
    return position


def add_user(session: Session, role: Role, college: College | None, **bindings: Any) -> User:
    n = next(_numbers)
    return create_user(
        session,
        actor=ACTOR,
        data=UserInvite(
            email=f"placement{n}@test.example",
            display_name=f"Placement user {n}",
            role=role,
            college_id=college.id if college else None,
            **bindings,
        ),
        password=None,
    )


@dataclass
class PlacementWorld:
    college: College
    other_college: College
    departments: tuple[Department, Department]
    major: Major
    other_major: Major
    senior: SchoolClass
    junior: SchoolClass
    seniors: list[Student]
    juniors: list[Student]
    outsiders: list[Student]  # of M2: not in the plan
    enterprises: tuple[Enterprise, Enterprise]
    hosts: tuple[Partnership, Partnership]
    plan: PlacementPlan
    positions: list[Position]  # host 1: [0], [1]; host 2: [2]
    other_plan: PlacementPlan
    other_position: Position
    users: dict[str, User] = field(default_factory=dict)

    def actor(self, name: str) -> Actor:
        """``office``, ``coordinator``, ``teacher``, ``student``, ``contact1``, ``contact2``,
        ``other_office`` (college B) or ``platform``."""
        return actor_for(self.users[name])


def build_world(session: Session) -> PlacementWorld:
    a = make_college(session, region_code="440100")
    b = make_college(session, region_code="130100")
    d1, d2 = make_department(session, a), make_department(session, a)
    major, other_major = add_major(session, d1), add_major(session, d2)
    senior, junior = add_class(session, major, 2024), add_class(session, major, 2026)
    seniors = [add_student(session, senior) for _ in range(6)]
    juniors = [add_student(session, junior, birth=date(2008, 1, 1)) for _ in range(2)]
    outsiders = [add_student(session, add_class(session, other_major, 2024)) for _ in range(2)]
    e1, e2 = make_enterprise(session), make_enterprise(session)
    add_staff(session, e1, 200, date(2026, 1, 1))
    add_staff(session, e2, 30, date(2026, 1, 1))
    h1 = make_partnership(session, a, e1, d1)
    h2 = make_partnership(session, a, e2, d1)
    plan = add_plan(session, a, majors=[major], department_id=d1.id, min_year_of_study=2)
    positions = [
        add_position(session, plan, h1, seats=2),
        add_position(session, plan, h1, seats=2),
        add_position(session, plan, h2, seats=3),
    ]
    db = make_department(session, b)
    mb = add_major(session, db)
    eb = make_enterprise(session)
    hb = make_partnership(session, b, eb, db)
    other_plan = add_plan(session, b, majors=[mb])
    other_position = add_position(session, other_plan, hb)
    world = PlacementWorld(
        college=a,
        other_college=b,
        departments=(d1, d2),
        major=major,
        other_major=other_major,
        senior=senior,
        junior=junior,
        seniors=seniors,
        juniors=juniors,
        outsiders=outsiders,
        enterprises=(e1, e2),
        hosts=(h1, h2),
        plan=plan,
        positions=positions,
        other_plan=other_plan,
        other_position=other_position,
    )
    world.users = {
        "office": add_user(session, Role.COLLEGE_ADMIN, a),
        "coordinator": add_user(session, Role.DEPARTMENT_COORDINATOR, a, department_id=d1.id),
        "teacher": add_user(session, Role.TEACHER, a),
        "student": add_user(session, Role.STUDENT, a, student_id=seniors[0].id),
        "contact1": make_contact_user(session, e1, password=None),
        "contact2": make_contact_user(session, e2, password=None),
        "other_office": add_user(session, Role.COLLEGE_ADMIN, b),
        "platform": add_user(session, Role.PLATFORM_ADMIN, None),
    }
    return world
