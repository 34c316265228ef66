"""Insurance policies through the services: adding, changing, deleting, linking, scope, the
gate re-run, gaps, the placements that need cover and the placement page's section."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from tandem.kit.pagination import ListParams
from tandem.placement import insurance, insurance_links
from tandem.placement.insurance import PolicyFilter
from tandem.placement.models_records import InsurancePolicy, policy_placement
from tandem.placement.schemas_insurance import PolicyCreate, PolicyUpdate
from tests.placement.insurance_helpers import (
    END,
    START,
    Insured,
    add_placement,
    add_policy,
    insured,
)
from tests.placement.world import PlacementWorld, add_plan, add_position

D = date


@pytest.fixture
def ins(session: Session, world: PlacementWorld) -> Insured:
    return insured(session, world)


def _new(**fields: Any) -> PolicyCreate:
    values: dict[str, Any] = {
        "insurer": "平安保险",
        "number": "PA-1",
        "start_on": "2027-03-01",
        "end_on": "2027-08-31",
        "premium": "80",
        "paid_by": "college",
    } | fields
    return PolicyCreate.model_validate(values)


def _audits(session: Session, action: str, policy_id: int) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(
        AuditEntry.entity_type == "insurance_policy",
        AuditEntry.action == action,
        AuditEntry.entity_id == str(policy_id),
    )
    return list(session.scalars(stmt))


def _linked(session: Session, policy: InsurancePolicy) -> set[int]:
    stmt = select(policy_placement.c.placement_id).where(policy_placement.c.policy_id == policy.id)
    return set(session.scalars(stmt))


def _rules(placement: Any) -> set[str]:
    return {v["rule"] for v in (placement.compliance or {}).get("violations", [])}


@pytest.fixture
def rechecked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The placements the gate was asked to check again (the real gate still runs)."""
    from tandem.placement import gate

    seen: list[int] = []
    one, many = gate.recheck, gate.recheck_many

    def spy_one(session: Session, placement: Any) -> Any:
        seen.append(placement.id)
        return one(session, placement)

    def spy_many(session: Session, placements: Any, today: Any = None) -> Any:
        seen.extend(p.id for p in placements)
        return many(session, placements, today)

    monkeypatch.setattr(gate, "recheck", spy_one)
    monkeypatch.setattr(gate, "recheck_many", spy_many)
    return seen


# --- adding, changing, deleting -------------------------------------------------------------------


def test_the_office_adds_a_policy_audited(session: Session, world: PlacementWorld) -> None:
    policy = insurance.create_policy(session, actor=world.actor("office"), data=_new())
    assert policy.college_id == world.college.id
    assert policy.premium == Decimal("80.00")
    assert policy.paid_by == "college"
    (entry,) = _audits(session, "create", policy.id)
    assert entry.changes["number"] == [None, "PA-1"]


def test_a_student_payer_may_be_recorded(session: Session, world: PlacementWorld) -> None:
    policy = insurance.create_policy(
        session, actor=world.actor("office"), data=_new(paid_by="student")
    )
    assert policy.paid_by == "student"


