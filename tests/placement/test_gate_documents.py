"""The issue's test: a placement blocked by each kind of missing document, released as each is
provided, then a warning overridden with a reason (audited) and the placement made ready.

A minor student (17 on the start date) in a plan that requires informed consent, with no
agreement, no consent and no insurance: each missing document is its own blocking item. They
are provided one at a time through the records' own services (agreement generated and
confirmed by the three parties, guardian consent, informed consent, a policy linked), and each
item disappears when its document is there.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict
from tandem.placement import (
    consent,
    gate,
    insurance,
    insurance_links,
    placement_lifecycle,
    tripartite,
)
from tandem.placement.models import Placement
from tandem.placement.schemas_insurance import PolicyCreate
from tests.placement.world import START, PlacementWorld

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
END = date(2027, 9, 15)  # over six months: the duration rule warns
DOCUMENTS = {
    "cn2021.no_tripartite_agreement",
    "cn2021.no_guardian_consent",
    "cn2021.no_insurance",
    gate.INFORMED_CONSENT,
}


def _placement(session: Session, world: PlacementWorld) -> Placement:
    student = world.seniors[0]  # bound to the world's student account
    student.birth_date = date(2009, 11, 2)  # 17 on the start date
    world.plan.requires_informed_consent = True
    position = world.positions[0]
    placement = Placement(
        college_id=world.college.id,
        student_id=student.id,
        plan_id=world.plan.id,
        position_id=position.id,
        partnership_id=position.partnership_id,
        enterprise_id=position.partnership.enterprise_id,
        kind=world.plan.kind,
        start_on=START,
        end_on=END,
        title=position.title,
        monthly_pay=position.monthly_pay,
        hours_per_day=position.hours_per_day,
        days_per_week=position.days_per_week,
        labour_intensity=position.labour_intensity,
        venue_category=position.venue_category,
        post_staff=position.post_staff,
        post_wage=position.post_wage,
    )
    session.add(placement)
    session.flush()
    return placement


def _blocking(session: Session, placement: Placement) -> set[str]:
    return {item.rule for item in gate.evaluate(session, placement).blocking}


def _refused_rules(error: Conflict) -> set[str]:
    return {e.code for e in error.errors}


@pytest.mark.parametrize("kind", ["post"])
def test_each_missing_document_blocks_until_provided(
    session: Session, world: PlacementWorld, kind: str
) -> None:
    office = world.actor("office")
    placement = _placement(session, world)
    found = gate.evaluate(session, placement)
    assert {b.rule for b in found.blocking} == DOCUMENTS
    assert all(b.severity == "block" for b in found.blocking)
    assert [w.rule for w in found.warnings] == ["cn2021.duration"]
    facts = gate.facts(session, placement)
    assert facts["kind"] == kind
    assert facts["student"]["guardian_consent"] is False
    assert facts["terms"]["insurance"] == []
    assert facts["terms"]["tripartite_agreement_signed"] is False
    assert facts["student"]["year_of_study"] == 3
    assert facts["host"] == {
        "on_post_staff": 200,
        "interns": 0,
        "venue_category": "manufacturing",
        "via_intermediary": False,
    }

    with pytest.raises(Conflict) as refused:
        placement_lifecycle.transition(session, actor=office, placement=placement, to="ready")
    assert _refused_rules(refused.value) == DOCUMENTS | {"cn2021.duration"}
    assert refused.value.status_code == 409
    messages = " ".join(e.localised() for e in refused.value.errors)
    assert "tripartite agreement" in messages
    assert "Provisions" in messages

    # 1. The tripartite agreement: generated, then confirmed by each party.
    tripartite.generate(session, actor=office, placement=placement)
    tripartite.confirm(session, actor=office, placement=placement)
    tripartite.confirm(session, actor=world.actor("contact1"), placement=placement)
    assert "cn2021.no_tripartite_agreement" in _blocking(session, placement)
    tripartite.confirm(session, actor=world.actor("student"), placement=placement)
    assert _blocking(session, placement) == DOCUMENTS - {"cn2021.no_tripartite_agreement"}
    # The records' services re-ran the gate and stored its result.
    stored = {
        v["rule"] for v in (placement.compliance or {})["violations"] if v["severity"] == "block"
    }
    assert stored == DOCUMENTS - {"cn2021.no_tripartite_agreement"}

    # 2. The guardian's consent.
    consent.record(
        session,
        actor=office,
        placement=placement,
        kind="guardian",
        signer_name="李四",
        relation="父亲",
        signed_on=local_today(),
        upload=("guardian.pdf", PDF),
        max_bytes=1_000_000,
    )
    assert _blocking(session, placement) == {"cn2021.no_insurance", gate.INFORMED_CONSENT}

    # 3. The informed consent the plan requires.
    consent.record(
        session,
        actor=office,
        placement=placement,
        kind="informed",
        signer_name="李四",
        relation="父亲",
        signed_on=local_today(),
        upload=("informed.pdf", PDF),
        max_bytes=1_000_000,
    )
    assert _blocking(session, placement) == {"cn2021.no_insurance"}

    # 4. Insurance: a policy that stops short still blocks; one covering the period releases.
    short = insurance.create_policy(
        session,
        actor=office,
        data=PolicyCreate(
            insurer="平安保险",
            number="PA-SHORT",
            start_on=START,
            end_on=date(2027, 6, 30),
            premium=Decimal("80"),
            paid_by="college",
        ),
    )
    insurance_links.link(session, actor=office, policy=short, placement_ids=[placement.id])
    assert _blocking(session, placement) == {"cn2021.no_insurance"}
    rest = insurance.create_policy(
        session,
        actor=office,
        data=PolicyCreate(
            insurer="平安保险",
            number="PA-REST",
            start_on=date(2027, 7, 1),
            end_on=date(2027, 12, 31),
            premium=Decimal("60"),
            paid_by="college",
        ),
    )
    insurance_links.link(session, actor=office, policy=rest, placement_ids=[placement.id])
    assert _blocking(session, placement) == set()
    assert (placement.compliance or {})["blocking"] == 0
    assert (placement.compliance or {})["open_warnings"] == 1

    # Only the warning stands in the way now.
    with pytest.raises(Conflict) as refused:
        placement_lifecycle.transition(session, actor=office, placement=placement, to="ready")
    assert _refused_rules(refused.value) == {"cn2021.duration"}

    # 5. The warning overridden, with a reason, on the record.
    gate.override(
        session,
        actor=office,
        placement=placement,
        rule_id="cn2021.duration",
        reason="The host's training programme runs 6.5 months; approved by the department.",
    )
    entry = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "placement",
            AuditEntry.entity_id == str(placement.id),
            AuditEntry.action == "override",
        )
    ).one()
    assert entry.actor_user_id == world.users["office"].id
    assert entry.changes["rule_id"] == [None, "cn2021.duration"]
    assert "6.5 months" in entry.changes["reason"][1]
    assert (placement.compliance or {})["open_warnings"] == 0
    assert (placement.compliance or {})["passes"] is True

    placement_lifecycle.transition(session, actor=office, placement=placement, to="ready")
    assert placement.status == "ready"
