"""Placements for helper P's tests: a draft placement at one of the world's positions with the
position's terms copied (as a published round makes them), and the documents that release the
gate (agreement confirmed by the three parties, consents, a policy), through their services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from tandem.kit.dates import local_today
from tandem.people.models import Student
from tandem.placement import consent, insurance, insurance_links, tripartite
from tandem.placement.models import Placement, Position
from tandem.placement.schemas_insurance import PolicyCreate
from tests.placement.world import PlacementWorld

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_numbers = count(1)


def add_placement(
    session: Session, position: Position, student: Student, **fields: Any
) -> Placement:
    plan = position.plan
    values: dict[str, Any] = {
        "college_id": position.college_id,
        "student_id": student.id,
        "plan_id": plan.id,
        "position_id": position.id,
        "partnership_id": position.partnership_id,
        "enterprise_id": position.partnership.enterprise_id,
        "kind": plan.kind,
        "start_on": plan.term_start,
        "end_on": plan.term_end,
        "title": position.title,
        "monthly_pay": position.monthly_pay,
        "hours_per_day": position.hours_per_day,
        "days_per_week": position.days_per_week,
        "labour_intensity": position.labour_intensity,
        "venue_category": position.venue_category,
        "post_staff": position.post_staff,
        "post_wage": position.post_wage,
    }
    values.update(fields)
    placement = Placement(**values)
    session.add(placement)
    session.flush()
    return placement


def provide_documents(
    session: Session,
    world: PlacementWorld,
    placement: Placement,
    *,
    student_actor: str | None = "student",
) -> None:
    """The agreement (confirmed by the college, the host and the student), the guardian's
    consent and a policy covering the period (and beyond)."""
    office = world.actor("office")
    tripartite.generate(session, actor=office, placement=placement)
    if student_actor is None:  # a student without an account: the signed paper copy
        tripartite.upload_scan(
            session,
            actor=office,
            placement=placement,
            filename="agreement.pdf",
            content=PDF,
            max_bytes=1_000_000,
        )
    else:
        tripartite.confirm(session, actor=office, placement=placement)
        host = "contact1" if placement.enterprise_id == world.enterprises[0].id else "contact2"
        tripartite.confirm(session, actor=world.actor(host), placement=placement)
        tripartite.confirm(session, actor=world.actor(student_actor), placement=placement)
    for kind in ("guardian", "informed"):
        consent.record(
            session,
            actor=office,
            placement=placement,
            kind=kind,
            signer_name="李四",
            relation="父亲",
            signed_on=local_today(),
            upload=(f"{kind}.pdf", PDF),
            max_bytes=1_000_000,
        )
    cover(session, world, placement, placement.start_on, date(placement.end_on.year + 1, 1, 31))


def cover(
    session: Session, world: PlacementWorld, placement: Placement, start: date, end: date
) -> None:
    office = world.actor("office")
    policy = insurance.create_policy(
        session,
        actor=office,
        data=PolicyCreate(
            insurer="平安保险",
            number=f"PF-{next(_numbers):05d}",
            start_on=start,
            end_on=end,
            premium=Decimal("80"),
            paid_by="college",
        ),
    )
    insurance_links.link(session, actor=office, policy=policy, placement_ids=[placement.id])
