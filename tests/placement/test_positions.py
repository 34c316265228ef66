"""The position service: adding for a host of the plan's college (a contact only for their own
enterprise), publishing after the pre-check (a blocking rule refuses with the rules named; a
warning is stored), re-checking a published position's changes, the phases that allow it,
withdrawing with a reason (not once students are placed there) and the caps in words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.errors import Conflict, PermissionDenied, ValidationFailed
from tandem.kit.pagination import ListParams
from tandem.placement import positions
from tandem.placement.capacity import plan_caps
from tandem.placement.core.caps import cap
from tandem.placement.kinds import PositionStatus
from tandem.placement.models import AllocationRound, Preference, RoundAssignment
from tandem.placement.schemas_positions import PositionCreate, PositionUpdate
from tests.factories import bearer
from tests.partner.helpers import make_enterprise, make_partnership
from tests.placement.world import PlacementWorld


def _data(world: PlacementWorld, host: int = 0, **fields: Any) -> PositionCreate:
    values: dict[str, Any] = {
        "partnership_id": world.hosts[host].id,
        "title": "CNC operator",
        "seats": 4,
        "monthly_pay": Decimal("4500"),
        "hours_per_day": Decimal("8"),
        "days_per_week": Decimal("5"),
        "labour_intensity": 2,
        "venue_category": "manufacturing",
        "post_staff": 50,
        "post_wage": Decimal("5200"),
        "major_ids": [world.major.id],
    }
    return PositionCreate(**(values | fields))


def test_the_office_adds_a_position_for_a_host(session: Session, world: PlacementWorld) -> None:
    position = positions.create_position(
        session, actor=world.actor("office"), plan=world.plan, data=_data(world)
    )
    assert position.status == PositionStatus.DRAFT
    assert position.compliance is None
    assert [m.id for m in position.majors] == [world.major.id]


def test_a_contact_adds_only_for_their_own_enterprise(
    session: Session, world: PlacementWorld
) -> None:
    contact = world.actor("contact1")
    own = positions.create_position(session, actor=contact, plan=world.plan, data=_data(world))
    assert own.partnership_id == world.hosts[0].id
    with pytest.raises(PermissionDenied):
        positions.create_position(session, actor=contact, plan=world.plan, data=_data(world, 1))
    assert positions.host_options(session, actor=contact, plan=world.plan) == [
        (world.hosts[0].id, world.enterprises[0].name)
    ]
    assert len(positions.host_options(session, actor=world.actor("office"), plan=world.plan)) == 2


def test_a_host_of_another_college_or_ended_is_refused(
    session: Session, world: PlacementWorld
) -> None:
    other = world.other_position.partnership_id
    with pytest.raises(ValidationFailed) as caught:
        positions.create_position(
            session,
            actor=world.actor("office"),
            plan=world.plan,
            data=_data(world, partnership_id=other),
        )
    assert caught.value.errors[0].field == "partnership_id"
    ended = make_partnership(session, world.college, make_enterprise(session))
    ended.status = "ended"
    session.flush()
    with pytest.raises(ValidationFailed):
        positions.create_position(
            session,
            actor=world.actor("office"),
            plan=world.plan,
            data=_data(world, partnership_id=ended.id),
        )
    assert ended.id not in dict(
        positions.host_options(session, actor=world.actor("office"), plan=world.plan)
    )


def test_publishing_stores_the_check_and_warnings(session: Session, world: PlacementWorld) -> None:
    position = positions.create_position(
        session, actor=world.actor("office"), plan=world.plan, data=_data(world, monthly_pay=None)
    )
    positions.publish_position(session, actor=world.actor("office"), position=position)
    assert position.status == PositionStatus.PUBLISHED
    assert position.published_at is not None
    assert position.compliance is not None
    assert position.compliance["ok"] is True
    warned = [v["rule"] for v in position.compliance["violations"]]
    assert warned == ["cn2021.pay_below_80_percent"]  # pay missing: a warning, not a pass
    assert position.compliance["violations"][0]["severity"] == "warn"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "publish"))
    assert entry is not None
    assert entry.entity_id == str(position.id)


def test_a_blocking_rule_refuses_publishing_naming_rule_and_source(
    session: Session, world: PlacementWorld
) -> None:
    position = positions.create_position(
        session,
        actor=world.actor("contact1"),
        plan=world.plan,
        data=_data(world, monthly_pay=Decimal("3000"), night_shift=True),
    )
    with pytest.raises(ValidationFailed) as caught:
        positions.publish_position(session, actor=world.actor("contact1"), position=position)
    error = caught.value
    assert error.code == "compliance_blocked"
    assert error.status_code == 422
    assert [e.code for e in error.errors] == ["cn2021.pay_below_80_percent", "cn2021.night_shift"]
    text = error.localised()
    assert "80%" in text
    assert "Art. 18" in text
    assert "night shifts" in text
    assert position.status == PositionStatus.DRAFT


def test_publishing_only_in_its_phases(session: Session, world: PlacementWorld) -> None:
    position = positions.create_position(
        session, actor=world.actor("office"), plan=world.plan, data=_data(world)
    )
    world.plan.phase = "draft"
    with pytest.raises(Conflict) as caught:
        positions.publish_position(session, actor=world.actor("office"), position=position)
    assert caught.value.code == "plan_phase"
    world.plan.phase = "allocation"
    with pytest.raises(Conflict):
        positions.update_position(
            session, actor=world.actor("office"), position=position, data=PositionUpdate(seats=1)
        )


def test_a_published_position_is_checked_again_when_changed(
    session: Session, world: PlacementWorld
) -> None:
    position = world.positions[0]
    contact = world.actor("contact1")
    positions.update_position(
        session, actor=contact, position=position, data=PositionUpdate(location="Foshan")
    )
    assert position.compliance is not None
    assert position.compliance["ok"] is True
    with pytest.raises(ValidationFailed) as caught:
        positions.update_position(
            session, actor=contact, position=position, data=PositionUpdate(labour_intensity=3)
        )
    assert [e.code for e in caught.value.errors] == ["cn2021.labour_intensity"]
    with pytest.raises(PermissionDenied):
        positions.update_position(
            session,
            actor=world.actor("contact2"),
            position=position,
            data=PositionUpdate(location="X"),
        )


def _listed(session: Session, world: PlacementWorld, position: int) -> None:
    """Senior 0 lists the position (the plan is in student ranking)."""
    world.plan.phase = "student_ranking"
    session.add(
        Preference(
            college_id=world.college.id,
            plan_id=world.plan.id,
            student_id=world.seniors[0].id,
            position_id=world.positions[position].id,
            rank=1,
        )
    )
    session.flush()


def test_once_listed_the_host_and_majors_are_fixed(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    listed, free = world.positions[0], world.positions[1]
    _listed(session, world, 0)
    for data in (
        PositionUpdate(major_ids=[world.other_major.id]),
        PositionUpdate(partnership_id=world.hosts[1].id, title="Moved"),
    ):
        with pytest.raises(Conflict) as caught:
            positions.update_position(session, actor=office, position=listed, data=data)
        assert caught.value.code == "position_listed"
        assert "Students have listed this position (1)" in caught.value.localised()
    assert (listed.partnership_id, listed.majors) == (world.hosts[0].id, [])
    assert listed.title != "Moved"
    # Other changes, and the same host and majors sent again (as the form does), go through.
    positions.update_position(
        session,
        actor=office,
        position=listed,
        data=PositionUpdate(
            title="Night technician", seats=3, partnership_id=world.hosts[0].id, major_ids=[]
        ),
    )
    assert (listed.title, listed.seats) == ("Night technician", 3)
    # A position nobody listed may still change its majors and host.
    positions.update_position(
        session,
        actor=office,
        position=free,
        data=PositionUpdate(major_ids=[world.major.id], partnership_id=world.hosts[1].id),
    )
    assert [m.id for m in free.majors] == [world.major.id]
    assert free.partnership_id == world.hosts[1].id


def test_the_api_refuses_new_majors_once_listed(
    app: FastAPI, session: Session, world: PlacementWorld
) -> None:
    _listed(session, world, 0)
    contact = TestClient(
        app, headers={"Accept-Language": "en", **bearer(session, world.users["contact1"])}
    )
    one = f"/api/v1/positions/{world.positions[0].id}"
    refused = contact.patch(one, json={"major_ids": [world.major.id]})
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == "position_listed"
    assert [e["field"] for e in body["errors"]] == ["major_ids"]
    assert "its host and its required majors can no longer be changed" in body["detail"]
    changed = contact.patch(one, json={"location": "Foshan"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["location"] == "Foshan"


def test_withdrawing_needs_no_students_placed(session: Session, world: PlacementWorld) -> None:
    office = world.actor("office")
    free, taken = world.positions[0], world.positions[1]
    positions.withdraw_position(session, actor=office, position=free, reason="Post cancelled")
    assert free.status == PositionStatus.WITHDRAWN
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "withdraw"))
    assert entry is not None
    assert entry.changes["reason"] == [None, "Post cancelled"]
    with pytest.raises(Conflict):
        positions.withdraw_position(session, actor=office, position=free, reason="again")
    found = AllocationRound(
        college_id=world.college.id, plan_id=world.plan.id, number=1, status="published"
    )
    session.add(found)
    session.flush()
    session.add(
        RoundAssignment(
            college_id=world.college.id,
            round_id=found.id,
            student_id=world.seniors[0].id,
            position_id=taken.id,
        )
    )
    session.flush()
    with pytest.raises(Conflict) as caught:
        positions.withdraw_position(session, actor=office, position=taken, reason="late")
    assert caught.value.code == "position_placed"


def test_the_list_filters_and_scopes(session: Session, world: PlacementWorld) -> None:
    params = ListParams()
    office = positions.list_positions(
        session, actor=world.actor("office"), plan=world.plan, params=params
    )
    assert office.total == 3
    contact = positions.list_positions(
        session, actor=world.actor("contact2"), plan=world.plan, params=params
    )
    assert [p.id for p in contact.items] == [world.positions[2].id]
    world.positions[0].status = "draft"
    session.flush()
    student = positions.list_positions(
        session, actor=world.actor("student"), plan=world.plan, params=params
    )
    assert world.positions[0].id not in [p.id for p in student.items]
    by_host = positions.list_positions(
        session,
        actor=world.actor("office"),
        plan=world.plan,
        params=params,
        filters=positions.PositionFilter(partnership_id=world.hosts[1].id),
    )
    assert [p.id for p in by_host.items] == [world.positions[2].id]


def test_caps_are_explained_in_words(session: Session, world: PlacementWorld) -> None:
    world.positions[2].seats = 5
    session.flush()
    caps = plan_caps(session, world.plan)
    host2 = caps.hosts[world.hosts[1].id]
    assert positions.explain(host2, host=True) == (
        "3 of 5 seats: 10 % of 30 on-post staff, 0 other interns"
    )
    assert positions.explain(cap(2, 5, 20), host=False) == (
        "1 of 2 seats: 20 % of 5 staff in the post"
    )
    assert "seats offered bind" in positions.explain(cap(2, 40, 20), host=False)
    assert "not entered" in positions.explain(cap(2, None, 20), host=False)
    assert "no staff share" in positions.explain(cap(2, None, None), host=True)
