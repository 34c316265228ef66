"""A benchmark-scale placement plan in the large demo college (``bench/placement/round.py``).

``build_large_plan`` adds to college LARGE a 岗位实习 plan for all its majors, in the
allocation phase, ready to run: every active partnership publishes 4–14 positions (2–8 seats,
pay 3,500–6,000 CNY a month and at least 82 % of the post's wage, with the post's staff), each
eligible student lists up to five positions (mostly of their own department's partners, with a
skewed popularity so some positions are wanted by many), and most hosts rank their applicants
(by a merit score with their own noise; some ranks tied, a few applicants excluded); the other
hosts leave every applicant tied. At full scale that is about 20,000 students, 160 hosts,
1,500 positions and 95,000 preferences. Everything is drawn from one seeded generator and
written in bulk (``session.execute(insert(...), rows)``); the plan gets one audit entry.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tandem.audit.service import record
from tandem.auth.actor import Actor
from tandem.college.models import College
from tandem.kit.orm import utcnow
from tandem.partner.models import Partnership
from tandem.people.models import Major, SchoolClass, Student
from tandem.placement import cohort
from tandem.placement.models import HostRank, PlacementPlan, PlanHost, Position, Preference

PLAN_NAME = "2027级秋季岗位实习（全校）"
TERM = (date(2027, 9, 1), date(2028, 2, 29))
CHUNK = 5000
TITLES = [
    "装配技术员",
    "数控操作员",
    "质量检验员",
    "设备维护员",
    "电气调试员",
    "仓储物流专员",
    "客户服务专员",
    "软件测试员",
    "网络运维员",
    "财务助理",
    "电子商务运营",
    "汽车检测员",
    "工艺技术员",
    "生产计划员",
]
CITIES = ["深圳", "广州", "东莞", "佛山", "珠海", "惠州", "中山"]


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start : start + CHUNK])


def _positions(
    rng: random.Random, plan: PlacementPlan, hosts: list[tuple[int, int | None]]
) -> list[dict[str, Any]]:
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for partnership_id, _ in hosts:
        for _ in range(rng.randint(4, 14)):
            wage = rng.randrange(4000, 7001, 100)
            pay = min(
                6000, max(3500, -(-int(wage * 0.82) // 100) * 100 + rng.choice((0, 100, 300)))
            )
            rows.append(
                {
                    "college_id": plan.college_id,
                    "plan_id": plan.id,
                    "partnership_id": partnership_id,
                    "title": rng.choice(TITLES),
                    "location": rng.choice(CITIES),
                    "seats": rng.randint(2, 8),
                    "monthly_pay": Decimal(pay),
                    "hours_per_day": Decimal(8),
                    "days_per_week": Decimal(5),
                    "shifts": "08:30–17:30",
                    "night_shift": False,
                    "holiday_work": False,
                    "labour_intensity": rng.choice((1, 1, 2)),
                    "high_risk": False,
                    "restrictions": [],
                    "venue_category": "manufacturing",
                    "post_staff": rng.randint(20, 200),
                    "post_wage": Decimal(wage),
                    "skills": "",
                    "description": "",
                    "status": "published",
                    "published_at": now,
                    "compliance": {"ok": True, "violations": []},
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    return rows


def _preferences(
    rng: random.Random,
    plan: PlacementPlan,
    students: Sequence[tuple[int, int | None]],
    positions: Sequence[tuple[int, int | None]],
) -> list[dict[str, Any]]:
    """Up to five positions per student, 80 % from their department's partners, by a skewed
    popularity (a Pareto weight per position)."""
    weight = {p: rng.paretovariate(1.3) for p, _ in positions}
    by_department: dict[int | None, list[int]] = defaultdict(list)
    for position, department in positions:
        by_department[department].append(position)
    everyone = [p for p, _ in positions]

    def table(pool: list[int]) -> tuple[list[int], list[float]]:
        return pool, list(itertools.accumulate(weight[p] for p in pool))

    tables = {d: table(pool) for d, pool in by_department.items()}
    overall = table(everyone)
    rows: list[dict[str, Any]] = []
    for student, department in students:
        roll = rng.random()
        if roll < 0.03:
            continue  # did not rank
        wanted = 5 if roll > 0.15 else rng.randint(1, 4)
        chosen: list[int] = []
        tries = 0
        while len(chosen) < wanted and tries < 30:
            tries += 1
            pool, cumulative = tables.get(department, overall) if rng.random() < 0.8 else overall
            pick = pool[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
            if pick not in chosen:
                chosen.append(pick)
        rows.extend(
            {
                "college_id": plan.college_id,
                "plan_id": plan.id,
                "student_id": student,
                "position_id": position,
                "rank": rank,
            }
            for rank, position in enumerate(chosen, start=1)
        )
    return rows


def _rankings(
    rng: random.Random,
    plan: PlacementPlan,
    applicants: dict[int, set[int]],
    merit: dict[int, float],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Most hosts rank their applicants by merit plus their own noise (scores rounded, so some
    tie; about 3 % excluded); the others leave them all tied. Returns host settings and ranks."""
    now = utcnow()
    settings: list[dict[str, Any]] = []
    ranks: list[dict[str, Any]] = []
    for host, students in sorted(applicants.items()):
        ranking = rng.random() < 0.85
        settings.append(
            {
                "college_id": plan.college_id,
                "plan_id": plan.id,
                "partnership_id": host,
                "ranking_method": "score" if ranking else "manual",
                "score_weights": {},
                "ranked_at": now if ranking else None,
                "created_at": now,
                "updated_at": now,
            }
        )
        if not ranking:
            continue
        scored = sorted(
            ((round(merit[s] + rng.gauss(0, 6)), s) for s in sorted(students)), reverse=True
        )
        rank = 0
        previous: int | None = None
        for position, (score, student) in enumerate(scored, start=1):
            excluded = rng.random() < 0.03
            if score != previous:
                rank, previous = position, score
            ranks.append(
                {
                    "college_id": plan.college_id,
                    "plan_id": plan.id,
                    "partnership_id": host,
                    "student_id": student,
                    "rank": None if excluded else rank,
                    "excluded": excluded,
                    "score": Decimal(score),
                }
            )
    return settings, ranks


