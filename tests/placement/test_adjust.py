"""Manual adjustments: a reason, the caps, the audit, the verifier's verdict, draft placements
kept in step, and explanations rendered in the reader's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.config import Settings
from tandem.kit.errors import Conflict, ValidationFailed
from tandem.placement.models import AllocationRound, Placement, RoundAssignment
from tandem.placement.models_records import ComplianceOverride
from tandem.placement.rounds import discard_round, run_round
from tandem.placement.rounds_publish import (
    adjust_assignment,
    get_assignment,
    publish_round,
)
from tandem.placement.rounds_store import explanation_text
from tests.placement.round_helpers import prepare_round
from tests.placement.world import PlacementWorld


def test_adjust_needs_a_reason_and_refuses_a_full_position(
    session: Session, world: PlacementWorld
) -> None:
    prepare_round(session, world)
    found = run_round(session, actor=world.actor("office"), plan=world.plan)
    office = world.actor("office")
    s5 = world.seniors[5].id
    with pytest.raises(ValidationFailed) as missing:
        adjust_assignment(
            session, actor=office, round=found, student_id=s5, position_id=None, reason=" "
        )
    assert missing.value.errors[0].field == "reason"
    with pytest.raises(Conflict) as full:
        adjust_assignment(
            session,
            actor=office,
            round=found,
            student_id=s5,
            position_id=world.positions[0].id,
            reason="asked by the host",
        )
    assert full.value.code == "position_full"
    assert "capacity in this round is 2" in str(full.value)


def test_adjust_records_the_change_and_reports_blocking_pairs(
    session: Session, world: PlacementWorld
) -> None:
    prepare_round(session, world)
    found = run_round(session, actor=world.actor("office"), plan=world.plan)
    s3 = world.seniors[3].id
    item, verdict = adjust_assignment(
        session,
        actor=world.actor("office"),
        round=found,
        student_id=s3,
        position_id=None,
        reason="withdrew for health reasons",
    )
    assert item.position_id is None
    assert item.adjusted
    assert item.choice is None
    assert item.adjust_reason == "withdrew for health reasons"
    # Senior 3 (host 1's first choice) now wants P0, which has room: a blocking pair.
    created = {(p["student_id"], p["position_id"]) for p in verdict["blocking_pairs_created"]}
    assert (s3, world.positions[0].id) in created
    assert verdict["blocking_pairs"] >= 1
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "adjust"))
    assert entry is not None
    assert entry.changes["position_id"] == [world.positions[0].id, None]
    assert entry.changes["reason"][1] == "withdrew for health reasons"


def test_adjusting_a_published_round_keeps_the_draft_placement_in_step(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    prepare_round(session, world)
    found = run_round(session, actor=world.actor("office"), plan=world.plan)
    publish_round(session, actor=world.actor("office"), round=found, settings=settings)
    s4, s5 = world.seniors[4].id, world.seniors[5].id
    office = world.actor("office")
    adjust_assignment(
        session, actor=office, round=found, student_id=s4, position_id=None, reason="declined"
    )
    adjust_assignment(
        session,
        actor=office,
        round=found,
        student_id=s5,
        position_id=world.positions[1].id,
        reason="found by the office",
    )
    held = dict(
        session.execute(
            select(Placement.student_id, Placement.position_id).where(
                Placement.round_id == found.id
            )
        ).all()
    )
    assert s4 not in held
    assert held[s5] == world.positions[1].id
    assert get_assignment(session, found, s5).choice is None  # not on their list


def test_explanations_are_rendered_in_the_readers_language(
    session: Session, world: PlacementWorld
) -> None:
    prepare_round(session, world)
    found = run_round(session, actor=world.actor("office"), plan=world.plan)
    item = session.scalar(
        select(RoundAssignment).where(
            RoundAssignment.round_id == found.id,
            RoundAssignment.student_id == world.seniors[2].id,
        )
    )
    assert item is not None
    english = explanation_text(session, item, "en")
    assert "choice 3" in english
    assert "did not accept this student" in english
    assert world.positions[0].title in english
    chinese = explanation_text(session, item, "zh_CN")
    assert "did not rank" not in chinese  # never the engine's English
    unplaced = get_assignment(session, found, world.seniors[5].id)
    assert "ranked no position" in explanation_text(session, unplaced, "en")


def _placements(session: Session, world: PlacementWorld) -> list[tuple[int, int | None, int]]:
    rows = session.execute(
        select(Placement.student_id, Placement.position_id, Placement.round_id).where(
            Placement.plan_id == world.plan.id
        )
    )
    return sorted((s, p, r or 0) for s, p, r in rows)


def _two_rounds(
    session: Session, world: PlacementWorld, settings: Settings
) -> tuple[AllocationRound, AllocationRound]:
    """Round 1 published; round 2 (senior 5 alone) a preview with senior 5 moved to P1's last
    seat."""
    office = world.actor("office")
    prepare_round(session, world)
    first = run_round(session, actor=office, plan=world.plan)
    publish_round(session, actor=office, round=first, settings=settings)
    world.plan.phase = "allocation"
    second = run_round(session, actor=office, plan=world.plan)
    assert second.number == 2
    adjust_assignment(
        session,
        actor=office,
        round=second,
        student_id=world.seniors[5].id,
        position_id=world.positions[1].id,
        reason="the host agreed by phone",
    )
    return first, second


def test_an_earlier_round_cannot_be_adjusted_once_a_later_round_exists(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    first, second = _two_rounds(session, world, settings)
    office = world.actor("office")
    s4, s5 = world.seniors[4].id, world.seniors[5].id
    before = _placements(session, world)
    # Through round 1, P1's seat taken in round 2 would be given out again...
    with pytest.raises(Conflict) as seat:
        adjust_assignment(
            session,
            actor=office,
            round=first,
            student_id=s4,
            position_id=world.positions[1].id,
            reason="swap",
        )
    assert seat.value.code == "later_round"
    assert "round 2 of this plan" in str(seat.value)
    assert "discard round 2 first" in str(seat.value)
    # ... and senior 5, placed in round 2, would be placed a second time.
    publish_round(session, actor=office, round=second, settings=settings)
    with pytest.raises(Conflict) as twice:
        adjust_assignment(
            session,
            actor=office,
            round=first,
            student_id=s5,
            position_id=world.positions[2].id,
            reason="second placement",
        )
    assert twice.value.code == "later_round"
    after = _placements(session, world)
    assert [p for p in after if p[0] == s5] == [(s5, world.positions[1].id, second.id)]
    assert [p for p in after if p[2] == first.id] == [p for p in before if p[2] == first.id]
    assert get_assignment(session, first, s5).position_id is None


def test_discarding_the_later_preview_frees_the_earlier_round(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    first, second = _two_rounds(session, world, settings)
    office = world.actor("office")
    discard_round(session, actor=office, round=second)
    item, _ = adjust_assignment(
        session,
        actor=office,
        round=first,
        student_id=world.seniors[5].id,
        position_id=world.positions[1].id,
        reason="the host agreed by phone",
    )
    assert item.position_id == world.positions[1].id
    assert (world.seniors[5].id, world.positions[1].id, first.id) in _placements(session, world)


def test_a_student_holding_a_placement_of_the_plan_is_not_placed_again(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    office = world.actor("office")
    prepare_round(session, world)
    found = run_round(session, actor=office, plan=world.plan)
    s5 = world.seniors[5].id
    elsewhere = Placement(
        college_id=world.college.id,
        student_id=s5,
        plan_id=world.plan.id,
        partnership_id=world.hosts[1].id,
        enterprise_id=world.enterprises[1].id,
        kind="post",
        start_on=world.plan.term_start,
        end_on=world.plan.term_end,
        status="ready",
        source="self_found",
    )
    session.add(elsewhere)
    session.flush()
    with pytest.raises(Conflict) as held:
        adjust_assignment(
            session,
            actor=office,
            round=found,
            student_id=s5,
            position_id=world.positions[2].id,
            reason="asked",
        )
    assert held.value.code == "already_placed"
    assert "outside the allocation" in str(held.value)
    assert get_assignment(session, found, s5).position_id is None
    # A placement from another round of the plan counts too.
    other = AllocationRound(
        college_id=world.college.id, plan_id=world.plan.id, number=9, status="discarded"
    )
    session.add(other)
    session.flush()
    elsewhere.round_id = other.id
    session.flush()
    with pytest.raises(Conflict) as from_round:
        adjust_assignment(
            session,
            actor=office,
            round=found,
            student_id=s5,
            position_id=world.positions[2].id,
            reason="asked",
        )
    assert "from round 9" in str(from_round.value)
    # Ended placements hold nothing; leaving the student unplaced is always allowed.
    elsewhere.status = "ended_early"
    session.flush()
    item, _ = adjust_assignment(
        session,
        actor=office,
        round=found,
        student_id=s5,
        position_id=world.positions[2].id,
        reason="asked",
    )
    assert item.position_id == world.positions[2].id


def test_a_moved_draft_placement_takes_the_new_positions_terms(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    prepare_round(session, world)
    target = world.positions[1]
    target.seats, target.title, target.monthly_pay = 6, "Line inspector", Decimal("4777")
    target.night_shift = False
    session.flush()
    office = world.actor("office")
    found = run_round(session, actor=office, plan=world.plan)
    publish_round(session, actor=office, round=found, settings=settings)
    moved = session.scalars(
        select(Placement).where(
            Placement.round_id == found.id, Placement.position_id == world.positions[0].id
        )
    ).first()
    assert moved is not None
    assert moved.title == world.positions[0].title
    adjust_assignment(
        session,
        actor=office,
        round=found,
        student_id=moved.student_id,
        position_id=target.id,
        reason="the host asked for them on the line",
    )
    session.refresh(moved)
    assert (moved.position_id, moved.title, moved.monthly_pay) == (
        target.id,
        "Line inspector",
        Decimal("4777"),
    )


def test_a_draft_placement_with_records_is_not_deleted_or_moved(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    prepare_round(session, world)
    world.positions[1].seats = 6
    session.flush()
    office = world.actor("office")
    found = run_round(session, actor=office, plan=world.plan)
    publish_round(session, actor=office, round=found, settings=settings)
    placement = session.scalars(
        select(Placement).where(
            Placement.round_id == found.id, Placement.position_id == world.positions[0].id
        )
    ).first()
    assert placement is not None
    session.add(
        ComplianceOverride(
            college_id=placement.college_id,
            placement_id=placement.id,
            rule_id="cn2021.duration",
            reason="Long course",
        )
    )
    session.flush()
    for target in (None, world.positions[1].id):
        with pytest.raises(Conflict) as refused:
            adjust_assignment(
                session,
                actor=office,
                round=found,
                student_id=placement.student_id,
                position_id=target,
                reason="declined",
            )
        assert refused.value.code == "placement_has_records"
        assert "compliance override" in str(refused.value)
        assert "on its page first" in str(refused.value)
    session.refresh(placement)
    assert placement.round_id == found.id
    assert get_assignment(session, found, placement.student_id).position_id == (
        placement.position_id
    )


def test_a_moved_draft_placement_is_checked_again(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    prepare_round(session, world)
    world.positions[1].seats = 6
    session.flush()
    office = world.actor("office")
    found = run_round(session, actor=office, plan=world.plan)
    publish_round(session, actor=office, round=found, settings=settings)
    moved = session.scalars(
        select(Placement).where(
            Placement.round_id == found.id, Placement.position_id == world.positions[0].id
        )
    ).first()
    assert moved is not None
    moved.compliance, moved.checked_at = None, None
    session.flush()
    adjust_assignment(
        session,
        actor=office,
        round=found,
        student_id=moved.student_id,
        position_id=world.positions[1].id,
        reason="the host asked for them",
    )
    session.refresh(moved)
    assert moved.position_id == world.positions[1].id
    assert moved.checked_at is not None
    assert moved.compliance is not None
    assert "passes" in moved.compliance
