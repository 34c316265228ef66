"""The large demo: a benchmark-scale college (``tandem demo --size large``).

College ``LARGE`` has 8 departments, 40 majors, about 500 classes, 20,000 students, 800 teachers
and 300 partner enterprises, each with a partnership in one of the five statuses. It is built
next to the default demo (``build_large_demo`` builds that first), so every demo login still
works, and ``office@large.example`` (the demo password) is its cooperation office.

Two steps: ``plan_large`` draws everything from one seeded generator (a pure function: the same
seed and scale give the same plan), ``build_large`` writes the plan. ``scale`` multiplies the
students, teachers and enterprises (tests use 0.01); departments and majors stay 8 and 40.

**Students go through a bulk path; everything else through the services.** Measured on the
2-core benchmark machine (SQLite, ``bench/registries/demo_build.py``): 20,000 students through
``people.service.create_student`` took 119 s (6 ms each: class and uniqueness look-ups, a flush
and an audit row per student, in a session that keeps growing), the bulk path below 9 s; the
whole ``tandem demo --size large`` takes 20-45 s. The bulk path keeps the same rules and the
same stored forms:

- every row is validated by ``StudentCreate`` (ID number well-formed, birth date matching it,
  a guardian for minors, phone and number formats);
- the ID number is stored with the same helpers as the service: ``cipher().encrypt``,
  ``cipher().lookup_hash`` and ``mask_resident_id``;
- uniqueness (student number and ID number in the college) is guaranteed by the plan, which
  draws again on a repeated ID number, and by the database's unique constraints; the students
  are only written into a college that has none yet;
- each student gets the audit entry the service would write ("create", every field, the ID
  number only as "(changed)"), inserted in bulk as well.

Departments, majors, classes, teachers, enterprises (with staff counts and a contact) and
partnerships (with their status changes) go through the services like the default demo, which
stays entirely on the services.

Its shared resources — a year up to today of ~150 venues, ~2,000 equipment lines and ~500,000
bookings (× ``scale``) — come from :func:`tandem.demo.resources_large.generate_year`, in bulk
behind their own progress bar (the benchmark college of ``bench/resources/``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from rich.console import Console
from rich.progress import Progress
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth import service as auth_service
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.auth.roles import Role
from tandem.auth.schemas import UserInvite
from tandem.college.models import College
from tandem.college.schemas import CollegeCreate
from tandem.demo import (
    DEFAULT_SEED,
    DEMO_DEPARTMENTS,
    DEMO_YEAR,
    _ensure_departments,
    build_demo,
)
from tandem.demo.accounts import DEMO_PASSWORD
from tandem.demo.agreements import build_large_agreements
from tandem.demo.partner_data import BUSINESSES, EXTRA_BUSINESSES, EnterpriseDraft
from tandem.demo.partner_data import enterprise_drafts as draw_enterprises
from tandem.demo.people_data import (
    COHORTS,
    EXTRA_DEPARTMENTS,
    EXTRA_MAJORS,
    MAJORS,
    TITLES,
    PersonDraft,
    chinese_name,
    phone,
    student_draft,
)
from tandem.demo.registries import DEMO_STATUSES, _enterprise, _major, _partnership
from tandem.demo.resources_large import generate_year
from tandem.kit.dates import local_today
from tandem.partner.models import Enterprise, Partnership
from tandem.people import bulk as people_bulk
from tandem.people import service as people_service
from tandem.people.models import Major, Student, Teacher
from tandem.people.schemas import SchoolClassCreate, StudentCreate, TeacherCreate
from tandem.resource.models import Venue

LARGE_CODE = "LARGE"
LARGE_COLLEGE = CollegeCreate(
    code=LARGE_CODE,
    name_zh="粤海职业技术大学（基准测试）",
    name_en="Yuehai Polytechnic (benchmark college)",
    region_code="440300",
)
LARGE_DEPARTMENTS = DEMO_DEPARTMENTS + EXTRA_DEPARTMENTS
LARGE_MAJORS = MAJORS + EXTRA_MAJORS
LARGE_OFFICE = "office@large.example"
CLASS_SIZE = 45  # at most this many students a class
CHUNK = 1000  # students written (and the progress bar moved) per bulk insert
FULL_RESOURCES = (150, 2000, 500_000)  # venues, equipment lines, bookings over a year
GUARDIAN_GIVEN = ["建国", "秀兰", "志明", "丽华", "国强", "桂芳"]

Tick = Callable[[], None]


@dataclass(frozen=True)
class LargeSize:
    students: int = 20_000
    teachers: int = 800
    enterprises: int = 300

    def scaled(self, scale: float) -> LargeSize:
        """The counts times ``scale`` (at least one of each)."""
        return LargeSize(
            *(max(1, round(n * scale)) for n in (self.students, self.teachers, self.enterprises))
        )


FULL_SIZE = LargeSize()


@dataclass(frozen=True)
class ClassPlan:
    name: str
    major_code: str
    cohort: int


@dataclass(frozen=True)
class TeacherPlan:
    staff_number: str
    name: str
    major_code: str
    title: str
    subjects: str
    double_qualified: bool


@dataclass(frozen=True)
class StudentPlan:
    person: PersonDraft
    class_name: str
    guardian_name: str
    guardian_phone: str


@dataclass(frozen=True)
class LargePlan:
    seed: int
    size: LargeSize
    classes: list[ClassPlan]
    teachers: list[TeacherPlan]
    students: list[StudentPlan]
    enterprises: list[EnterpriseDraft]
    statuses: list[str]  # the partnership status of each enterprise, in the same order


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder: the parts add up)."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    parts = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (parts[i] - shares[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _classes_and_students(
    rng: random.Random, counts: list[int]
) -> tuple[list[ClassPlan], list[StudentPlan]]:
    classes: list[ClassPlan] = []
    students: list[StudentPlan] = []
    ids: set[str] = set()
    cells = [(i, row, c) for i, row in enumerate(LARGE_MAJORS, start=1) for c in COHORTS]
    for (index, row, cohort), count in zip(cells, counts, strict=True):
        if count == 0:
            continue
        sizes = allocate(count, [1.0] * math.ceil(count / CLASS_SIZE))
        for number, seats in enumerate(sizes, start=1):
            school_class = ClassPlan(f"{row[2]}{cohort % 100:02d}{number:02d}班", row[1], cohort)
            classes.append(school_class)
            for seat in range(1, seats + 1):
                student_number = f"{cohort}{index:02d}{number:02d}{seat:02d}"
                person = student_draft(rng, cohort=cohort, number=student_number)
                while person.id_number in ids:  # made-up numbers can repeat: draw again
                    person = student_draft(rng, cohort=cohort, number=student_number)
                ids.add(person.id_number)
                guardian = person.name[0] + rng.choice(GUARDIAN_GIVEN)
                students.append(StudentPlan(person, school_class.name, guardian, phone(rng)))
    return classes, students


def plan_large(seed: int = DEFAULT_SEED, scale: float = 1.0) -> LargePlan:
    """Everything the large college will hold, drawn from one generator seeded by ``seed``."""
    rng = random.Random(seed)
    size = FULL_SIZE.scaled(scale)
    popularity = [rng.uniform(0.6, 1.4) for _ in LARGE_MAJORS]
    cell_weights = [w for w in popularity for _ in COHORTS]
    classes, students = _classes_and_students(rng, allocate(size.students, cell_weights))
    teachers: list[TeacherPlan] = []
    for row, count in zip(LARGE_MAJORS, allocate(size.teachers, popularity), strict=True):
        for _ in range(count):
            teachers.append(
                TeacherPlan(
                    staff_number=f"T{len(teachers) + 1:05d}",
                    name=chinese_name(rng),
                    major_code=row[1],
                    title=rng.choice(TITLES),
                    subjects=row[4],
                    double_qualified=rng.random() < 0.45,
                )
            )
    enterprises = draw_enterprises(rng, size.enterprises, BUSINESSES + EXTRA_BUSINESSES)
    statuses = [DEMO_STATUSES[i % len(DEMO_STATUSES)] for i in range(size.enterprises)]
    rng.shuffle(statuses)
    return LargePlan(seed, size, classes, teachers, students, enterprises, statuses)


# --- writing it ---------------------------------------------------------------------------------


def _student(class_id: int, plan: StudentPlan) -> StudentCreate:
    """A planned student, validated by the same schema as the pages."""
    person = plan.person
    return StudentCreate(
        student_number=person.number,
        name=person.name,
        gender=person.gender,
        birth_date=person.birth_date,
        id_number=person.id_number,
        class_id=class_id,
        phone=person.phone,
        guardian_name=plan.guardian_name,
        guardian_phone=plan.guardian_phone,
    )


def insert_students(
    session: Session,
    *,
    actor: Actor,
    college: College,
    class_ids: dict[str, int],
    students: Sequence[StudentPlan],
    tick: Tick,
) -> int:
    """The bulk path (see the module's docstring); ``tick`` after each chunk of rows."""
    for start in range(0, len(students), CHUNK):
        people_bulk.insert_students(
            session,
            actor=actor,
            college_id=college.id,
            students=[
                _student(class_ids[plan.class_name], plan)
                for plan in students[start : start + CHUNK]
            ],
        )
        tick()
    return len(students)


def _people(
    session: Session, actor: Actor, college: College, plan: LargePlan, tick: Tick
) -> tuple[int, int, int]:
    """Classes and teachers through the services, then the students in bulk."""
    majors = {
        m.code: m for m in session.scalars(select(Major).where(Major.college_id == college.id))
    }
    class_ids: dict[str, int] = {}
    for school_class in plan.classes:
        data = SchoolClassCreate(
            name=school_class.name,
            major_id=majors[school_class.major_code].id,
            cohort_year=school_class.cohort,
        )
        created = people_service.create_class(
            session, actor=actor, data=data, college_id=college.id
        )
        class_ids[created.name] = created.id
    tick()
    for teacher in plan.teachers:
        people_service.create_teacher(
            session,
            actor=actor,
            college_id=college.id,
            data=TeacherCreate(
                staff_number=teacher.staff_number,
                name=teacher.name,
                department_id=majors[teacher.major_code].department_id,
                title=teacher.title,
                subjects=teacher.subjects,
                double_qualified=teacher.double_qualified,
            ),
        )
    tick()
    students = insert_students(
        session,
        actor=actor,
        college=college,
        class_ids=class_ids,
        students=plan.students,
        tick=tick,
    )
    return len(plan.classes), len(plan.teachers), students


def _partners(
    session: Session, actor: Actor, college: College, plan: LargePlan, tick: Tick
) -> tuple[int, int]:
    """The enterprises (shared master data) and the college's partnership with each."""
    rng = random.Random(f"large-partners-{plan.seed}")  # contacts, tags, notes, start dates
    enterprises: list[Enterprise] = []
    for draft in plan.enterprises:
        enterprises.append(_enterprise(session, actor, draft, DEMO_YEAR, rng))
        tick()
    if session.scalar(select(Partnership.id).where(Partnership.college_id == college.id).limit(1)):
        return len(enterprises), 0  # already built
    departments = {d.code: d.id for d in college.departments}
    managers: dict[int, list[Teacher]] = {}
    for teacher in session.scalars(
        select(Teacher).where(Teacher.college_id == college.id).order_by(Teacher.id)
    ):
        managers.setdefault(teacher.department_id, []).append(teacher)
    for draft, enterprise, status in zip(plan.enterprises, enterprises, plan.statuses, strict=True):
        department_id = departments[draft.department_code]
        candidates = managers.get(department_id, [])
        _partnership(
            session,
            actor,
            college=college,
            enterprise=enterprise,
            status=status,
            department_id=department_id,
            manager=rng.choice(candidates) if candidates else None,
            rng=rng,
        )
        tick()
    return len(enterprises), len(enterprises)


def build_large(
    session: Session,
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    console: Console | None = None,
) -> str:
    """Create (or complete) college LARGE from ``plan_large(seed, scale)``; returns a summary.

    Its registers are written only into a college without students, its partnerships only into
    one without partnerships, so running it again adds nothing twice.
    """
    actor = Actor.system("demo")
    plan = plan_large(seed, scale)
    chunks = math.ceil(len(plan.students) / CHUNK)
    total = 1 + len(LARGE_MAJORS) + 2 + chunks + 2 * len(plan.enterprises)
    with Progress(console=console, transient=True, disable=console is None) as progress:
        task = progress.add_task("Large demo: departments and majors", total=total)

        def tick() -> None:
            progress.advance(task)

        college, _ = _ensure_departments(session, actor, LARGE_COLLEGE, LARGE_DEPARTMENTS)
        tick()
        for row in LARGE_MAJORS:
            _major(session, actor, college, row)
            tick()
        classes = teachers = students = 0
        if session.scalar(select(Student.id).where(Student.college_id == college.id).limit(1)):
            progress.advance(task, 2 + chunks)  # already built: complete the rest only
        else:
            progress.update(task, description="Large demo: classes, teachers and students")
            classes, teachers, students = _people(session, actor, college, plan, tick)
        progress.update(task, description="Large demo: enterprises and partnerships")
        enterprises, partnerships = _partners(session, actor, college, plan, tick)
        progress.update(task, description="Large demo: agreements")
        agreements = build_large_agreements(session, actor=actor, college=college, seed=seed)
        progress.update(task, description="Large demo: a year of resources and bookings")
        resources = _resources(session, college, seed, scale, progress)
    return (
        f"college {LARGE_CODE}: {len(LARGE_DEPARTMENTS)} departments, {len(LARGE_MAJORS)} "
        f"majors; added {classes} classes, {teachers} teachers, {students} students and "
        f"{partnerships} partnerships with {enterprises} enterprises, {agreements} "
        f"agreements, {resources.get('venues', 0)} venues, {resources.get('equipment', 0)} "
        f"equipment lines and {resources.get('bookings', 0)} bookings"
    )


def _resources(
    session: Session, college: College, seed: int, scale: float, progress: Progress
) -> dict[str, int]:
    """A year of venues, equipment and bookings up to today (``FULL_RESOURCES`` × ``scale``),
    unless the college has venues already; the bookings move their own progress bar."""
    if session.scalar(select(Venue.id).where(Venue.college_id == college.id).limit(1)):
        return {}
    venues, equipment, bookings = (max(1, round(n * scale)) for n in FULL_RESOURCES)
    task = progress.add_task("Large demo: bookings", total=bookings)

    def advance(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return generate_year(
        session,
        college_id=college.id,
        first=local_today() - timedelta(days=364),
        venues=venues,
        equipment=equipment,
        bookings=bookings,
        seed=seed,
        progress=advance,
    )


def ensure_large_office(session: Session) -> bool:
    """The cooperation office account of LARGE (the demo password); True if it was created."""
    if session.scalar(select(User.id).where(User.email == LARGE_OFFICE)) is not None:
        return False
    college = session.scalar(select(College).where(College.code == LARGE_CODE))
    assert college is not None  # noqa: S101 - built first
    data = UserInvite(
        email=LARGE_OFFICE,
        display_name="基准学院 合作办 Large Office",
        role=Role.COLLEGE_ADMIN,
        college_id=college.id,
    )
    auth_service.create_user(session, actor=Actor.system("demo"), data=data, password=DEMO_PASSWORD)
    return True


def build_large_demo(
    session: Session,
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    console: Console | None = None,
) -> str:
    """The default demo, then college LARGE and its office account; returns a summary."""
    default = build_demo(session, seed=seed, console=console)
    large = build_large(session, seed=seed, scale=scale, console=console)
    ensure_large_office(session)
    from tandem.demo.placement_large import build_large_plan  # the allocation benchmark's plan

    placement = build_large_plan(session, seed=seed)
    if placement:
        large += (
            f", a placement plan ready to allocate ({placement['positions']} positions, "
            f"{placement['preferences']} preferences)"
        )
    return f"{default}; {large} (sign in as {LARGE_OFFICE})"
