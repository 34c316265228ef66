"""Load the demo registries through the same services the pages use (validated and audited):
majors, classes, a few hundred students, teachers, ~50 enterprises and their partnerships."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.college import repository as college_repository
from tandem.college.models import College
from tandem.demo.partner_data import EnterpriseDraft, enterprise_drafts
from tandem.demo.people_data import COHORTS, MAJORS, TITLES, chinese_name, phone, student_draft
from tandem.partner import service as partner_service
from tandem.partner.models import Enterprise
from tandem.partner.schemas import ContactCreate, EnterpriseCreate, StaffCountCreate
from tandem.people import service as people_service
from tandem.people.models import Major, SchoolClass, Student, Teacher
from tandem.people.schemas import MajorCreate, SchoolClassCreate, StudentCreate, TeacherCreate

Tick = Callable[[], None]


@dataclass
class Registry:
    """What the demo built, for the steps after it (partnerships, account bindings)."""

    students: list[Student] = field(default_factory=list)
    teachers: list[Teacher] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)


def _major(session: Session, actor: Actor, college: College, row: tuple[str, ...]) -> Major:
    department_code, code, name_zh, name_en, _ = row
    existing = session.scalar(
        select(Major).where(Major.college_id == college.id, Major.code == code)
    )
    if existing is not None:
        return existing
    department = college_repository.find_department_by_code(session, college, department_code)
    assert department is not None  # noqa: S101 - the demo made the departments first
    data = MajorCreate(code=code, name_zh=name_zh, name_en=name_en, department_id=department.id)
    return people_service.create_major(session, actor=actor, data=data, college_id=college.id)


def build_people(
    session: Session,
    *,
    actor: Actor,
    college: College,
    rng: random.Random,
    students_per_class: int,
    tick: Tick,
) -> Registry:
    registry = Registry()
    if session.scalar(select(Student.id).where(Student.college_id == college.id).limit(1)):
        registry.students = list(
            session.scalars(
                select(Student).where(Student.college_id == college.id).order_by(Student.id)
            )
        )
        registry.teachers = list(
            session.scalars(
                select(Teacher).where(Teacher.college_id == college.id).order_by(Teacher.id)
            )
        )
        return registry  # already built: the demo only completes what is missing
    staff_number = 0
    for index, row in enumerate(MAJORS, start=1):
        major = _major(session, actor, college, row)
        for _ in range(3):
            staff_number += 1
            registry.teachers.append(
                people_service.create_teacher(
                    session,
                    actor=actor,
                    college_id=college.id,
                    data=TeacherCreate(
                        staff_number=f"T{staff_number:04d}",
                        name=chinese_name(rng),
                        department_id=major.department_id,
                        title=rng.choice(TITLES),
                        subjects=row[4],
                        double_qualified=rng.random() < 0.45,
                    ),
                )
            )
        for cohort in COHORTS:
            school_class = people_service.create_class(
                session,
                actor=actor,
                college_id=college.id,
                data=SchoolClassCreate(
                    name=f"{row[2]}{cohort % 100:02d}01班", major_id=major.id, cohort_year=cohort
                ),
            )
            for seat in range(1, students_per_class + 1):
                draft = student_draft(rng, cohort=cohort, number=f"{cohort}{index:02d}01{seat:02d}")
                registry.students.append(
                    people_service.create_student(
                        session,
                        actor=actor,
                        college_id=college.id,
                        data=StudentCreate(
                            student_number=draft.number,
                            name=draft.name,
                            gender=draft.gender,
                            birth_date=draft.birth_date,
                            id_number=draft.id_number,
                            class_id=school_class.id,
                            phone=draft.phone,
                            guardian_name=draft.name[0]
                            + rng.choice(["建国", "秀兰", "志明", "丽华"]),
                            guardian_phone=phone(rng),
                        ),
                    )
                )
            tick()
    return registry


def _enterprise(
    session: Session, actor: Actor, draft: EnterpriseDraft, year: int, rng: random.Random
) -> Enterprise:
    existing = session.scalar(select(Enterprise).where(Enterprise.uscc == draft.uscc))
    if existing is not None:
        return existing
    enterprise = partner_service.create_enterprise(
        session,
        actor=actor,
        data=EnterpriseCreate(
            uscc=draft.uscc,
            name=draft.name,
            short_name=draft.short_name,
            kind=draft.kind,
            industry_section=draft.industry_section,
            industry_detail=draft.industry_detail,
            size_band=draft.size_band,
            address=draft.address,
            region_code=draft.region_code,
            certified_level="provincial" if draft.certified else None,
            certified_on=date(year - 1, 6, 30) if draft.certified else None,
            staff_count=StaffCountCreate(
                as_of=date(year - 1, 12, 31), on_post_staff=draft.staff_last_year
            ),
            contacts=[
                ContactCreate(
                    name=chinese_name(rng),
                    role=rng.choice(["人力资源经理", "培训主管"]),
                    phone=phone(rng),
                )
            ],
        ),
    )
    partner_service.add_staff_count(
        session,
        actor=actor,
        enterprise=enterprise,
        data=StaffCountCreate(as_of=date(year, 6, 30), on_post_staff=draft.staff_this_year),
    )
    return enterprise


def build_enterprises(
    session: Session, *, actor: Actor, rng: random.Random, count: int, year: int, tick: Tick
) -> list[Enterprise]:
    enterprises = []
    for draft in enterprise_drafts(rng, count):
        enterprises.append(_enterprise(session, actor, draft, year, rng))
        tick()
    return enterprises


def departments_of(session: Session, college: College) -> dict[str, int]:
    return {d.code: d.id for d in college.departments}


__all__ = ["Registry", "SchoolClass", "build_enterprises", "build_people", "departments_of"]