def test_a_policy_ending_before_it_starts_is_refused(
    session: Session, world: PlacementWorld
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        insurance.create_policy(
            session, actor=world.actor("office"), data=_new(end_on="2027-02-28")
        )
    assert caught.value.errors[0].field == "end_on"
    assert "2027-02-28" in caught.value.localised()


def test_the_same_insurer_and_number_twice_is_a_conflict(
    session: Session, world: PlacementWorld
) -> None:
    insurance.create_policy(session, actor=world.actor("office"), data=_new())
    with pytest.raises(Conflict) as caught:
        insurance.create_policy(session, actor=world.actor("office"), data=_new())
    assert caught.value.errors[0].field == "number"
    # Another college may hold the same number.
    insurance.create_policy(session, actor=world.actor("other_office"), data=_new())


def test_a_teacher_may_not_add_a_policy(session: Session, world: PlacementWorld) -> None:
    with pytest.raises(PermissionDenied):
        insurance.create_policy(session, actor=world.actor("teacher"), data=_new())


def test_changing_the_period_rechecks_every_covered_placement(
    session: Session, world: PlacementWorld, ins: Insured, rechecked: list[int]
) -> None:
    insurance.update_policy(
        session,
        actor=world.actor("office"),
        policy=ins.policy,
        data=PolicyUpdate(end_on=END, version=ins.policy.version),
    )
    assert ins.policy.end_on == END
    assert rechecked == [ins.mine.id]
    (entry,) = _audits(session, "update", ins.policy.id)
    assert entry.changes["end_on"] == ["2027-06-30", "2027-08-31"]
    assert "cn2021.no_insurance" not in _rules(ins.mine)


def test_a_remark_alone_does_not_recheck(
    session: Session, world: PlacementWorld, ins: Insured, rechecked: list[int]
) -> None:
    insurance.update_policy(
        session, actor=world.actor("office"), policy=ins.policy, data=PolicyUpdate(note="续保")
    )
    assert rechecked == []


def test_a_stale_edit_is_refused(session: Session, world: PlacementWorld, ins: Insured) -> None:
    with pytest.raises(StaleVersion):
        insurance.update_policy(
            session,
            actor=world.actor("office"),
            policy=ins.policy,
            data=PolicyUpdate(note="x", version=ins.policy.version + 1),
        )


def test_changing_the_end_before_the_start_is_refused(
    session: Session, world: PlacementWorld, ins: Insured
) -> None:
    with pytest.raises(ValidationFailed):
        insurance.update_policy(
            session,
            actor=world.actor("office"),
            policy=ins.policy,
            data=PolicyUpdate(end_on=D(2027, 1, 1)),
        )


def test_a_linked_policy_is_not_deleted_until_unlinked(
    session: Session, world: PlacementWorld, ins: Insured
) -> None:
    office = world.actor("office")
    with pytest.raises(Conflict) as caught:
        insurance.delete_policy(session, actor=office, policy=ins.policy)
    assert caught.value.code == "policy_in_use"
    assert "unlink" in caught.value.localised()
    insurance_links.unlink(session, actor=office, policy=ins.policy, placement_ids=[ins.mine.id])
    policy_id = ins.policy.id
    insurance.delete_policy(session, actor=office, policy=ins.policy)
    assert session.get(InsurancePolicy, policy_id) is None
    assert len(_audits(session, "delete", policy_id)) == 1


# --- scope ----------------------------------------------------------------------------------------


def _visible(session: Session, world: PlacementWorld, who: str, **filters: Any) -> set[int]:
    page = insurance.list_policies(
        session,
        actor=world.actor(who),
        params=ListParams(per_page=200),
        filters=PolicyFilter(**filters),
        today=D(2027, 6, 20),
    )
    return {p.id for p in page.items}


def test_who_sees_which_policy(session: Session, world: PlacementWorld, ins: Insured) -> None:
    unlinked = add_policy(session, world.college.id, number="A-SPARE")
    second = add_policy(session, world.college.id, ins.second, number="A-HOST2")
    mine = {ins.policy.id, unlinked.id, second.id}
    assert _visible(session, world, "office") == mine
    assert _visible(session, world, "teacher") == mine
    assert _visible(session, world, "coordinator") == mine
    assert _visible(session, world, "contact1") == {ins.policy.id}  # host 1's intern only
    assert _visible(session, world, "contact2") == {second.id}
    assert _visible(session, world, "student") == {ins.policy.id}  # their own placement
    assert _visible(session, world, "other_office") == {ins.other_policy.id}
    assert mine | {ins.other_policy.id} <= _visible(session, world, "platform")


def test_another_colleges_or_anothers_policy_is_not_found(
    session: Session, world: PlacementWorld, ins: Insured
) -> None:
    second = add_policy(session, world.college.id, ins.second, number="A-HOST2")
    for who, policy_id in (
        ("office", ins.other_policy.id),
        ("contact1", second.id),
        ("student", second.id),
        ("other_office", ins.policy.id),
    ):
        with pytest.raises(NotFound):
            insurance.get_policy(session, actor=world.actor(who), policy_id=policy_id)


def test_a_contact_sees_only_their_interns_on_a_shared_policy(
    session: Session, world: PlacementWorld, ins: Insured
) -> None:
    shared = add_policy(session, world.college.id, ins.mine, ins.second, number="A-ALL")
    contact1 = world.actor("contact1")
    shown = insurance.linked_placements(session, actor=contact1, policy=shared)
    assert [p.id for p in shown] == [ins.mine.id]
    counts = insurance.placement_counts(session, actor=contact1, policy_ids=[shared.id])
    assert counts == {shared.id: 1}
    office = world.actor("office")
    assert len(insurance.linked_placements(session, actor=office, policy=shared)) == 2


def test_search_and_filters(session: Session, world: PlacementWorld, ins: Insured) -> None:
    full = add_policy(session, world.college.id, insurer="平安", number="PA-9", end_on=END)
    paid = add_policy(
        session,
        world.college.id,
        number="HOST-PAID",
        paid_by="host",
        start_on=D(2027, 7, 1),
        end_on=D(2027, 8, 31),
    )
    assert _visible(session, world, "office", covering=D(2027, 7, 15)) == {full.id, paid.id}
    assert _visible(session, world, "office", paid_by="host") == {paid.id}
    # 20 June + 14 days: only the policy ending on 30 June.
    assert _visible(session, world, "office", ending_within=14) == {ins.policy.id}
    page = insurance.list_policies(
        session, actor=world.actor("office"), params=ListParams(q="pa-9")
    )
    assert [p.id for p in page.items] == [full.id]
    assert _visible(session, world, "office", plan_id=world.plan.id) == {ins.policy.id}


# --- linking --------------------------------------------------------------------------------------


def test_linking_placements_is_audited_and_rechecks_them(
    session: Session, world: PlacementWorld, ins: Insured, rechecked: list[int]
) -> None:
    outcome = insurance_links.link(
        session,
        actor=world.actor("office"),
        policy=ins.policy,
        placement_ids=[ins.second.id, ins.mine.id],
    )
    assert outcome.changed == [ins.second.id]
    assert outcome.unchanged == [ins.mine.id]
    assert _linked(session, ins.policy) == {ins.mine.id, ins.second.id}
    assert rechecked == [ins.second.id]
    (entry,) = _audits(session, "link", ins.policy.id)
    assert entry.changes["placement_ids"] == [None, [ins.second.id]]
    assert ins.second.compliance is not None


def test_linking_a_whole_plan_skips_placements_outside_the_policy(
    session: Session, world: PlacementWorld, ins: Insured, rechecked: list[int]
) -> None:
    later = add_placement(
        session, world.positions[2], world.seniors[3], start_on=D(2027, 7, 1), end_on=END
    )
    done = add_placement(session, world.positions[2], world.seniors[4], status="completed")
    outcome = insurance_links.link(
        session, actor=world.actor("office"), policy=ins.policy, plan_id=world.plan.id
    )
    assert sorted(outcome.changed) == sorted([ins.second.id, ins.third.id])
    assert outcome.unchanged == [ins.mine.id]
    assert outcome.skipped == [later.id]
    assert done.id not in _linked(session, ins.policy)
    assert sorted(rechecked) == sorted([ins.second.id, ins.third.id])


def test_linking_a_placement_wholly_outside_the_policy_is_refused(
    session: Session, world: PlacementWorld, ins: Insured
) -> None:
    later = add_placement(
        session, world.positions[2], world.seniors[3], start_on=D(2027, 7, 1), end_on=END
    )
    with pytest.raises(ValidationFailed) as caught:
        insurance_links.link(
            session, actor=world.actor("office"), policy=ins.policy, placement_ids=[later.id]
        )
    assert caught.value.code == "outside_policy"


def test_another_colleges_placement_or_plan_cannot_be_linked(
    session: Session, world: PlacementWorld, ins: Insured
) -> None:
    office = world.actor("office")
    with pytest.raises(ValidationFailed) as caught:
        insurance_links.link(
            session, actor=office, policy=ins.policy, placement_ids=[ins.other_placement.id]
        )
    assert caught.value.errors[0].field == "placement_ids"
    with pytest.raises(ValidationFailed) as caught:
        insurance_links.link(session, actor=office, policy=ins.policy, plan_id=world.other_plan.id)
    assert caught.value.errors[0].field == "plan_id"
    # Even the platform: a policy covers placements of its own college only.
    with pytest.raises(ValidationFailed):
        insurance_links.link(
            session,
            actor=world.actor("platform"),
            policy=ins.policy,
            placement_ids=[ins.other_placement.id],
        )


def test_both_or_neither_way_of_choosing_is_refused(
    session: Session, world: PlacementWorld, ins: Insured
) -> None:
    office = world.actor("office")
    with pytest.raises(ValidationFailed):
        insurance_links.link(session, actor=office, policy=ins.policy)
    with pytest.raises(ValidationFailed):
        insurance_links.link(
            session,
            actor=office,
            policy=ins.policy,
            placement_ids=[ins.mine.id],
            plan_id=world.plan.id,
        )


def test_a_coordinator_manages_only_their_departments_placements(
    session: Session, world: PlacementWorld, ins: Insured
) -> None:
    d2_plan = add_plan(session, world.college, department_id=world.departments[1].id)
    d2_position = add_position(session, d2_plan, world.hosts[0])
    d2_placement = add_placement(session, d2_position, world.outsiders[0])
    coordinator = world.actor("coordinator")
    own = insurance.create_policy(session, actor=coordinator, data=_new(number="D1-1"))
    insurance_links.link(session, actor=coordinator, policy=own, placement_ids=[ins.third.id])
    with pytest.raises(PermissionDenied):
        insurance_links.link(
            session, actor=coordinator, policy=own, placement_ids=[d2_placement.id]
        )
    mixed = add_policy(session, world.college.id, ins.mine, d2_placement, number="MIXED")
    with pytest.raises(PermissionDenied) as caught:
        insurance.update_policy(
            session, actor=coordinator, policy=mixed, data=PolicyUpdate(note="x")
        )
    assert caught.value.code == "other_department"
    insurance.update_policy(
        session, actor=world.actor("office"), policy=mixed, data=PolicyUpdate(note="x")
    )


def test_unlinking_is_audited_and_rechecks(
    session: Session, world: PlacementWorld, ins: Insured, rechecked: list[int]
) -> None:
    outcome = insurance_links.unlink(
        session,
        actor=world.actor("office"),
        policy=ins.policy,
        placement_ids=[ins.mine.id, ins.second.id],
    )
    assert outcome.changed == [ins.mine.id]
    assert outcome.unchanged == [ins.second.id]
    assert _linked(session, ins.policy) == set()
    assert rechecked == [ins.mine.id]
    assert len(_audits(session, "unlink", ins.policy.id)) == 1
    assert "cn2021.no_insurance" in _rules(ins.mine)


def test_linking_by_student_numbers(session: Session, world: PlacementWorld, ins: Insured) -> None:
    office = world.actor("office")
    ids = insurance_links.placements_of_students(
        session,
        actor=office,
        policy=ins.policy,
        numbers=[world.seniors[1].student_number, world.seniors[2].student_number],
    )
    assert sorted(ids) == sorted([ins.second.id, ins.third.id])
    with pytest.raises(ValidationFailed) as caught:
        insurance_links.placements_of_students(
            session, actor=office, policy=ins.policy, numbers=["NO-SUCH"]
        )
    assert "NO-SUCH" in caught.value.localised()


# --- the gate, gaps and what needs cover ----------------------------------------------------------


def test_the_gate_blocks_a_gap_and_a_student_payer_and_releases_when_covered(
    session: Session, world: PlacementWorld, ins: Insured
) -> None:
    office = world.actor("office")
    rest = insurance.create_policy(
        session,
        actor=office,
        data=_new(number="REST", start_on="2027-07-01", paid_by="student"),
    )
    insurance_links.link(session, actor=office, policy=rest, placement_ids=[ins.mine.id])
    assert "cn2021.insurance_paid_by_student" in _rules(ins.mine)
    assert "cn2021.no_insurance" not in _rules(ins.mine)
    insurance.update_policy(session, actor=office, policy=rest, data=PolicyUpdate(paid_by="host"))
    assert "cn2021.insurance_paid_by_student" not in _rules(ins.mine)
    assert not {r for r in _rules(ins.mine) if "insurance" in r}


def test_policies_and_gaps_of_a_placement(
    session: Session, world: PlacementWorld, ins: Insured
) -> None:
    assert [p.id for p in insurance.policies_for(session, ins.mine)] == [ins.policy.id]
    cover = insurance.gaps_for(session, ins.mine)
    assert [(g.start, g.end) for g in cover.gaps] == [(D(2027, 7, 1), END)]
    assert insurance.gaps_for(session, ins.second).first_uncovered == START


def test_placements_that_need_cover(session: Session, world: PlacementWorld, ins: Insured) -> None:
    add_policy(session, world.college.id, ins.third, number="FULL", end_on=END)
    done = add_placement(session, world.positions[2], world.seniors[4], status="completed")
    office = world.actor("office")
    rows = insurance_links.needs_cover(session, actor=office, today=D(2027, 6, 20))
    by_id = {row[0]: row for row in rows}
    assert set(by_id) == {ins.mine.id, ins.second.id}  # not the covered, the completed, B's
    assert done.id not in by_id
    _, _cover, now, soon = by_id[ins.mine.id]
    assert (now, soon) == (False, True)  # cover stops on 30 June, within 14 days
    assert by_id[ins.second.id][2] is True  # not covered today
    assert rows[0][0] == ins.second.id  # the most urgent (uncovered since March) first
    loaded = insurance_links.load_needs_cover(session, rows)
    assert loaded[0].placement.student.id == world.seniors[1].id
    later = insurance_links.needs_cover(session, actor=office, today=D(2027, 9, 1))
    assert later == []  # all over


def test_the_placement_section_for_the_office_and_the_student(
    session: Session, world: PlacementWorld, ins: Insured
) -> None:
    spare = add_policy(
        session, world.college.id, number="SPARE", start_on=D(2027, 7, 1), end_on=END
    )
    add_policy(
        session, world.college.id, number="OLD", start_on=D(2026, 1, 1), end_on=D(2026, 12, 31)
    )
    office = insurance.section(session, actor=world.actor("office"), placement=ins.mine)
    assert office["can_manage"] is True
    assert [value for value, _ in office["options"]] == [spare.id]  # overlapping, not linked
    assert [part["text"] for part in office["bar"]] == [
        "covered 2027-03-01 – 2027-06-30",
        "not covered 2027-07-01 – 2027-08-31",
    ]
    assert office["bar"][0]["x"] == 0
    assert office["bar"][1]["x"] + office["bar"][1]["width"] == 1000
    assert office["complete"] is False
    student = insurance.section(session, actor=world.actor("student"), placement=ins.mine)
    assert student["can_manage"] is False
    assert student["options"] == []
    assert student["policies"][0]["can_unlink"] is False
