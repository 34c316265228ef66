"""The large demo, at 1 % of its size: valid, consistent, as many as asked, the same by seed."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.cli import app
from tandem.college.models import College, Department
from tandem.demo.large import (
    CLASS_SIZE,
    FULL_SIZE,
    LARGE_CODE,
    LARGE_MAJORS,
    LargePlan,
    LargeSize,
    allocate,
    build_large,
    plan_large,
)
from tandem.kit.crypto import cipher
from tandem.kit.identifiers import (
    id_birth_date,
    mask_resident_id,
    resident_id_problem,
    uscc_problem,
)
from tandem.kit.pagination import ListParams
from tandem.partner.models import Enterprise, Partnership
from tandem.people import repository
from tandem.people.models import Major, SchoolClass, Student, Teacher
from tandem.resource.models import Booking, Equipment, Venue

SCALE = 0.01  # 200 students, 8 teachers, 3 enterprises


@pytest.fixture(scope="module")
def plan() -> LargePlan:
    return plan_large(seed=5, scale=SCALE)


def test_allocate_splits_exactly_in_proportion() -> None:
    assert allocate(10, [1, 1, 2]) == [3, 2, 5]
    assert sum(allocate(20_000, [0.7, 1.3, 1.1] * 40)) == 20_000
    assert allocate(2, [1.0] * 4) == [1, 1, 0, 0]


def test_plan_has_the_asked_counts_and_valid_identifiers(plan: LargePlan) -> None:
    assert (plan.size.students, plan.size.teachers, plan.size.enterprises) == (200, 8, 3)
    assert len(plan.students) == 200
    assert len(plan.teachers) == 8
    assert len(plan.enterprises) == len(plan.statuses) == 3
    assert len({row[1] for row in LARGE_MAJORS}) == len(LARGE_MAJORS) == 40
    assert len({row[0] for row in LARGE_MAJORS}) == 8
    numbers = [s.person.number for s in plan.students]
    ids = [s.person.id_number for s in plan.students]
    assert len(set(numbers)) == len(numbers)
    assert len(set(ids)) == len(ids)
    for student in plan.students:
        assert resident_id_problem(student.person.id_number) is None
        assert id_birth_date(student.person.id_number) == student.person.birth_date
        assert student.guardian_name
        assert student.guardian_phone
    per_class = Counter(s.class_name for s in plan.students)
    assert set(per_class) == {c.name for c in plan.classes}
    assert max(per_class.values()) <= CLASS_SIZE
    assert all(uscc_problem(e.uscc) is None for e in plan.enterprises)
    assert len({t.staff_number for t in plan.teachers}) == 8


def test_the_same_seed_gives_the_same_plan(plan: LargePlan) -> None:
    assert plan_large(seed=5, scale=SCALE) == plan
    assert plan_large(seed=6, scale=SCALE) != plan


def test_full_size_is_the_benchmark_college() -> None:
    assert FULL_SIZE.scaled(1.0) == LargeSize(students=20_000, teachers=800, enterprises=300)
    assert FULL_SIZE.scaled(0.0001) == LargeSize(students=2, teachers=1, enterprises=1)


def _large(session: Session) -> College:
    college = session.scalar(select(College).where(College.code == LARGE_CODE))
    assert college is not None
    return college


def _count(session: Session, model: Any, college: College) -> int:
    return session.scalar(select(func.count()).where(model.college_id == college.id)) or 0


def test_build_writes_the_plan_with_valid_stored_ids(session: Session, plan: LargePlan) -> None:
    summary = build_large(session, seed=5, scale=SCALE)
    assert "200 students" in summary
    college = _large(session)
    assert session.scalar(select(func.count()).where(Department.college_id == college.id)) == 8
    assert _count(session, Major, college) == 40
    assert _count(session, SchoolClass, college) == len(plan.classes)
    assert _count(session, Teacher, college) == 8
    students = session.scalars(
        select(Student).where(Student.college_id == college.id).order_by(Student.student_number)
    ).all()
    planned = {s.person.number: s for s in plan.students}
    assert len(students) == 200
    data_cipher = cipher()
    for student in students:
        wanted = planned[student.student_number]
        assert student.id_number_encrypted is not None
        number = data_cipher.decrypt(student.id_number_encrypted)
        assert number == wanted.person.id_number
        assert resident_id_problem(number) is None
        assert student.id_number_hash == data_cipher.lookup_hash(number)
        assert student.id_number_masked == mask_resident_id(number)
        assert (student.name, student.birth_date, student.school_class.name) == (
            wanted.person.name,
            wanted.person.birth_date,
            wanted.class_name,
        )
        assert (student.status, student.version) == ("enrolled", 1)
    entries = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "student", AuditEntry.college_id == college.id
        )
    ).all()
    assert {e.entity_id for e in entries} == {str(s.id) for s in students}
    assert all(e.action == "create" and e.changes["id_number"] == "(changed)" for e in entries)
    partnerships = session.scalars(
        select(Partnership).where(Partnership.college_id == college.id)
    ).all()
    assert len(partnerships) == 3
    assert Counter(p.status for p in partnerships) == Counter(plan.statuses)
    usccs = {e.uscc for e in session.scalars(select(Enterprise))}
    assert {e.uscc for e in plan.enterprises} <= usccs


def test_building_again_adds_nothing(session: Session) -> None:
    build_large(session, seed=5, scale=SCALE)
    college = _large(session)
    before = (_count(session, Student, college), _count(session, Partnership, college))
    again = build_large(session, seed=5, scale=SCALE)
    assert "added 0 classes, 0 teachers, 0 students and 0 partnerships" in again
    assert (_count(session, Student, college), _count(session, Partnership, college)) == before


def test_search_by_name_in_the_large_college(session: Session, plan: LargePlan) -> None:
    build_large(session, seed=5, scale=SCALE)
    college = _large(session)
    office = Actor(label="office", user_id=1, role=Role.COLLEGE_ADMIN, college_id=college.id)
    for q in (plan.students[0].person.name[0], plan.students[1].person.name):
        page = repository.list_students(session, actor=office, params=ListParams(q=q))
        assert page.total == sum(1 for s in plan.students if q in s.person.name)
        assert all(q in s.name for s in page.items)
    # Text with cased letters still ignores case; Chinese text matches as typed.
    for q in ("cnc technology", "数控"):
        page = repository.list_majors(session, actor=office, params=ListParams(q=q))
        assert [m.code for m in page.items] == ["460103"]


def test_size_option_accepts_only_default_or_large() -> None:
    result = CliRunner().invoke(app, ["demo", "--size", "huge"])
    assert result.exit_code == 2
    assert "--size" in result.output


def test_a_year_of_resources_at_scale(session: Session) -> None:
    summary = build_large(session, seed=5, scale=SCALE)
    college = _large(session)
    assert "2 venues, 20 equipment lines and 5000 bookings" in summary
    assert _count(session, Venue, college) == 2
    assert _count(session, Equipment, college) == 20
    assert _count(session, Booking, college) == 5000
    again = build_large(session, seed=5, scale=SCALE)
    assert "0 venues, 0 equipment lines and 0 bookings" in again
    assert _count(session, Booking, college) == 5000
