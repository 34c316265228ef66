"""The venue service: validation of every field, ownership by an enterprise of the same college,
scope (another college's venue is a 404, a contact sees only their enterprise's), rights
(coordinators: their department's), stale versions, audit, and deletion refused while
bookings, equipment or agreements refer to the venue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.dates import local_today
from tandem.kit.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from tandem.kit.forms import validate
from tandem.kit.pagination import ListParams
from tandem.resource import venues
from tandem.resource.models import AgreementResource, Venue
from tandem.resource.schemas_venues import VenueCreate, VenueUpdate
from tests.agreement.helpers import make_agreement
from tests.factories import ACTOR, make_department
from tests.partner.helpers import platform_actor
from tests.resource.test_venues_helpers import (
    World,
    book,
    make_base,
    make_venue,
    make_world,
    place_equipment,
)


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def _create(session: Session, world: World, **fields: Any) -> Venue:
    data = VenueCreate(**{"code": "B2-101", "name": "CNC workshop", "kind": "workshop", **fields})
    return venues.create_venue(session, actor=world.office(session), data=data)


def _errors(exc: ValidationFailed | Conflict) -> dict[str, str]:
    return {e.field: e.code for e in exc.errors}


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("code", "", "missing"),
        ("code", "B2 101", "invalid_code"),
        ("code", "X" * 31, "string_too_long"),
        ("name", "  ", "missing"),
        ("kind", "garage", "enum"),
        ("area_m2", "0", "greater_than"),
        ("area_m2", "-5", "greater_than"),
        ("area_m2", "1000000.01", "less_than_equal"),
        ("area_m2", "12.345", "too_many_decimals"),
        ("area_m2", "lots", "decimal_parsing"),
        ("workstations", "-1", "greater_than_equal"),
        ("workstations", "2.5", "int_parsing"),
        ("ownership", "state", "enum"),
        ("status", "demolished", "enum"),
        ("note", "x" * 1001, "string_too_long"),
    ],
)
def test_each_field_is_checked_with_its_own_message(field: str, value: str, code: str) -> None:
    payload = {"code": "B2-101", "name": "CNC workshop", "kind": "workshop", field: value}
    with pytest.raises(ValidationFailed) as caught:
        validate(VenueCreate, payload)
    error = caught.value.errors[0]
    assert (error.field, error.code) == (field, code)
    assert error.localised()
    assert "%(" not in error.localised()


def test_codes_are_trimmed_made_half_width_and_upper_cased() -> None:
    data = VenueCreate(code=" ｂ２-101 ", name="Room", kind="classroom", area_m2="80.5")
    assert data.code == "B2-101"
    assert data.area_m2 == Decimal("80.5")


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        VenueCreate.model_validate({"code": "A", "name": "A", "kind": "workshop", "colour": 1})


def test_a_new_venue_is_stored_and_audited(session: Session, world: World) -> None:
    base = make_base(session, world.college)
    venue = _create(
        session,
        world,
        building="Building 2",
        area_m2="320.50",
        workstations=24,
        department_id=world.department.id,
        base_id=base.id,
        note="Ground floor",
    )
    assert venue.college_id == world.college.id
    assert (venue.area_m2, venue.workstations, venue.base_id) == (Decimal("320.50"), 24, base.id)
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "venue", AuditEntry.entity_id == str(venue.id)
        )
    )
    assert entry is not None
    assert entry.action == "create"
    assert entry.changes["code"] == [None, "B2-101"]


def test_codes_are_unique_within_a_college_only(session: Session, world: World) -> None:
    _create(session, world)
    with pytest.raises(Conflict) as caught:
        _create(session, world, code="b2-101", name="Another")
    assert _errors(caught.value) == {"code": "duplicate"}
    assert "B2-101" in caught.value.localised()
    other = make_venue(session, world.other_college, code="B2-101")
    assert other.code == "B2-101"


def test_an_enterprise_owned_venue_names_a_partnership_of_the_college(
    session: Session, world: World
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _create(session, world, ownership="enterprise")
    assert _errors(caught.value) == {"partnership_id": "owner_required"}
    with pytest.raises(ValidationFailed) as caught:
        _create(session, world, ownership="joint", partnership_id=world.other_partnership.id)
    assert _errors(caught.value) == {"partnership_id": "unknown_record"}
    with pytest.raises(ValidationFailed) as caught:
        _create(session, world, ownership="college", partnership_id=world.partnership.id)
    assert _errors(caught.value) == {"partnership_id": "owner_not_expected"}
    venue = _create(session, world, ownership="joint", partnership_id=world.partnership.id)
    assert venues.enterprise_name(venue) == "Acme Precision"


def test_department_and_base_must_be_the_colleges(session: Session, world: World) -> None:
    other_department = make_department(session, world.other_college)
    with pytest.raises(ValidationFailed) as caught:
        _create(session, world, department_id=other_department.id)
    assert _errors(caught.value) == {"department_id": "unknown_record"}
    other_base = make_base(session, world.other_college)
    with pytest.raises(ValidationFailed) as caught:
        _create(session, world, base_id=other_base.id)
    assert _errors(caught.value) == {"base_id": "unknown_record"}
    assert session.scalars(select(Venue).where(Venue.college_id == world.college.id)).all() == []


def test_the_college_comes_from_the_writer(session: Session, world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _create(session, world, college_id=world.other_college.id)
    assert _errors(caught.value) == {"college_id": "other_college"}
    admin = platform_actor(session)
    data = VenueCreate(code="P-1", name="Lab", kind="laboratory")
    with pytest.raises(ValidationFailed) as caught:
        venues.create_venue(session, actor=admin, data=data)
    assert _errors(caught.value) == {"college_id": "unknown_record"}
    data.college_id = world.other_college.id
    assert venues.create_venue(session, actor=admin, data=data).college_id == world.other_college.id


# --- rights --------------------------------------------------------------------------------------


def test_coordinators_add_venues_to_their_own_department(session: Session, world: World) -> None:
    coordinator = world.coordinator(session)
    venue = venues.create_venue(
        session, actor=coordinator, data=VenueCreate(code="C-1", name="Lab", kind="laboratory")
    )
    assert venue.department_id == world.department.id
    with pytest.raises(PermissionDenied) as caught:
        venues.create_venue(
            session,
            actor=coordinator,
            data=VenueCreate(
                code="C-2", name="Lab", kind="laboratory", department_id=world.other_department.id
            ),
        )
    assert caught.value.code == "other_department"


@pytest.mark.parametrize("who", ["teacher", "contact"])
def test_readers_cannot_add_venues(session: Session, world: World, who: str) -> None:
    actor = world.teacher(session) if who == "teacher" else world.contact(session)
    with pytest.raises(PermissionDenied):
        venues.create_venue(
            session, actor=actor, data=VenueCreate(code="T-1", name="Lab", kind="laboratory")
        )


def test_coordinators_manage_only_their_departments_venues(session: Session, world: World) -> None:
    coordinator = world.coordinator(session)
    mine = make_venue(session, world.college, department_id=world.department.id)
    theirs = make_venue(session, world.college, department_id=world.other_department.id)
    college_wide = make_venue(session, world.college)
    venues.update_venue(session, actor=coordinator, venue=mine, data=VenueUpdate(workstations=8))
    assert mine.workstations == 8
    for venue in (theirs, college_wide):
        with pytest.raises(PermissionDenied):
            venues.update_venue(
                session, actor=coordinator, venue=venue, data=VenueUpdate(name="Mine now")
            )
    with pytest.raises(PermissionDenied):  # nor hand one over to another department
        venues.update_venue(
            session,
            actor=coordinator,
            venue=mine,
            data=VenueUpdate(department_id=world.other_department.id),
        )
    assert mine.department_id == world.department.id
    with pytest.raises(PermissionDenied):
        venues.delete_venue(session, actor=coordinator, venue=theirs)


# --- reading and scope ---------------------------------------------------------------------------


def test_another_colleges_venue_is_not_found(session: Session, world: World) -> None:
    other = make_venue(session, world.other_college)
    with pytest.raises(NotFound):
        venues.get_venue(session, actor=world.office(session), venue_id=other.id)
    assert venues.get_venue(session, actor=world.other_office(session), venue_id=other.id) is other


def test_a_contact_sees_only_their_enterprises_venues(session: Session, world: World) -> None:
    owned = make_venue(
        session, world.college, ownership="enterprise", partnership_id=world.partnership.id
    )
    joint = make_venue(
        session, world.college, ownership="joint", partnership_id=world.partnership.id
    )
    college_owned = make_venue(session, world.college)
    contact = world.contact(session)
    page = venues.list_venues(session, actor=contact, params=ListParams())
    assert {v.id for v in page.items} == {owned.id, joint.id}
    with pytest.raises(NotFound):
        venues.get_venue(session, actor=contact, venue_id=college_owned.id)


def test_the_list_searches_filters_and_sorts(session: Session, world: World) -> None:
    base = make_base(session, world.college)
    lab = make_venue(
        session,
        world.college,
        code="LAB-1",
        name="Robot lab",
        building="Innovation hall",
        kind="laboratory",
        area_m2="90",
        department_id=world.department.id,
    )
    site = make_venue(
        session,
        world.college,
        code="SIM-1",
        name="Simulated pharmacy",
        kind="simulated_site",
        area_m2="300",
        status="under_maintenance",
        ownership="enterprise",
        partnership_id=world.partnership.id,
        base_id=base.id,
    )
    make_venue(session, world.other_college, code="LAB-9", name="Robot lab B")
    office = world.office(session)

    def codes(q: str = "", sort: str = "", **filters: Any) -> list[str]:
        params = ListParams(q=q, sort=sort)
        page = venues.list_venues(
            session, actor=office, params=params, filters=venues.VenueFilter(**filters)
        )
        return [v.code for v in page.items]

    assert codes() == ["LAB-1", "SIM-1"]
    assert codes(q="robot") == ["LAB-1"]
    assert codes(q="innovation") == ["LAB-1"]
    assert codes(q="sim-") == ["SIM-1"]
    assert codes(q="100%") == []
    assert codes(kind="laboratory") == ["LAB-1"]
    assert codes(status="under_maintenance") == ["SIM-1"]
    assert codes(ownership="enterprise") == ["SIM-1"]
    assert codes(department_id=world.department.id) == ["LAB-1"]
    assert codes(base_id=base.id) == ["SIM-1"]
    assert codes(partnership_id=world.partnership.id) == ["SIM-1"]
    assert codes(sort="-area_m2") == ["SIM-1", "LAB-1"]
    with pytest.raises(ValidationFailed):
        codes(sort="colour")
    assert lab.id != site.id


def test_equipment_is_counted_per_venue(session: Session, world: World) -> None:
    venue = make_venue(session, world.college)
    empty = make_venue(session, world.college)
    place_equipment(session, venue)
    place_equipment(session, venue)
    counts = venues.equipment_counts(
        session, actor=world.office(session), venue_ids=[venue.id, empty.id]
    )
    assert counts == {venue.id: 2}
    items = venues.equipment_in(session, actor=world.office(session), venue_ids=[venue.id])
    assert len(items) == 2
    assert all(i.venue_id == venue.id for i in items)


# --- updates -------------------------------------------------------------------------------------


def test_an_update_changes_what_is_given_and_audits_it(session: Session, world: World) -> None:
    venue = make_venue(session, world.college, area_m2="50", building="Old hall")
    version = venue.version
    venues.update_venue(
        session,
        actor=world.office(session),
        venue=venue,
        data=VenueUpdate(
            name="Renamed", area_m2=None, ownership="joint", partnership_id=world.partnership.id
        ),
    )
    assert (venue.name, venue.area_m2, venue.building) == ("Renamed", None, "Old hall")
    assert venue.partnership is not None
    assert venue.partnership.id == world.partnership.id
    assert venue.version == version + 1
    entry = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "venue", AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
    )
    assert entry is not None
    assert entry.changes["area_m2"] == ["50.00", None]
    assert entry.changes["ownership"] == ["college", "joint"]


def test_a_stale_version_is_refused(session: Session, world: World) -> None:
    venue = make_venue(session, world.college)
    venues.update_venue(
        session, actor=world.office(session), venue=venue, data=VenueUpdate(workstations=3)
    )
    with pytest.raises(StaleVersion) as caught:
        venues.update_venue(
            session,
            actor=world.office(session),
            venue=venue,
            data=VenueUpdate(workstations=9, version=1),
        )
    assert caught.value.status_code == 409
    assert venue.workstations == 3


def test_a_refused_update_changes_nothing(session: Session, world: World) -> None:
    venue = make_venue(session, world.college, name="Keep me")
    make_venue(session, world.college, code="TAKEN")
    with pytest.raises(Conflict):
        venues.update_venue(
            session,
            actor=world.office(session),
            venue=venue,
            data=VenueUpdate(name="Changed", code="taken"),
        )
    assert venue.name == "Keep me"
    with pytest.raises(ValidationFailed):  # enterprise ownership needs the enterprise
        venues.update_venue(
            session, actor=world.office(session), venue=venue, data=VenueUpdate(ownership="joint")
        )
    assert venue.ownership == "college"


# --- delete --------------------------------------------------------------------------------------


def test_an_unused_venue_is_deleted_and_audited(session: Session, world: World) -> None:
    venue = make_venue(session, world.college)
    venue_id = venue.id
    venues.delete_venue(session, actor=world.office(session), venue=venue)
    assert session.get(Venue, venue_id) is None
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.entity_type == "venue", AuditEntry.action == "delete")
    )
    assert entry is not None
    assert entry.entity_id == str(venue_id)


def test_a_venue_in_use_is_closed_not_deleted(session: Session, world: World) -> None:
    booked = make_venue(session, world.college)
    book(session, booked)
    equipped = make_venue(session, world.college)
    place_equipment(session, equipped)
    linked = make_venue(session, world.college)
    agreement = make_agreement(session, world.partnership)
    session.add(
        AgreementResource(
            college_id=world.college.id,
            agreement_id=agreement.id,
            term_key="1.venue",
            venue_id=linked.id,
        )
    )
    session.flush()
    for venue, counts in ((booked, (1, 0, 0)), (equipped, (0, 1, 0)), (linked, (0, 0, 1))):
        with pytest.raises(Conflict) as caught:
            venues.delete_venue(session, actor=world.office(session), venue=venue)
        assert caught.value.code == "venue_in_use"
        use = venues.venue_use(session, venue)
        assert (use.bookings, use.equipment, use.links) == counts
        assert "Close it instead" in caught.value.localised()
        assert session.get(Venue, venue.id) is venue
    venues.update_venue(session, actor=ACTOR, venue=booked, data=VenueUpdate(status="closed"))
    assert booked.status == "closed"


def test_a_venue_with_bookings_ahead_stays_open(session: Session, world: World) -> None:
    """Closing a venue, or putting it under maintenance, would strand the bookings from today
    on: they are cancelled or moved first."""
    venue = make_venue(session, world.college)
    book(session, venue, local_today() - timedelta(days=1))  # past: no obstacle
    ahead = book(session, venue, local_today() + timedelta(days=2))
    office = world.office(session)
    for status in ("closed", "under_maintenance"):
        with pytest.raises(Conflict) as caught:
            venues.update_venue(session, actor=office, venue=venue, data=VenueUpdate(status=status))
        assert _errors(caught.value) == {"status": "has_future_bookings"}
        message = caught.value.localised()
        assert "has 1 booking(s) from today on" in message
        assert f"{ahead.day.isoformat()} 08:00–10:00 “CNC basics”" in message
        assert venue.status == "active"
    ahead.status = "cancelled"
    session.flush()
    venues.update_venue(session, actor=office, venue=venue, data=VenueUpdate(status="closed"))
    assert venue.status == "closed"
