"""The demo college's placement plans, built through the placement services.

- **2026年秋季认识实习（机电学院）**: a cognition internship of the Mechanical and Electrical
  school's majors, allocated and published: its students and hosts see their results, and each
  placed student has a draft placement.
- **2027年春季岗位实习（机电学院）**: a post internship of the same majors for students in their
  second year or later, with positions published (one refused by the pre-check is left as a
  draft, one carries a warning), every eligible student's preferences and the hosts' rankings
  (some scored, some by hand with an exclusion, some not ranked): ready for the office to run
  the allocation (`/placement-plans` → the plan → Rounds).

Nothing is built twice: a college that has plans already is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.college.models import College, Department
from tandem.config import Settings
from tandem.partner.models import Partnership, PartnershipStatus
from tandem.people.models import Major
from tandem.placement import applicants, applicants_methods, plans, positions, preferences, rounds
from tandem.placement.applicants import RankEntry, Weights
from tandem.placement.cohort import eligible_ids
from tandem.placement.kinds import Phase
from tandem.placement.models import PlacementPlan, Position
from tandem.placement.rounds_publish import publish_round
from tandem.placement.schemas_plans import PlanCreate
from tandem.placement.schemas_positions import PositionCreate

# (title, location, pay, hours a day, labour level, post staff, post wage, skills)
POSTS = [
    ("数控车床操作工", "广州市黄埔区", 4200, 8, 2, 60, 5000, "数控编程, 识图"),
    ("工业机器人运维助理", "佛山市顺德区", 4500, 8, 1, 25, 5500, "机器人示教, PLC"),
    ("设备点检员", "东莞市松山湖", 4000, 8, 2, 30, 4800, "电气控制, 点检"),
    ("装配工艺员", "广州市番禺区", 4300, 8, 2, 45, 5200, "装配工艺, 质量检验"),
    ("自动化产线调试助理", "中山市火炬区", 4600, 8, 1, 20, 5600, "PLC, 传感器"),
    ("质检员", "惠州市仲恺区", 3900, 8, 1, 35, 4700, "量具使用, 质量记录"),
]


@dataclass
class PlacementCounts:
    plans: int = 0
    positions: int = 0
    preferences: int = 0
    placements: int = 0


def _hosts(session: Session, college: College, department: Department) -> list[Partnership]:
    return list(
        session.scalars(
            select(Partnership)
            .where(
                Partnership.college_id == college.id,
                Partnership.status == PartnershipStatus.ACTIVE,
            )
            .order_by(Partnership.department_id != department.id, Partnership.id)
            .limit(6)
        )
    )


def _move(
    session: Session, actor: Actor, plan: PlacementPlan, phase: Phase, settings: Settings
) -> None:
    plans.move_phase(session, actor=actor, plan=plan, phase=phase, settings=settings)


def _positions(
    session: Session,
    actor: Actor,
    plan: PlacementPlan,
    hosts: list[Partnership],
    rng: random.Random,
    per_host: int,
) -> list[Position]:
    made = []
    for n, host in enumerate(hosts):
        for k in range(per_host):
            title, where, pay, hours, level, staff, wage, skills = POSTS[(n + k) % len(POSTS)]
            position = positions.create_position(
                session,
                actor=actor,
                plan=plan,
                data=PositionCreate(
                    partnership_id=host.id,
                    title=title,
                    location=where,
                    seats=rng.randint(2, 5),
                    monthly_pay=Decimal(pay),
                    hours_per_day=Decimal(hours),
                    days_per_week=Decimal(5),
                    shifts="08:30–17:30",
                    labour_intensity=level,
                    venue_category="manufacturing",
                    post_staff=staff,
                    post_wage=Decimal(wage),
                    skills=skills,
                    description=f"{title}：在师傅指导下参与生产，按月发放实习报酬。",
                ),
            )
            made.append(positions.publish_position(session, actor=actor, position=position))
    return made


def _rank_all(
    session: Session,
    actor: Actor,
    plan: PlacementPlan,
    listed: list[Position],
    students: list[int],
    rng: random.Random,
) -> int:
    """Every eligible student lists 2 to the plan's maximum positions, popular ones more often."""
    count = 0
    weights = [1.0 / (1 + i % 4) for i in range(len(listed))]
    for student_id in students:
        wanted = min(len(listed), rng.randint(2, plan.max_preferences))
        chosen: list[int] = []
        while len(chosen) < wanted:
            position = rng.choices(listed, weights)[0]
            if position.id not in chosen:
                chosen.append(position.id)
        preferences.set_preferences(
            session, actor=actor, plan=plan, student_id=student_id, position_ids=chosen
        )
        count += wanted
    return count


