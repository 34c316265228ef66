"""The default demo's placement plans: one published with draft placements, one ready to
allocate (positions published, one refused draft, every eligible student's preferences, hosts'
rankings), built through the services and not twice."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.college.models import College
from tandem.demo import DEMO_CODE, build_demo
from tandem.placement import rounds
from tandem.placement.cohort import eligible_ids
from tandem.placement.models import (
    AllocationRound,
    HostRank,
    Placement,
    PlacementPlan,
    Position,
    Preference,
)


def _plans(session: Session) -> dict[str, PlacementPlan]:
    demo = session.scalar(select(College).where(College.code == DEMO_CODE))
    assert demo is not None
    found = session.scalars(select(PlacementPlan).where(PlacementPlan.college_id == demo.id))
    return {plan.kind: plan for plan in found}


def test_demo_plans(session: Session) -> None:
    build_demo(session)
    plans = _plans(session)
    published, ready = plans["cognition"], plans["post"]
    assert (published.phase, ready.phase) == ("results", "allocation")

    placed = session.scalars(select(Placement).where(Placement.plan_id == published.id)).all()
    assert placed
    assert {p.source for p in placed} == {"allocation"}
    round_ = session.scalars(
        select(AllocationRound).where(AllocationRound.plan_id == published.id)
    ).one()
    assert round_.status == "published"
    assert round_.stats["assigned"] == len(placed)

    statuses = dict(
        session.execute(
            select(Position.status, func.count())
            .where(Position.plan_id == ready.id)
            .group_by(Position.status)
        ).all()
    )
    assert statuses["draft"] == 1
    assert statuses["published"] >= 6
    refused = session.scalars(
        select(Position).where(Position.plan_id == ready.id, Position.status == "draft")
    ).one()
    # The night-shift post paid below 80 % stays a draft; opening it shows why.
    assert refused.night_shift
    assert refused.monthly_pay is not None

    ranked = set(
        session.scalars(select(Preference.student_id).where(Preference.plan_id == ready.id))
    )
    assert ranked == eligible_ids(session, ready)
    assert session.scalar(select(func.count(HostRank.id)).where(HostRank.plan_id == ready.id))

    # Ready to allocate: the office's run places students.
    preview = rounds.run_round(session, actor=Actor.system("test"), plan=ready)
    assert preview.status == "preview"
    assert preview.stats["assigned"] > 0

    build_demo(session)  # nothing added twice
    assert session.scalar(select(func.count(PlacementPlan.id))) == 2


def test_demo_placements_in_every_status(session: Session) -> None:
    from tandem.placement.models_records import ComplianceOverride, TripartiteAgreement

    build_demo(session)
    statuses = dict(
        session.execute(select(Placement.status, func.count()).group_by(Placement.status)).all()
    )
    for status in ("draft", "ready", "active", "completed", "ended_early"):
        assert statuses.get(status), status
    blocked = session.scalars(select(Placement).where(Placement.status == "draft")).all()
    assert any((p.compliance or {}).get("blocking") for p in blocked)
    assert any(p.source == "self_found" and p.approved_at is None for p in blocked)
    assert session.scalar(select(func.count(ComplianceOverride.id))) >= 1
    active = session.scalars(select(Placement).where(Placement.status == "active")).one()
    agreement = session.scalars(
        select(TripartiteAgreement).where(TripartiteAgreement.placement_id == active.id)
    ).one()
    assert agreement.college_confirmed_at is not None
    assert agreement.student_confirmed_at is not None
    assert agreement.host_confirmed_at is not None
