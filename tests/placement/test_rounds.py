"""Running, discarding and publishing rounds through the services."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.config import Settings
from tandem.kit.errors import Conflict, PermissionDenied, ValidationFailed
from tandem.placement.models import AllocationRound, Placement, RoundAssignment
from tandem.placement.rounds import discard_round, run_round
from tandem.placement.rounds_publish import publish_round
from tests.placement.round_helpers import prepare_round
from tests.placement.world import PlacementWorld


def _outcome(session: Session, found: AllocationRound) -> dict[int, int | None]:
    rows = session.execute(
        select(RoundAssignment.student_id, RoundAssignment.position_id).where(
            RoundAssignment.round_id == found.id
        )
    )
    return dict(rows.all())


def test_run_stores_the_round_its_statistics_and_one_outcome_per_student(
    session: Session, world: PlacementWorld
) -> None:
    prepare_round(session, world)
    found = run_round(session, actor=world.actor("office"), plan=world.plan, seed=3)
    assert (found.number, found.status, found.objective, found.seed) == (1, "preview", "stable", 3)
    stats = found.stats
    assert (stats["students"], stats["assigned"], stats["unassigned"]) == (6, 5, 1)
    assert stats["places"] == 7
    assert set(stats["welfare"]) >= {"assigned", "rank_sum", "more_placed", "blocking_pairs"}
    h1 = str(world.hosts[0].id)
    assert stats["capacity"]["hosts"][h1]["capacity"] == 4
    assert stats["capacity"]["hosts"][h1]["placed"] == 3
    p0, p1, p2 = (p.id for p in world.positions)
    s = [x.id for x in world.seniors]
    outcome = _outcome(session, found)
    assert outcome[s[3]] == p0  # host 1's first choice
    assert {outcome[s[0]], outcome[s[1]]} == {p0, p1}  # tied: the lottery decides
    assert outcome[s[2]] == p2  # excluded by host 1
    assert outcome[s[4]] == p2
    assert outcome[s[5]] is None
    excluded = session.scalar(
        select(RoundAssignment).where(
            RoundAssignment.round_id == found.id, RoundAssignment.student_id == s[2]
        )
    )
    assert excluded is not None
    assert excluded.choice == 3
    assert [w["reason"] for w in excluded.explanation["above"]] == [
        "not_acceptable",
        "not_acceptable",
    ]
    assert excluded.explanation["above"][0]["position"] == p0  # ids are integers
    entries = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "allocation_round", AuditEntry.action == "run"
        )
    ).all()
    assert len(entries) == 1  # one for the round, not one per student


def test_a_new_preview_discards_the_earlier_one(session: Session, world: PlacementWorld) -> None:
    prepare_round(session, world)
    first = run_round(session, actor=world.actor("office"), plan=world.plan)
    second = run_round(session, actor=world.actor("office"), plan=world.plan, objective="welfare")
    session.refresh(first)
    assert first.status == "discarded"
    assert second.number == 1
    assert second.objective == "welfare"
    assert "more_placed" in second.stats
    assert "blocking_pairs" in second.stats


def test_only_the_office_runs_and_only_in_the_allocation_phase(
    session: Session, world: PlacementWorld
) -> None:
    with pytest.raises(Conflict) as wrong:
        run_round(session, actor=world.actor("office"), plan=world.plan)
    assert "allocation phase" in str(wrong.value)
    prepare_round(session, world)
    with pytest.raises(PermissionDenied):
        run_round(session, actor=world.actor("coordinator"), plan=world.plan)
    with pytest.raises(ValidationFailed):
        run_round(session, actor=world.actor("office"), plan=world.plan, objective="fastest")


def test_publish_makes_draft_placements_and_moves_the_plan_to_results(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    prepare_round(session, world)
    found = run_round(session, actor=world.actor("office"), plan=world.plan)
    made = publish_round(session, actor=world.actor("office"), round=found, settings=settings)
    assert made == 5
    assert found.status == "published"
    assert found.published_at is not None
    assert world.plan.phase == "results"
    placements = session.scalars(select(Placement).where(Placement.round_id == found.id)).all()
    assert len(placements) == 5
    one = next(p for p in placements if p.student_id == world.seniors[3].id)
    assert (one.position_id, one.partnership_id, one.enterprise_id) == (
        world.positions[0].id,
        world.hosts[0].id,
        world.enterprises[0].id,
    )
    assert (one.kind, one.status, one.source) == ("post", "draft", "allocation")
    assert (one.start_on, one.end_on) == (world.plan.term_start, world.plan.term_end)
    with pytest.raises(Conflict):  # not a preview any more
        publish_round(session, actor=world.actor("office"), round=found, settings=settings)
    with pytest.raises(Conflict):
        discard_round(session, actor=world.actor("office"), round=found)


def test_a_second_round_places_the_unplaced_in_the_places_left(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    prepare_round(session, world)
    first = run_round(session, actor=world.actor("office"), plan=world.plan)
    publish_round(session, actor=world.actor("office"), round=first, settings=settings)
    with pytest.raises(Conflict):  # results phase: the office moves the plan back first
        run_round(session, actor=world.actor("office"), plan=world.plan)
    world.plan.phase = "allocation"
    second = run_round(session, actor=world.actor("office"), plan=world.plan)
    assert second.number == 2
    assert second.stats["students"] == 1  # only senior 5, unplaced
    assert second.stats["capacity"]["positions"][str(world.positions[1].id)]["capacity"] == 1


def test_discard_sets_a_preview_aside(session: Session, world: PlacementWorld) -> None:
    prepare_round(session, world)
    found = run_round(session, actor=world.actor("office"), plan=world.plan)
    discard_round(session, actor=world.actor("office"), round=found)
    assert found.status == "discarded"
    assert session.scalar(
        select(AuditEntry.id).where(
            AuditEntry.action == "discard", AuditEntry.entity_id == str(found.id)
        )
    )


def test_discard_only_in_the_allocation_phase(session: Session, world: PlacementWorld) -> None:
    prepare_round(session, world)
    found = run_round(session, actor=world.actor("office"), plan=world.plan)
    world.plan.phase = "host_ranking"  # moved back to let a host correct its ranking
    with pytest.raises(Conflict) as caught:
        discard_round(session, actor=world.actor("office"), round=found)
    assert caught.value.code == "wrong_phase"
    assert "allocation phase" in str(caught.value)
    assert found.status == "preview"
    assert not session.scalar(select(AuditEntry.id).where(AuditEntry.action == "discard"))
