"""Placements through the service: self-found ones (proposed, approved, rejected), changes of
terms and mentors, the status moves with the gate, the list's filters and its scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.pagination import ListParams
from tandem.people.models import Teacher
from tandem.placement import gate, insurance, insurance_links, placement_lifecycle, placements
from tandem.placement.models import Placement
from tandem.placement.placements import PlacementFilter
from tandem.placement.schemas_insurance import PolicyCreate
from tandem.placement.schemas_placements import PlacementCreate, PlacementUpdate
from tests.placement.placement_factory import add_placement, cover, provide_documents
from tests.placement.world import END, START, PlacementWorld


def _proposal(world: PlacementWorld, **fields: object) -> PlacementCreate:
    values: dict[str, object] = {
        "partnership_id": world.hosts[1].id,
        "title": "Line technician",
        "start_on": START,
        "end_on": END,
        "monthly_pay": Decimal("4000"),
        "hours_per_day": Decimal("8"),
        "days_per_week": Decimal("5"),
        "labour_intensity": 2,
        "venue_category": "manufacturing",
        "post_staff": 20,
        "post_wage": Decimal("4500"),
    }
    values.update(fields)
    return PlacementCreate.model_validate(values)


def _audits(session: Session, placement: Placement, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity_type == "placement",
                AuditEntry.entity_id == str(placement.id),
                AuditEntry.action == action,
            )
        )
    )


def _teacher(session: Session, world: PlacementWorld, college_id: int | None = None) -> Teacher:
    teacher = Teacher(
        college_id=college_id or world.college.id,
        staff_number=f"T{world.plan.id:05d}{college_id or 0}",
        name="张老师",
        department_id=world.departments[0].id,
    )
    session.add(teacher)
    session.flush()
    return teacher


# --- self-found placements -----------------------------------------------------------------------


def test_a_student_proposes_their_own_placement(session: Session, world: PlacementWorld) -> None:
    student = world.actor("student")
    placement = placements.create_placement(session, actor=student, data=_proposal(world))
    assert placement.student_id == world.seniors[0].id
    assert (placement.status, placement.source) == ("draft", "self_found")
    assert placements.pending_approval(placement)
    assert placement.enterprise_id == world.enterprises[1].id
    assert placement.kind == "post"
    assert placement.checked_at is not None  # the gate ran
    assert (placement.compliance or {})["blocking"] >= 1
    assert len(_audits(session, placement, "create")) == 1

    with pytest.raises(PermissionDenied):
        placements.create_placement(
            session, actor=student, data=_proposal(world, student_id=world.seniors[1].id)
        )
    with pytest.raises(ValidationFailed) as refused:
        placements.create_placement(
            session, actor=student, data=_proposal(world, school_mentor_id=1)
        )
    assert refused.value.errors[0].field == "school_mentor_id"


def test_who_may_propose(session: Session, world: PlacementWorld) -> None:
    for name in ("teacher", "contact1"):
        with pytest.raises(PermissionDenied):
            placements.create_placement(session, actor=world.actor(name), data=_proposal(world))


def test_the_office_enters_one_and_the_checks(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    student = world.seniors[2]
    with pytest.raises(ValidationFailed) as refused:
        placements.create_placement(session, actor=office, data=_proposal(world))
    assert refused.value.errors[0].field == "student_id"
    with pytest.raises(ValidationFailed) as refused:
        placements.create_placement(
            session,
            actor=office,
            data=_proposal(
                world, student_id=student.id, partnership_id=world.other_position.partnership_id
            ),
        )
    assert refused.value.errors[0].field == "partnership_id"
    with pytest.raises(ValidationFailed) as refused:
        placements.create_placement(
            session,
            actor=office,
            data=_proposal(world, student_id=student.id, end_on=date(2027, 2, 1)),
        )
    assert refused.value.errors[0].field == "end_on"
    other_teacher = _teacher(session, world, world.other_college.id)
    with pytest.raises(ValidationFailed) as refused:
        placements.create_placement(
            session,
            actor=office,
            data=_proposal(world, student_id=student.id, school_mentor_id=other_teacher.id),
        )
    assert refused.value.errors[0].field == "school_mentor_id"

    placement = placements.create_placement(
        session, actor=office, data=_proposal(world, student_id=student.id, plan_id=world.plan.id)
    )
    assert placement.plan_id == world.plan.id
    with pytest.raises(Conflict) as overlapping:
        placements.create_placement(
            session,
            actor=office,
            data=_proposal(world, student_id=student.id, start_on=date(2027, 5, 1)),
        )
    assert overlapping.value.code == "overlapping_placement"


def test_approve_and_reject(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    first = placements.create_placement(
        session, actor=world.actor("student"), data=_proposal(world)
    )
    with pytest.raises(PermissionDenied):
        placements.approve_placement(session, actor=world.actor("teacher"), placement=first)
    with pytest.raises(Conflict):
        placement_lifecycle.transition(session, actor=office, placement=first, to="ready")
    placements.approve_placement(session, actor=office, placement=first)
    assert first.approved_at is not None
    assert first.approved_by_user_id == world.users["office"].id
    with pytest.raises(Conflict):
        placements.approve_placement(session, actor=office, placement=first)

    second = placements.create_placement(
        session,
        actor=office,
        data=_proposal(world, student_id=world.seniors[3].id),
    )
    with pytest.raises(ValidationFailed):
        placements.reject_placement(session, actor=office, placement=second, reason=" ")
    placements.reject_placement(
        session, actor=office, placement=second, reason="Host not suitable", today=START
    )
    assert (second.status, second.ended_reason, second.ended_on) == (
        "ended_early",
        "Host not suitable",
        START,
    )
    assert placements.rejected(second)
    entry = _audits(session, second, "reject")[0]
    assert entry.changes["ended_reason"] == ["", "Host not suitable"]


# --- changes -------------------------------------------------------------------------------------


def test_mentors_terms_and_the_gate(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    placement = add_placement(session, world.positions[0], world.seniors[0])
    teacher = _teacher(session, world)
    placements.update_placement(
        session,
        actor=office,
        placement=placement,
        data=PlacementUpdate(
            school_mentor_id=teacher.id,
            enterprise_mentor_name="王师傅",
            enterprise_mentor_phone="13800000000",
            version=placement.version,
        ),
    )
    assert placement.school_mentor_id == teacher.id
    entry = _audits(session, placement, "update")[-1]
    assert entry.changes["school_mentor_id"] == [None, teacher.id]
    with pytest.raises(PermissionDenied):
        placements.update_placement(
            session, actor=world.actor("student"), placement=placement, data=PlacementUpdate()
        )
    # A night shift is a blocking rule: the stored result says so after the change.
    placements.update_placement(
        session, actor=office, placement=placement, data=PlacementUpdate(night_shift=True)
    )
    assert "cn2021.night_shift" in {
        v["rule"] for v in (placement.compliance or {})["violations"] if v["severity"] == "block"
    }


def test_a_ready_placement_whose_terms_change_goes_back_to_draft(
    session: Session, world: PlacementWorld
) -> None:
    office = world.actor("office")
    placement = add_placement(session, world.positions[0], world.seniors[0])
    provide_documents(session, world, placement)
    placement_lifecycle.transition(session, actor=office, placement=placement, to="ready")
    assert placement.status == "ready"
    placements.update_placement(
        session,
        actor=office,
        placement=placement,
        data=PlacementUpdate(monthly_pay=Decimal("4500")),
    )
    # The agreement no longer matches the terms: the gate blocks, the placement is a draft.
    assert placement.status == "draft"
    assert "cn2021.no_tripartite_agreement" in {
        b.rule for b in gate.evaluate(session, placement).blocking
    }


def test_the_whole_lifecycle(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    placement = add_placement(session, world.positions[0], world.seniors[0])
    student = world.seniors[0]
    provide_documents(session, world, placement)
    assert placement_lifecycle.allowed(office, placement, today=date(2027, 1, 1)) == [
        "ready",
        "ended_early",
    ]
    assert placement_lifecycle.allowed(world.actor("teacher"), placement) == []
    placement_lifecycle.transition(session, actor=office, placement=placement, to="ready")
    with pytest.raises(Conflict) as early:
        placement_lifecycle.transition(
            session, actor=office, placement=placement, to="active", today=date(2027, 2, 1)
        )
    assert early.value.code == "too_early"
    placement_lifecycle.transition(
        session, actor=office, placement=placement, to="active", today=START
    )
    assert (placement.status, placement.started_on, student.status) == (
        "active",
        START,
        "on_placement",
    )
    # Active: the terms are fixed; the mentors may change.
    with pytest.raises(Conflict) as fixed:
        placements.update_placement(
            session, actor=office, placement=placement, data=PlacementUpdate(title="Other")
        )
    assert fixed.value.code == "terms_fixed"
    placements.update_placement(
        session, actor=office, placement=placement, data=PlacementUpdate(note="Visited in April")
    )
    with pytest.raises(Conflict):
        placement_lifecycle.transition(
            session, actor=office, placement=placement, to="completed", today=date(2027, 8, 1)
        )
    placement_lifecycle.transition(
        session, actor=office, placement=placement, to="completed", today=END
    )
    assert (placement.status, placement.ended_on, student.status) == ("completed", END, "enrolled")
    with pytest.raises(Conflict) as invalid:
        placement_lifecycle.transition(session, actor=office, placement=placement, to="active")
    assert invalid.value.code == "invalid_transition"
    actions = {e.action for e in _audits(session, placement, "ready")} | {
        e.action for e in _audits(session, placement, "start")
    }
    assert actions == {"ready", "start"}


def test_ending_early_needs_a_reason(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    placement = add_placement(session, world.positions[0], world.seniors[1])
    with pytest.raises(ValidationFailed):
        placement_lifecycle.transition(session, actor=office, placement=placement, to="ended_early")
    placement_lifecycle.transition(
        session, actor=office, placement=placement, to="ended_early", reason="Moved away"
    )
    assert placement.status == "ended_early"
    assert placement.ended_reason == "Moved away"
    assert _audits(session, placement, "end_early")[0].changes["ended_reason"][1] == "Moved away"


# --- the list ------------------------------------------------------------------------------------


def test_the_list_filters_and_scope(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    blocked = add_placement(session, world.positions[0], world.seniors[0])
    gate.check(session, blocked)
    clear = add_placement(session, world.positions[2], world.seniors[1])
    unchecked = add_placement(session, world.positions[1], world.seniors[2])
    provide_documents(session, world, clear, student_actor=None)
    params = ListParams(per_page=50)

    def ids(actor_name: str, **filters: object) -> set[int]:
        found = placements.list_placements(
            session,
            actor=world.actor(actor_name),
            params=params,
            filters=PlacementFilter(**filters),  # type: ignore[arg-type]
        )
        return {p.id for p in found.items}

    assert ids("office") == {blocked.id, clear.id, unchecked.id}
    assert ids("office", compliance="blocked") == {blocked.id}
    assert ids("office", compliance="clear") == {clear.id}
    assert ids("office", compliance="not_checked") == {unchecked.id}
    assert ids("office", partnership_id=world.hosts[1].id) == {clear.id}
    assert ids("contact1") == {blocked.id, unchecked.id}
    assert ids("contact2") == {clear.id}
    assert ids("student") == {blocked.id}
    assert ids("other_office") == set()
    found = placements.list_placements(
        session, actor=office, params=ListParams(q=world.seniors[1].student_number)
    )
    assert [p.id for p in found.items] == [clear.id]
    with pytest.raises(NotFound):
        placements.get_placement(session, actor=world.actor("other_office"), placement_id=clear.id)
    with pytest.raises(NotFound):
        placements.get_placement(session, actor=world.actor("student"), placement_id=clear.id)


def test_changed_terms_clear_the_overrides(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    placement = add_placement(
        session, world.positions[0], world.seniors[2], end_on=date(2027, 9, 30)
    )
    gate.override(
        session, actor=office, placement=placement, rule_id="cn2021.duration", reason="Long"
    )
    assert (placement.compliance or {})["open_warnings"] == 0
    placements.update_placement(
        session,
        actor=office,
        placement=placement,
        data=PlacementUpdate(end_on=date(2027, 10, 31), version=placement.version),
    )
    assert gate.overrides_of(session, placement) == []
    assert (placement.compliance or {})["open_warnings"] == 1
    duration = next(
        v for v in (placement.compliance or {})["violations"] if v["rule"] == "cn2021.duration"
    )
    assert not duration["overridden"]
    update = _audits(session, placement, "update")[-1]
    assert update.changes["overrides_cleared"] == [None, ["cn2021.duration"]]
    # A change of the remarks alone keeps the overrides.
    gate.override(
        session, actor=office, placement=placement, rule_id="cn2021.duration", reason="Again"
    )
    placements.update_placement(
        session,
        actor=office,
        placement=placement,
        data=PlacementUpdate(note="Checked", version=placement.version),
    )
    assert [o.rule_id for o in gate.overrides_of(session, placement)] == ["cn2021.duration"]


def test_the_cover_of_an_ended_placement_cannot_change(
    session: Session, world: PlacementWorld
) -> None:
    office = world.actor("office")
    placement = add_placement(session, world.positions[0], world.seniors[3])
    cover(session, world, placement, START, END)
    policy = insurance.create_policy(
        session,
        actor=office,
        data=PolicyCreate(
            insurer="平安保险",
            number="PF-ENDED",
            start_on=START,
            end_on=END,
            premium=Decimal("80"),
            paid_by="college",
        ),
    )
    placement.status = "completed"
    session.flush()
    for change in (insurance_links.link, insurance_links.unlink):
        with pytest.raises(Conflict) as refused:
            change(session, actor=office, policy=policy, placement_ids=[placement.id])
        assert refused.value.code == "placement_closed"
        assert "has ended" in str(refused.value)
