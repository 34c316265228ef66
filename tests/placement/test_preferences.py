"""Students' lists of positions: who may change whose, when, and which positions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tandem.placement import preferences
from tandem.placement.models import Preference
from tests.placement.ranking_helpers import in_phase, listed, published_round
from tests.placement.world import PlacementWorld, add_position


@pytest.fixture
def ranking(session: Session, world: PlacementWorld) -> PlacementWorld:
    in_phase(session, world, "student_ranking")
    return world


def _stored(session: Session, world: PlacementWorld, student_id: int) -> list[tuple[int, int]]:
    rows = session.execute(
        select(Preference.rank, Preference.position_id)
        .where(Preference.plan_id == world.plan.id, Preference.student_id == student_id)
        .order_by(Preference.rank)
    )
    return [(rank, pid) for rank, pid in rows]


def test_a_student_replaces_their_whole_list_and_it_is_audited(
    session: Session, ranking: PlacementWorld
) -> None:
    w = ranking
    me = w.seniors[0]
    p = [x.id for x in w.positions]
    preferences.set_preferences(
        session, actor=w.actor("student"), plan=w.plan, student_id=None, position_ids=[p[2], p[0]]
    )
    assert _stored(session, w, me.id) == [(1, p[2]), (2, p[0])]
    lines = preferences.set_preferences(
        session, actor=w.actor("student"), plan=w.plan, student_id=me.id, position_ids=[p[1]]
    )
    assert [(line.rank, line.position.id) for line in lines] == [(1, p[1])]
    assert lines[0].position.host_name == w.enterprises[0].name
    assert _stored(session, w, me.id) == [(1, p[1])]
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "set_preferences", AuditEntry.entity_id == str(me.id))
        .order_by(AuditEntry.id)
    ).all()
    assert len(entries) == 2
    assert entries[1].changes["position_ids"] == [[p[2], p[0]], [p[1]]]
    shown = preferences.preferences_of(
        session, actor=w.actor("student"), plan=w.plan, student_id=None
    )
    assert [line.position.id for line in shown] == [p[1]]


def test_the_list_rules_name_each_bad_choice(session: Session, ranking: PlacementWorld) -> None:
    w = ranking
    draft = add_position(session, w.plan, w.hosts[0], status="draft", title="Draft post")
    only_m2 = add_position(session, w.plan, w.hosts[1], title="Chemist")
    only_m2.majors = [w.other_major]
    session.flush()
    p = [x.id for x in w.positions]
    with pytest.raises(ValidationFailed) as caught:
        preferences.set_preferences(
            session,
            actor=w.actor("student"),
            plan=w.plan,
            student_id=None,
            position_ids=[p[0], p[0], draft.id, only_m2.id, w.other_position.id],
        )
    by_field = {e.field: e for e in caught.value.errors}
    assert by_field["position_ids"].code == "too_many"  # max 3 in the world's plan
    assert by_field["position_ids.1"].code == "duplicate"
    assert by_field["position_ids.2"].code == "not_published"
    assert "Draft post" in by_field["position_ids.2"].localised()
    assert by_field["position_ids.3"].code == "wrong_major"
    assert by_field["position_ids.4"].code == "unknown_position"
    assert "Choice 5" in by_field["position_ids.4"].localised()
    assert _stored(session, w, w.seniors[0].id) == []


def test_ranking_only_while_students_rank_with_the_dates(
    session: Session, world: PlacementWorld
) -> None:
    w = world
    w.plan.ranking_opens_on = date(2026, 12, 1)
    w.plan.ranking_closes_on = date(2026, 12, 15)
    args = {"plan": w.plan, "student_id": None, "position_ids": [w.positions[0].id]}
    with pytest.raises(Conflict) as early:
        preferences.set_preferences(session, actor=w.actor("student"), **args)  # type: ignore[arg-type]
    assert early.value.code == "ranking_not_open"
    assert "2026-12-01" in early.value.localised()
    in_phase(session, w, "host_ranking")
    with pytest.raises(Conflict) as late:
        preferences.set_preferences(session, actor=w.actor("student"), **args)  # type: ignore[arg-type]
    assert late.value.code == "ranking_closed"
    assert "2026-12-15" in late.value.localised()


def test_who_may_change_whose_list(session: Session, ranking: PlacementWorld) -> None:
    w = ranking
    other = w.seniors[1]
    ids = [w.positions[0].id]
    with pytest.raises(NotFound):
        preferences.set_preferences(
            session, actor=w.actor("student"), plan=w.plan, student_id=other.id, position_ids=ids
        )
    with pytest.raises(NotFound):
        preferences.preferences_of(
            session, actor=w.actor("student"), plan=w.plan, student_id=other.id
        )
    with pytest.raises(PermissionDenied):
        preferences.preferences_of(
            session, actor=w.actor("contact1"), plan=w.plan, student_id=other.id
        )
    with pytest.raises(PermissionDenied):  # a coordinator reads lists but does not rank
        preferences.set_preferences(
            session,
            actor=w.actor("coordinator"),
            plan=w.plan,
            student_id=other.id,
            position_ids=ids,
        )
    with pytest.raises(NotFound):  # a student of another college
        preferences.preferences_of(
            session, actor=w.actor("office"), plan=w.plan, student_id=w.outsiders[0].id + 10**6
        )
    preferences.set_preferences(
        session, actor=w.actor("office"), plan=w.plan, student_id=other.id, position_ids=ids
    )
    assert _stored(session, w, other.id) == [(1, ids[0])]
    assert (
        preferences.preferences_of(
            session, actor=w.actor("teacher"), plan=w.plan, student_id=other.id
        )[0].position.id
        == ids[0]
    )


def test_an_ineligible_or_placed_student_cannot_change_the_list(
    session: Session, ranking: PlacementWorld
) -> None:
    w = ranking
    with pytest.raises(Conflict) as junior:
        preferences.set_preferences(
            session,
            actor=w.actor("office"),
            plan=w.plan,
            student_id=w.juniors[0].id,
            position_ids=[w.positions[0].id],
        )
    assert junior.value.code == "not_eligible"
    listed(session, w, 0, 0)
    published_round(session, w, {0: 0})
    with pytest.raises(Conflict) as placed:
        preferences.set_preferences(
            session, actor=w.actor("student"), plan=w.plan, student_id=None, position_ids=[]
        )
    assert placed.value.code == "already_placed"
    assert _stored(session, w, w.seniors[0].id) == [(1, w.positions[0].id)]
    # an unplaced student may still change theirs in the second round
    preferences.set_preferences(
        session,
        actor=w.actor("office"),
        plan=w.plan,
        student_id=w.seniors[1].id,
        position_ids=[w.positions[2].id],
    )


def test_available_positions_are_the_published_ones_for_the_major(
    session: Session, ranking: PlacementWorld
) -> None:
    w = ranking
    add_position(session, w.plan, w.hosts[0], status="draft")
    for_m1 = add_position(session, w.plan, w.hosts[1], title="For M1")
    for_m1.majors = [w.major]
    for_m2 = add_position(session, w.plan, w.hosts[1], title="For M2")
    for_m2.majors = [w.other_major]
    session.flush()
    found = preferences.available_positions(
        session, actor=w.actor("student"), plan=w.plan, student_id=None
    )
    ids = {t.id for t in found}
    assert ids == {*(p.id for p in w.positions), for_m1.id}
    first = next(t for t in found if t.id == w.positions[2].id)
    assert (first.seats, first.location, first.host_name) == (3, "Guangzhou", w.enterprises[1].name)


def test_rankers_counts_for_the_office(session: Session, ranking: PlacementWorld) -> None:
    w = ranking
    listed(session, w, 0, 0, 2)
    listed(session, w, 1, 0)
    listed(session, w, 2, 2, 1, 0)
    counts = preferences.rankers(session, w.plan)
    assert (counts.eligible, counts.ranked, counts.not_ranked, counts.lines) == (6, 3, 3, 6)
    assert counts.by_length == {1: 1, 2: 1, 3: 1}
    p = w.positions
    assert counts.first_choices[p[0].id] == 2
    assert counts.listed[p[0].id] == 3
    assert counts.first_choices[p[2].id] == 1
