"""The gate: the fact document from the records, missing facts of blocking rules, the intern
counts (other placements of any college, overlapping, holding), overrides and their revoking."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.errors import Conflict, PermissionDenied, ValidationFailed
from tandem.placement import gate, insurance_links, placement_lifecycle, tripartite
from tandem.placement.gate_records import load_context
from tandem.placement.models import Placement
from tandem.placement.models_records import InsurancePolicy, policy_placement
from tests.factories import make_department
from tests.partner.helpers import make_partnership
from tests.placement.placement_factory import add_placement, provide_documents
from tests.placement.placement_factory import add_placement as factory_add
from tests.placement.world import END, START, PlacementWorld, add_class, add_major, add_student


def test_the_fact_document(session: Session, world: PlacementWorld) -> None:
    placement = add_placement(
        session, world.positions[0], world.seniors[0], fees=["deposit"], pay_cycle_days=30
    )
    facts = gate.facts(session, placement, today=date(2027, 1, 5))
    assert facts["as_of"] == "2027-01-05"
    assert facts["student"] == {
        "birth_date": "2005-05-17",
        "year_of_study": 3,
        "gender": "F",
        "guardian_consent": False,
    }
    assert facts["post"] == {
        "staff": 40,
        "interns": 0,
        "labour_intensity": 2,
        "high_risk": False,
        "restrictions": [],
        "wage": Decimal("5000.00"),
    }
    terms = facts["terms"]
    assert terms["start"] == START.isoformat()
    assert terms["end"] == END.isoformat()
    assert terms["monthly_pay"] == Decimal("4200.00")
    assert terms["fees"] == ["deposit"]
    assert terms["insurance"] == []
    assert terms["tripartite_agreement_signed"] is False
    blocking = {b.rule for b in gate.evaluate(session, placement).blocking}
    assert "cn2021.fees_charged" in blocking


def test_interns_are_counted_across_colleges_and_only_when_overlapping(
    session: Session, world: PlacementWorld
) -> None:
    position = world.positions[0]
    placement = add_placement(session, position, world.seniors[0])
    add_placement(session, position, world.seniors[1])  # same post, overlapping
    add_placement(session, world.positions[1], world.seniors[2])  # same host, other post
    add_placement(session, position, world.seniors[3], status="ended_early")  # not holding
    add_placement(  # not overlapping
        session, position, world.seniors[4], start_on=date(2028, 1, 1), end_on=date(2028, 3, 1)
    )
    add_placement(session, position, world.seniors[5], kind="cognition")  # not a post kind
    # College B's intern at the same enterprise, for an overlapping period.
    other_host = make_partnership(session, world.other_college, world.enterprises[0])
    student_b = add_student(
        session,
        add_class(session, add_major(session, make_department(session, world.other_college)), 2024),
    )
    add_placement(
        session,
        world.other_position,
        student_b,
        college_id=world.other_college.id,
        partnership_id=other_host.id,
        enterprise_id=world.enterprises[0].id,
        position_id=None,
    )
    facts = gate.facts(session, placement)
    assert facts["host"]["interns"] == 3  # the other post, college B's, same post
    assert facts["post"]["interns"] == 2  # the same post: the overlapping one and the cognition
    assert facts["host"]["on_post_staff"] == 200


def test_a_missing_fact_of_a_blocking_rule_blocks(session: Session, world: PlacementWorld) -> None:
    placement = add_placement(
        session, world.positions[0], world.seniors[0], post_staff=None, post_wage=None
    )
    result = gate.evaluate(session, placement)
    missing = {b.rule: b for b in result.blocking if b.missing}
    assert {"cn2021.post_intern_cap", "cn2021.pay_below_80_percent"} <= set(missing)
    assert "post.staff" in missing["cn2021.post_intern_cap"].text("en")
    assert missing["cn2021.post_intern_cap"].severity == "block"


def test_self_found_without_a_plan_uses_the_default_rules(
    session: Session, world: PlacementWorld
) -> None:
    placement = add_placement(
        session, world.positions[0], world.seniors[0], plan_id=None, position_id=None
    )
    placement.plan = None
    result = gate.evaluate(session, placement)
    assert result.ruleset == "cn-2021"
    facts = gate.facts(session, placement)
    # No position: the same kind of post is the same title at the same host.
    assert facts["post"]["interns"] == 0
    same = add_placement(
        session, world.positions[0], world.seniors[1], plan_id=None, position_id=None
    )
    same.title = f"  {placement.title.upper()} "
    session.flush()
    assert gate.facts(session, placement)["post"]["interns"] == 1
    placement.title = ""
    session.flush()
    assert "interns" not in gate.facts(session, placement)["post"]  # no post known at all
    assert gate.INFORMED_CONSENT not in {b.rule for b in result.blocking}


def test_overrides(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    placement = add_placement(
        session, world.positions[0], world.seniors[0], end_on=date(2027, 9, 30)
    )
    with pytest.raises(PermissionDenied):
        gate.override(
            session,
            actor=world.actor("teacher"),
            placement=placement,
            rule_id="cn2021.duration",
            reason="x",
        )
    with pytest.raises(ValidationFailed) as refused:
        gate.override(
            session, actor=office, placement=placement, rule_id="cn2021.duration", reason=" "
        )
    assert refused.value.errors[0].field == "reason"
    with pytest.raises(ValidationFailed) as refused:
        gate.override(
            session,
            actor=office,
            placement=placement,
            rule_id="cn2021.no_insurance",
            reason="Coming",
        )
    assert refused.value.errors[0].field == "rule_id"
    row = gate.override(
        session, actor=office, placement=placement, rule_id="cn2021.duration", reason="Long course"
    )
    assert row.by_user_id == world.users["office"].id
    warning = gate.evaluate(session, placement).warnings[0]
    assert warning.overridden
    assert (warning.override or {})["reason"] == "Long course"
    with pytest.raises(Conflict):
        gate.override(
            session, actor=office, placement=placement, rule_id="cn2021.duration", reason="Again"
        )
    gate.revoke_override(session, actor=office, placement=placement, rule_id="cn2021.duration")
    assert not gate.evaluate(session, placement).warnings[0].overridden
    assert (placement.compliance or {})["open_warnings"] == 1
    with pytest.raises(ValidationFailed):
        gate.revoke_override(session, actor=office, placement=placement, rule_id="cn2021.duration")
    actions = [
        e.action
        for e in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "placement", AuditEntry.entity_id == str(placement.id))
            .order_by(AuditEntry.id)
        )
    ]
    assert actions == ["override", "revoke_override"]


def test_bulk_context_matches_one_by_one(session: Session, world: PlacementWorld) -> None:
    found = [
        add_placement(session, world.positions[i % 3], student)
        for i, student in enumerate(world.seniors)
    ]
    context = load_context(session, found)
    for placement in found:
        assert gate.facts_from(placement, context) == gate.facts(session, placement)
    results = gate.recheck_many(session, found)
    assert set(results) == {p.id for p in found}
    assert all(p.checked_at is not None for p in found)


def test_recheck_never_raises(session: Session, world: PlacementWorld) -> None:
    placement = add_placement(session, world.positions[0], world.seniors[0])
    placement.student_id = 999_999_999  # a broken record
    assert gate.recheck(session, placement) is None  # logged, not raised
    session.rollback()


def _ready(session: Session, world: PlacementWorld, student_index: int) -> Placement:
    placement = factory_add(session, world.positions[0], world.seniors[student_index])
    provide_documents(session, world, placement, student_actor=None)  # the signed scan
    placement_lifecycle.transition(
        session, actor=world.actor("office"), placement=placement, to="ready"
    )
    assert placement.status == "ready"
    return placement


def _demotions(session: Session, placement: Placement) -> list[AuditEntry]:
    return [
        e
        for e in session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity_type == "placement",
                AuditEntry.entity_id == str(placement.id),
                AuditEntry.action == "update",
            )
            .order_by(AuditEntry.id)
        )
        if e.changes.get("status") == ["ready", "draft"]
    ]


def test_a_ready_placement_that_no_longer_passes_is_a_draft_again(
    session: Session, world: PlacementWorld
) -> None:
    office = world.actor("office")
    # Its only policy unlinked (the insurance service re-runs the gate).
    placement = _ready(session, world, 0)
    policy = session.scalars(
        select(InsurancePolicy)
        .join(policy_placement, policy_placement.c.policy_id == InsurancePolicy.id)
        .where(policy_placement.c.placement_id == placement.id)
    ).one()
    insurance_links.unlink(session, actor=office, policy=policy, placement_ids=[placement.id])
    assert placement.status == "draft"
    entries = _demotions(session, placement)
    assert len(entries) == 1
    assert "no longer passes" in entries[0].summary
    assert entries[0].actor_label == "compliance gate"
    # Its agreement regenerated (every confirmation cleared).
    other = _ready(session, world, 1)
    tripartite.generate(session, actor=office, placement=other)
    assert other.status == "draft"
    assert [e.actor_user_id for e in _demotions(session, other)] == [world.users["office"].id]
    # A draft that fails stays a draft, with no further entry.
    gate.recheck(session, other)
    assert len(_demotions(session, other)) == 1


def test_the_daily_check_demotes_as_the_gate(session: Session, world: PlacementWorld) -> None:
    placement = _ready(session, world, 2)
    placement.night_shift = True  # a blocking fact, changed behind the services' back
    session.flush()
    gate.recheck_many(session, [placement])
    assert placement.status == "draft"
    entries = _demotions(session, placement)
    assert len(entries) == 1
    assert entries[0].actor_user_id is None  # the gate itself


def test_revoking_an_override_of_a_ready_placement(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    placement = factory_add(session, world.positions[0], world.seniors[3], end_on=date(2027, 9, 30))
    provide_documents(session, world, placement, student_actor=None)
    gate.override(
        session, actor=office, placement=placement, rule_id="cn2021.duration", reason="Long"
    )
    placement_lifecycle.transition(session, actor=office, placement=placement, to="ready")
    gate.revoke_override(session, actor=office, placement=placement, rule_id="cn2021.duration")
    assert placement.status == "draft"
    entries = list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity_type == "placement",
                AuditEntry.entity_id == str(placement.id),
                AuditEntry.action.in_(["update", "revoke_override"]),
            )
            .order_by(AuditEntry.id)
        )
    )
    assert [e.action for e in entries][-2:] == ["update", "revoke_override"]
    assert entries[-2].changes["status"] == ["ready", "draft"]


def test_checking_again_on_request_is_for_the_placements_managers(
    session: Session, world: PlacementWorld
) -> None:
    from tandem.kit.errors import PermissionDenied

    placement = add_placement(session, world.positions[0], world.seniors[0])
    placement.compliance = None
    session.flush()
    for name in ("teacher", "contact1", "student"):
        with pytest.raises(PermissionDenied):
            gate.check_now(session, actor=world.actor(name), placement=placement)
    assert placement.compliance is None
    gate.check_now(session, actor=world.actor("office"), placement=placement)
    assert placement.compliance is not None
    assert placement.checked_at is not None
