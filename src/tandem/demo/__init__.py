"""The demo college: deterministic data that shows every feature (same seed, same data)."""

from __future__ import annotations

import random

from rich.console import Console
from rich.progress import Progress
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.college import repository as college_repository
from tandem.college import service as college_service
from tandem.college.models import College
from tandem.college.schemas import CollegeCreate, DepartmentCreate
from tandem.config import get_settings
from tandem.demo.accounts import bind_demo_accounts, ensure_demo_accounts
from tandem.demo.agreements import build_agreements
from tandem.demo.needs import build_needs
from tandem.demo.people_data import COHORTS, MAJORS
from tandem.demo.placement import build_placements
from tandem.demo.placement_records import build_placement_records
from tandem.demo.registries import build_enterprises, build_partnerships, build_people
from tandem.demo.resources import build_resources

DEMO_CODE = "DEMO"
DEFAULT_SEED = 2026
STUDENTS_PER_CLASS = 8  # 14 majors x 3 cohorts x 8 = 336 students
ENTERPRISES = 50
DEMO_YEAR = 2026  # the staff-count dates; fixed so that the same seed gives the same data
SECOND_CODE = "NORTH"

DEMO_COLLEGE = CollegeCreate(
    code=DEMO_CODE,
    name_zh="广州智造职业技术学院",
    name_en="Guangzhou Polytechnic of Smart Manufacturing",
    region_code="440100",
)
# A second college, so that tenancy (each college sees only its own) can be seen in the demo.
SECOND_COLLEGE = CollegeCreate(
    code=SECOND_CODE,
    name_zh="北方交通职业学院",
    name_en="Northern Polytechnic of Transport",
    region_code="130100",
)
DEMO_DEPARTMENTS = [
    ("MECH", "机电工程学院", "School of Mechanical and Electrical Engineering"),
    ("INFO", "信息工程学院", "School of Information Engineering"),
    ("AUTO", "汽车工程学院", "School of Automotive Engineering"),
    ("BIZ", "商贸管理学院", "School of Business and Trade"),
    ("CIVIL", "建筑工程学院", "School of Civil Engineering"),
    ("HEALTH", "健康护理学院", "School of Health and Nursing"),
]
SECOND_DEPARTMENTS = [
    ("RAIL", "轨道交通学院", "School of Rail Transit"),
    ("LOGI", "物流管理学院", "School of Logistics"),
]


def _ensure_college(session: Session, actor: Actor, data: CollegeCreate) -> College:
    existing = college_repository.find_college_by_code(session, data.code)
    if existing is not None:
        return existing
    return college_service.create_college(session, actor=actor, data=data)


def _ensure_departments(
    session: Session, actor: Actor, data: CollegeCreate, departments: list[tuple[str, str, str]]
) -> tuple[College, int]:
    college = _ensure_college(session, actor, data)
    created = 0
    for code, name_zh, name_en in departments:
        if college_repository.find_department_by_code(session, college, code) is None:
            college_service.create_department(
                session,
                actor=actor,
                college=college,
                data=DepartmentCreate(code=code, name_zh=name_zh, name_en=name_en),
            )
            created += 1
    return college, created


def build_demo(
    session: Session, *, seed: int = DEFAULT_SEED, console: Console | None = None
) -> str:
    """Create (or complete) the demo colleges; returns a one-line summary.

    Everything goes through the services (validated and audited); one seeded generator makes
    the same college every time for the same seed.
    """
    actor = Actor.system("demo")
    # One stream per part, so that completing a demo that is half there draws the same records.
    people_rng = random.Random(f"{seed}:people")
    partner_rng = random.Random(f"{seed}:partners")
    agreement_rng = random.Random(f"{seed}:agreements")
    classes = len(MAJORS) * len(COHORTS)
    with Progress(console=console, transient=True, disable=console is None) as progress:
        task = progress.add_task("Building the demo college", total=2 + classes + ENTERPRISES + 1)

        def tick() -> None:
            progress.advance(task)

        demo, created = _ensure_departments(session, actor, DEMO_COLLEGE, DEMO_DEPARTMENTS)
        second, more = _ensure_departments(session, actor, SECOND_COLLEGE, SECOND_DEPARTMENTS)
        tick()
        registry = build_people(
            session,
            actor=actor,
            college=demo,
            rng=people_rng,
            students_per_class=STUDENTS_PER_CLASS,
            tick=tick,
        )
        enterprises = build_enterprises(
            session, actor=actor, rng=partner_rng, count=ENTERPRISES, year=DEMO_YEAR, tick=tick
        )
        partnership_count = build_partnerships(
            session,
            actor=actor,
            demo=demo,
            second=second,
            enterprises=enterprises,
            registry=registry,
            rng=partner_rng,
        )
        accounts = ensure_demo_accounts(session, actor)
        bind_demo_accounts(session, actor, registry, enterprises)
        agreement_count = build_agreements(  # after the binding: the contact's enterprise
            session, actor=actor, demo=demo, second=second, rng=agreement_rng
        )
        needs_count = build_needs(session, actor=actor, demo=demo, second=second)
        # After the agreements (linked to) and the offer (derived from the register).
        resources = build_resources(session, actor=actor, demo=demo, seed=seed)
        placement = build_placements(
            session, actor=actor, demo=demo, seed=seed, settings=get_settings()
        )
        records = build_placement_records(session, actor=actor, demo=demo, settings=get_settings())
        tick()
    return (
        f"colleges {DEMO_CODE} and {SECOND_CODE} ({created + more} departments added); the demo "
        f"college has "
        f"{len(registry.students)} students, {len(registry.teachers)} teachers, "
        f"{len(enterprises)} enterprises, {partnership_count} partnerships, "
        f"{agreement_count} agreements, {needs_count} needs profiles, {resources.venues} "
        f"venues, {resources.equipment} equipment lines, {resources.bookings} bookings, "
        f"{placement.plans} placement plans with {placement.positions} positions and "
        f"{placement.placements} allocated placements, {records.placements} placements with "
        f"their agreements, consents and insurance, and "
        f"{accounts} new accounts"
    )
