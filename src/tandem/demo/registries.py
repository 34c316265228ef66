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
from tandem.demo.partner_data import BUSINESSES, EnterpriseDraft, enterprise_drafts
from tandem.demo.people_data import (
    COHORTS,
    MAJORS,
    TITLES,
    chinese_name,
    phone,
    student_draft,
    teacher_subjects,
)
from tandem.partner import partnerships
from tandem.partner import service as partner_service
from tandem.partner.models import Enterprise, Partnership
from tandem.partner.schemas import (
    ContactCreate,
    EnterpriseCreate,
    PartnershipCreate,
    StaffCountCreate,
    StatusChange,
)
from tandem.people import service as people_service
from tandem.people.models import Major, Student, Teacher
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
        for seat in range(3):
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
                        subjects=teacher_subjects(row, seat),
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


# Partnerships of the demo college in every status (shuffled by the seed).
DEMO_STATUSES = (
    ["active"] * 22 + ["prospect"] * 4 + ["vetting"] * 4 + ["dormant"] * 5 + ["ended"] * 5
)
TAGS = ["岗位实习", "订单班", "实训基地", "现代学徒制", "技术服务", "员工培训", "设备共享"]
NOTES = [
    "每学期接收岗位实习学生，带教师傅稳定。",
    "企业希望扩大订单班规模，需与专业负责人商定课程。",
    "年度合作评审待安排。",
    "",
]
ENDED_REASONS = ["企业业务调整，合作到期未续签。", "企业迁出本地区。"]


def _partnership(
    session: Session,
    actor: Actor,
    *,
    college: College,
    enterprise: Enterprise,
    status: str,
    department_id: int | None,
    manager: Teacher | None,
    rng: random.Random,
) -> None:
    started = status in ("active", "dormant", "ended")
    partnership = partnerships.create_partnership(
        session,
        actor=actor,
        data=PartnershipCreate(
            enterprise_id=enterprise.id,
            college_id=college.id,
            status="active" if started else status,
            department_id=department_id,
            start_date=date(rng.randrange(2018, 2026), rng.randrange(1, 13), 1)
            if started
            else None,
            account_manager_id=manager.id if manager else None,
            tags=rng.sample(TAGS, rng.randrange(0, 3)),
            notes=rng.choice(NOTES),
        ),
    )
    if status == "dormant":
        partnerships.change_status(
            session, actor=actor, partnership=partnership, data=StatusChange(status="dormant")
        )
    elif status == "ended":
        partnerships.change_status(
            session,
            actor=actor,
            partnership=partnership,
            data=StatusChange(status="ended", reason=rng.choice(ENDED_REASONS)),
        )


def build_partnerships(
    session: Session,
    *,
    actor: Actor,
    demo: College,
    second: College,
    enterprises: list[Enterprise],
    registry: Registry,
    rng: random.Random,
) -> int:
    """40 partnerships for the demo college in every status, 8 for the second college (one
    enterprise works with both: master data is shared, partnerships are each college's own)."""
    existing = session.scalar(
        select(Partnership.id).where(Partnership.college_id == demo.id).limit(1)
    )
    if existing is not None:
        return 0
    departments = {d.code: d.id for d in demo.departments}
    teachers_by_department: dict[int, list[Teacher]] = {}
    for teacher in registry.teachers:
        teachers_by_department.setdefault(teacher.department_id, []).append(teacher)
    statuses = DEMO_STATUSES[:]
    rng.shuffle(statuses)
    for enterprise, status in zip(enterprises[:40], statuses, strict=True):
        department_id = departments.get(_department_code(enterprise))
        managers = teachers_by_department.get(department_id or 0, [])
        _partnership(
            session,
            actor,
            college=demo,
            enterprise=enterprise,
            status=status,
            department_id=department_id,
            manager=rng.choice(managers) if managers else None,
            rng=rng,
        )
    for enterprise in [enterprises[0], *enterprises[42:49]]:
        _partnership(
            session,
            actor,
            college=second,
            enterprise=enterprise,
            status=rng.choice(["active", "active", "prospect", "dormant"]),
            department_id=None,
            manager=None,
            rng=rng,
        )
    return 48


def _department_code(enterprise: Enterprise) -> str:
    """The department whose majors fit the enterprise's industry (for the demo's ownership)."""
    by_detail = {detail: department for _, _, detail, department in BUSINESSES}
    return by_detail.get(enterprise.industry_detail, "MECH")