def build_large_plan(
    session: Session, *, college_code: str = "LARGE", seed: int = 2026
) -> dict[str, int]:
    """Add the plan to the college (once: nothing when it exists); returns its counts."""
    college = session.scalar(select(College).where(College.code == college_code))
    if college is None:
        return {}
    existing = session.scalar(
        select(PlacementPlan.id).where(
            PlacementPlan.college_id == college.id, PlacementPlan.name == PLAN_NAME
        )
    )
    if existing is not None:
        return {}
    rng = random.Random(f"placement-large-{seed}")
    majors = list(session.scalars(select(Major).where(Major.college_id == college.id)))
    plan = PlacementPlan(
        college_id=college.id,
        name=PLAN_NAME,
        kind="post",
        term_start=TERM[0],
        term_end=TERM[1],
        max_preferences=5,
        min_year_of_study=2,
        min_age=16,
        positions_open_on=date(2027, 3, 1),
        ranking_opens_on=date(2027, 4, 1),
        ranking_closes_on=date(2027, 4, 30),
        host_ranking_closes_on=date(2027, 5, 20),
        allocation_on=date(2027, 6, 1),
        results_on=date(2027, 6, 10),
        phase="allocation",
        note="基准测试用：全校岗位实习计划，可直接运行分配。",
    )
    plan.majors = majors
    session.add(plan)
    session.flush()
    hosts = [
        (pid, department)
        for pid, department in session.execute(
            select(Partnership.id, Partnership.department_id)
            .where(Partnership.college_id == college.id, Partnership.status == "active")
            .order_by(Partnership.id)
        )
    ]
    _insert(session, Position, _positions(rng, plan, hosts))
    department_of = dict(hosts)
    positions = [
        (pid, department_of.get(host))
        for pid, host in session.execute(
            select(Position.id, Position.partnership_id)
            .where(Position.plan_id == plan.id)
            .order_by(Position.id)
        )
    ]
    eligible = cohort.eligible_ids(session, plan)
    students = [
        (sid, department)
        for sid, department in session.execute(
            select(Student.id, Major.department_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .join(Major, Major.id == SchoolClass.major_id)
            .where(Student.college_id == college.id)
            .order_by(Student.id)
        )
        if sid in eligible
    ]
    preferences = _preferences(rng, plan, students, positions) if positions else []
    _insert(session, Preference, preferences)
    host_of = {
        pid: host
        for pid, host in session.execute(
            select(Position.id, Position.partnership_id).where(Position.plan_id == plan.id)
        )
    }
    applicants: dict[int, set[int]] = defaultdict(set)
    for row in preferences:
        applicants[host_of[row["position_id"]]].add(row["student_id"])
    merit = {sid: rng.gauss(70, 10) for sid, _ in students}
    settings, ranks = _rankings(rng, plan, applicants, merit)
    _insert(session, PlanHost, settings)
    _insert(session, HostRank, ranks)
    counts = {
        "students": len(students),
        "hosts": len(hosts),
        "positions": len(positions),
        "preferences": len(preferences),
        "host_ranks": len(ranks),
    }
    record(
        session,
        actor=Actor.system("demo"),
        action="create",
        entity=plan,
        college_id=college.id,
        after={"name": plan.name, "phase": plan.phase, **counts},
        summary=f"{plan.name} (large demo)",
    )
    session.flush()
    return counts
