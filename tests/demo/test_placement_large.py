"""The large demo's placement plan, at 1 % scale: consistent, ready to allocate, built once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.demo.large import build_large
from tandem.demo.placement_large import PLAN_NAME, build_large_plan
from tandem.placement import cohort
from tandem.placement.models import HostRank, PlacementPlan, Position, Preference
from tandem.placement.rounds import run_round

SCALE = 0.01


def test_large_plan_is_ready_to_allocate(session: Session) -> None:
    build_large(session, seed=5, scale=SCALE)
    counts = build_large_plan(session, seed=5)
    plan = session.scalar(select(PlacementPlan).where(PlacementPlan.name == PLAN_NAME))
    assert plan is not None
    assert plan.phase == "allocation"
    assert plan.kind == "post"
    assert counts["positions"] >= 4 * counts["hosts"] > 0
    positions = session.scalars(select(Position).where(Position.plan_id == plan.id)).all()
    for position in positions:
        assert 2 <= position.seats <= 8
        assert position.monthly_pay is not None
        assert position.post_wage is not None
        assert 3500 <= position.monthly_pay <= 6000
        assert position.monthly_pay >= position.post_wage * 8 / 10
        assert position.status == "published"
    eligible = cohort.eligible_ids(session, plan)
    assert len(eligible) == counts["students"] > 0
    per_student = session.execute(
        select(Preference.student_id, func.count())
        .where(Preference.plan_id == plan.id)
        .group_by(Preference.student_id)
    ).all()
    assert all(1 <= n <= 5 for _, n in per_student)
    assert {s for s, _ in per_student} <= eligible
    assert len(per_student) > 0.8 * len(eligible)
    ranks = session.scalars(select(HostRank).where(HostRank.plan_id == plan.id)).all()
    assert len(ranks) == counts["host_ranks"]
    assert all((r.rank is None) == r.excluded for r in ranks)

    assert build_large_plan(session, seed=5) == {}  # once only

    found = run_round(session, actor=Actor.system("test"), plan=plan, seed=1)
    assert found.stats["students"] == len(eligible)
    assert 0 < found.stats["assigned"] <= found.stats["places"]