def _hosts_rank(
    session: Session, actor: Actor, plan: PlacementPlan, hosts: list[Partnership]
) -> None:
    """The first hosts score, the next ranks by hand and excludes one, the rest do not rank."""
    for n, host in enumerate(hosts[:4]):
        if n % 2 == 0:
            applicants_methods.score_ranking(
                session,
                actor=actor,
                plan=plan,
                partnership=host,
                weights=Weights(choice=70, major=0, year=30),
            )
            continue
        found = applicants.applicants(session, actor=actor, plan=plan, partnership=host)
        entries = [
            RankEntry(student_id=a.student_id, rank=i + 1, excluded=i == len(found) - 1)
            for i, a in enumerate(reversed(found))
        ]
        if entries:
            applicants.set_ranking(
                session, actor=actor, plan=plan, partnership=host, entries=entries
            )


def build_placements(
    session: Session, *, actor: Actor, demo: College, seed: int, settings: Settings
) -> PlacementCounts:
    counts = PlacementCounts()
    if session.scalar(
        select(func.count(PlacementPlan.id)).where(PlacementPlan.college_id == demo.id)
    ):
        return counts
    department = session.scalar(
        select(Department).where(Department.college_id == demo.id, Department.code == "MECH")
    )
    if department is None:
        return counts
    majors = list(session.scalars(select(Major.id).where(Major.department_id == department.id)))
    hosts = _hosts(session, demo, department)
    if not majors or not hosts:
        return counts
    rng = random.Random(f"{seed}:placement")

    published = plans.create_plan(
        session,
        actor=actor,
        data=PlanCreate(
            college_id=demo.id,
            name="2026年秋季认识实习（机电学院）",
            kind="cognition",
            department_id=department.id,
            term_start=date(2026, 10, 12),
            term_end=date(2026, 10, 23),
            max_preferences=3,
            positions_open_on=date(2026, 9, 1),
            ranking_opens_on=date(2026, 9, 10),
            ranking_closes_on=date(2026, 9, 20),
            host_ranking_closes_on=date(2026, 9, 25),
            allocation_on=date(2026, 9, 28),
            results_on=date(2026, 9, 30),
            note="一年级、二年级学生到合作企业参观学习两周。",
            major_ids=majors,
        ),
    )
    _move(session, actor, published, Phase.POSITIONS, settings)
    listed = _positions(session, actor, published, hosts, rng, per_host=1)
    _move(session, actor, published, Phase.STUDENT_RANKING, settings)
    students = sorted(eligible_ids(session, published))
    counts.preferences += _rank_all(session, actor, published, listed, students, rng)
    _move(session, actor, published, Phase.HOST_RANKING, settings)
    _hosts_rank(session, actor, published, hosts)
    _move(session, actor, published, Phase.ALLOCATION, settings)
    first = rounds.run_round(session, actor=actor, plan=published, seed=seed)
    counts.placements += publish_round(session, actor=actor, round=first, settings=settings)
    counts.positions += len(listed)

    ready = plans.create_plan(
        session,
        actor=actor,
        data=PlanCreate(
            college_id=demo.id,
            name="2027年春季岗位实习（机电学院）",
            kind="post",
            department_id=department.id,
            term_start=date(2027, 3, 1),
            term_end=date(2027, 8, 31),
            max_preferences=5,
            min_year_of_study=2,
            min_age=16,
            positions_open_on=date(2026, 11, 2),
            ranking_opens_on=date(2026, 11, 16),
            ranking_closes_on=date(2026, 11, 30),
            host_ranking_closes_on=date(2026, 12, 11),
            allocation_on=date(2026, 12, 15),
            results_on=date(2026, 12, 18),
            note="岗位实习六个月；报酬不低于同岗位员工工资的80%，实习责任保险由学校统一投保。",
            major_ids=majors,
        ),
    )
    _move(session, actor, ready, Phase.POSITIONS, settings)
    listed = _positions(session, actor, ready, hosts, rng, per_host=2)
    _refused_draft(session, actor, ready, hosts[0])
    _move(session, actor, ready, Phase.STUDENT_RANKING, settings)
    students = sorted(eligible_ids(session, ready))
    counts.preferences += _rank_all(session, actor, ready, listed, students, rng)
    _move(session, actor, ready, Phase.HOST_RANKING, settings)
    _hosts_rank(session, actor, ready, hosts)
    _move(session, actor, ready, Phase.ALLOCATION, settings)
    counts.positions += len(listed) + 1
    counts.plans = 2
    return counts


def _refused_draft(session: Session, actor: Actor, plan: PlacementPlan, host: Partnership) -> None:
    """A night-shift post paid below 80 % of the wage: the pre-check refuses to publish it, so
    it stays a draft the office can open to see why."""
    positions.create_position(
        session,
        actor=actor,
        plan=plan,
        data=PositionCreate(
            partnership_id=host.id,
            title="夜班包装工",
            location="广州市黄埔区",
            seats=6,
            monthly_pay=Decimal(3000),
            hours_per_day=Decimal(10),
            days_per_week=Decimal(6),
            shifts="20:00–06:00",
            night_shift=True,
            labour_intensity=3,
            venue_category="manufacturing",
            post_staff=40,
            post_wage=Decimal(4800),
        ),
    )
