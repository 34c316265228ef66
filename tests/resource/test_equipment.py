"""The equipment register's service: owners and shares, how a line came, references within the
college, rights by role, stale edits, deletion refused for booked lines, the list's search,
filters, sorts and totals, and scope. Shares are also checked as a pure rule (hypothesis)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from tandem.kit.pagination import ListParams
from tandem.resource import equipment
from tandem.resource.equipment import EquipmentFilter
from tandem.resource.kinds import Acquisition, EquipmentStatus, Ownership
from tandem.resource.models import Booking, Equipment, MaintenanceRecord
from tandem.resource.schemas_equipment import EquipmentUpdate, resolve_shares
from tests.factories import ACTOR
from tests.resource.equipment_world import World, book, build, line_data, make_line


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def _fields(error: ValidationFailed | Conflict) -> dict[str, str]:
    return {e.field: e.localised() for e in error.errors}


def _refused(session: Session, world: World, **fields: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        make_line(session, world.college, **fields)
    return _fields(caught.value)


def _audits(session: Session, line_id: int) -> list[str]:
    stmt = (
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "equipment", AuditEntry.entity_id == str(line_id))
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(stmt))


# --- adding --------------------------------------------------------------------------------------


def test_a_college_owned_line_is_recorded_with_its_audit_entry(
    session: Session, world: World
) -> None:
    line = make_line(
        session, world.college, venue_id=world.workshop.id, department_id=world.mech.id
    )
    assert (line.ownership, line.college_share_pct, line.partnership_id) == ("college", 100, None)
    assert (line.quantity, line.value_cny, line.status) == (4, Decimal("480000"), "in_use")
    assert equipment.enterprise_share(line) == 0
    assert _audits(session, line.id) == ["create"]
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "equipment", AuditEntry.entity_id == str(line.id)
        )
    )
    assert entry is not None
    assert entry.changes["asset_tag"] == [None, "ZC-0001"]


def test_joint_ownership_takes_either_share_or_both_adding_up_to_100(
    session: Session, world: World
) -> None:
    joint = {"ownership": Ownership.JOINT, "partnership_id": world.acme.id}
    by_college = make_line(session, world.college, "J-1", college_share_pct=Decimal(60), **joint)
    by_enterprise = make_line(
        session, world.college, "J-2", enterprise_share_pct=Decimal("25.5"), **joint
    )
    both = make_line(
        session,
        world.college,
        "J-3",
        college_share_pct=Decimal(70),
        enterprise_share_pct=Decimal(30),
        **joint,
    )
    assert [line.college_share_pct for line in (by_college, by_enterprise, both)] == [
        60,
        Decimal("74.5"),
        70,
    ]
    assert equipment.enterprise_share(by_enterprise) == Decimal("25.5")


def test_shares_that_do_not_add_up_are_refused_naming_the_field(
    session: Session, world: World
) -> None:
    errors = _refused(
        session,
        world,
        ownership=Ownership.JOINT,
        partnership_id=world.acme.id,
        college_share_pct=Decimal(60),
        enterprise_share_pct=Decimal(30),
    )
    assert errors == {
        "enterprise_share_pct": "The college's share and the enterprise's share must add up to "
        "100%; these add up to 90%."
    }
    assert session.scalar(select(func.count()).select_from(Equipment)) == 0


def test_joint_needs_a_share_strictly_between_0_and_100(session: Session, world: World) -> None:
    joint = {"ownership": Ownership.JOINT, "partnership_id": world.acme.id}
    assert "college_share_pct" in _refused(session, world, **joint)
    errors = _refused(session, world, college_share_pct=Decimal(100), **joint)
    assert "100% means one side owns it alone" in errors["college_share_pct"]


def test_sole_owners_have_fixed_shares(session: Session, world: World) -> None:
    errors = _refused(session, world, college_share_pct=Decimal(60))
    assert "college share of 100%" in errors["college_share_pct"]
    owned = make_line(
        session, world.college, ownership=Ownership.ENTERPRISE, partnership_id=world.bolt.id
    )
    assert owned.college_share_pct == 0
    assert equipment.enterprise_share(owned) == 100


def test_owner_enterprise_must_fit_the_ownership_and_the_college(
    session: Session, world: World
) -> None:
    needed = _refused(session, world, ownership=Ownership.ENTERPRISE)
    assert needed["partnership_id"].startswith("Equipment owned by an enterprise")
    stray = _refused(session, world, partnership_id=world.acme.id)
    assert stray["partnership_id"].startswith("Equipment the college owns alone")
    foreign = _refused(
        session,
        world,
        ownership=Ownership.ENTERPRISE,
        partnership_id=world.other_partnership.id,
    )
    assert foreign == {"partnership_id": "Choose an enterprise the college has a partnership with."}


def test_lent_equipment_needs_its_agreement_and_the_enterprise_as_owner(
    session: Session, world: World
) -> None:
    errors = _refused(session, world, acquisition=Acquisition.LENT)
    assert set(errors) == {"agreement_id", "ownership"}
    lent = make_line(
        session,
        world.college,
        acquisition=Acquisition.LENT,
        ownership=Ownership.ENTERPRISE,
        partnership_id=world.acme.id,
        agreement_id=world.acme_agreement.id,
    )
    assert (lent.acquisition, lent.agreement_id) == ("lent", world.acme_agreement.id)


def test_references_must_belong_to_the_college_and_the_owner(
    session: Session, world: World
) -> None:
    errors = _refused(
        session,
        world,
        ownership=Ownership.ENTERPRISE,
        partnership_id=world.acme.id,
        agreement_id=world.bolt_agreement.id,
        venue_id=world.other_venue.id,
        department_id=9_999_999,
        acquired_on=local_today() + timedelta(days=1),
    )
    assert set(errors) == {"agreement_id", "venue_id", "department_id", "acquired_on"}
    assert errors["agreement_id"].startswith("Agreement AG-BOLT-1 is with another enterprise")
    assert "is in the future" in errors["acquired_on"]


def test_asset_tags_are_unique_within_a_college(session: Session, world: World) -> None:
    make_line(session, world.college, "ZC-1")
    with pytest.raises(Conflict) as caught:
        make_line(session, world.college, "ZC-1", name="Another")
    assert caught.value.status_code == 409
    assert _fields(caught.value) == {
        "asset_tag": "The college's register already has the asset tag ZC-1."
    }
    assert make_line(session, world.other, "ZC-1").college_id == world.other.id


def test_platform_wide_actors_name_the_college(session: Session, world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        equipment.create_equipment(
            session, actor=ACTOR, data=line_data(world.college, college_id=None)
        )
    assert _fields(caught.value).keys() == {"college_id"}


# --- rights --------------------------------------------------------------------------------------


def test_coordinators_add_to_their_department_by_default_and_only_to_it(
    session: Session, world: World
) -> None:
    coordinator = world.actor("coordinator")
    data = line_data(world.college, college_id=None)
    line = equipment.create_equipment(session, actor=coordinator, data=data)
    assert line.department_id == world.mech.id
    with pytest.raises(PermissionDenied) as caught:
        make_line(session, world.college, "ZC-2", actor=coordinator, department_id=world.info.id)
    assert "own department" in caught.value.localised()
    with pytest.raises(PermissionDenied):
        make_line(session, world.college, "ZC-3", actor=world.actor("teacher"))
    with pytest.raises(NotFound):
        make_line(session, world.other, "ZC-4", actor=world.actor("office"))


def test_coordinators_change_only_their_department_lines(session: Session, world: World) -> None:
    coordinator = world.actor("coordinator")
    theirs = make_line(session, world.college, "M-1", department_id=world.mech.id)
    others = make_line(session, world.college, "I-1", department_id=world.info.id)
    equipment.update_equipment(
        session, actor=coordinator, equipment=theirs, data=EquipmentUpdate(name="Renamed")
    )
    assert theirs.name == "Renamed"
    with pytest.raises(PermissionDenied):
        equipment.update_equipment(
            session, actor=coordinator, equipment=others, data=EquipmentUpdate(name="No")
        )
    with pytest.raises(PermissionDenied):  # nor move theirs to another department
        equipment.update_equipment(
            session,
            actor=coordinator,
            equipment=theirs,
            data=EquipmentUpdate(department_id=world.info.id),
        )
    assert (others.name, theirs.department_id) == ("CNC lathe", world.mech.id)


# --- changing ------------------------------------------------------------------------------------


def test_update_checks_the_version_and_keeps_what_is_not_given(
    session: Session, world: World
) -> None:
    line = make_line(session, world.college)
    equipment.update_equipment(
        session,
        actor=world.actor("office"),
        equipment=line,
        data=EquipmentUpdate(status=EquipmentStatus.IDLE, value_cny=None, version=1),
    )
    assert (line.status, line.value_cny, line.quantity, line.version) == ("idle", None, 4, 2)
    with pytest.raises(StaleVersion):
        equipment.update_equipment(
            session,
            actor=world.actor("office"),
            equipment=line,
            data=EquipmentUpdate(name="Stale", version=1),
        )
    assert line.name == "CNC lathe"
    assert _audits(session, line.id) == ["create", "update"]


def test_an_update_that_changes_nothing_writes_nothing(session: Session, world: World) -> None:
    line = make_line(session, world.college)
    equipment.update_equipment(
        session,
        actor=ACTOR,
        equipment=line,
        data=EquipmentUpdate(name="CNC lathe", quantity=4, value_cny=Decimal("480000.00")),
    )
    assert line.version == 1
    assert _audits(session, line.id) == ["create"]


def test_ownership_changes_carry_the_owner_and_shares(session: Session, world: World) -> None:
    line = make_line(session, world.college)
    with pytest.raises(ValidationFailed) as caught:  # joint without a share: refused, unchanged
        equipment.update_equipment(
            session,
            actor=ACTOR,
            equipment=line,
            data=EquipmentUpdate(ownership=Ownership.JOINT, partnership_id=world.acme.id),
        )
    assert _fields(caught.value).keys() == {"college_share_pct"}
    assert (line.ownership, line.partnership_id) == ("college", None)
    equipment.update_equipment(
        session,
        actor=ACTOR,
        equipment=line,
        data=EquipmentUpdate(
            ownership=Ownership.JOINT, partnership_id=world.acme.id, enterprise_share_pct=40
        ),
    )
    assert (line.ownership, line.college_share_pct) == ("joint", 60)
    equipment.update_equipment(session, actor=ACTOR, equipment=line, data=EquipmentUpdate(note="x"))
    assert line.college_share_pct == 60  # kept while joint
    equipment.update_equipment(
        session, actor=ACTOR, equipment=line, data=EquipmentUpdate(ownership=Ownership.COLLEGE)
    )
    assert (line.ownership, line.partnership_id, line.college_share_pct) == ("college", None, 100)


def test_a_duplicate_tag_on_update_is_a_conflict(session: Session, world: World) -> None:
    make_line(session, world.college, "ZC-1")
    second = make_line(session, world.college, "ZC-2")
    with pytest.raises(Conflict):
        equipment.update_equipment(
            session, actor=ACTOR, equipment=second, data=EquipmentUpdate(asset_tag="ZC-1")
        )
    assert second.asset_tag == "ZC-2"


# --- deleting ------------------------------------------------------------------------------------


def test_a_booked_line_is_retired_not_deleted(session: Session, world: World) -> None:
    line = make_line(session, world.college)
    book(session, line)
    with pytest.raises(Conflict) as caught:
        equipment.delete_equipment(session, actor=world.actor("office"), equipment=line)
    assert caught.value.code == "has_bookings"
    assert "Retire it instead" in caught.value.localised()
    assert session.get(Equipment, line.id) is not None


def _booked(
    session: Session, line: Equipment, days: int, start: int, end: int, **fields: Any
) -> Booking:
    booking = Booking(
        college_id=line.college_id,
        equipment_id=line.id,
        purpose="teaching",
        title=fields.pop("title", "CNC practice"),
        day=local_today() + timedelta(days=days),
        start_min=start * 60,
        end_min=end * 60,
        minutes=(end - start) * 60,
        **fields,
    )
    session.add(booking)
    session.flush()
    return booking


def test_bookings_ahead_keep_the_items_and_the_line_in_service(
    session: Session, world: World
) -> None:
    """4 items, 2 + 2 booked at once tomorrow from 09:00: lowering the quantity to 3, or taking
    the line out of service, would break bookings; past and cancelled ones do not count."""
    line = make_line(session, world.college)
    assert line.quantity == 4
    first = _booked(session, line, 1, 8, 10, units=2, title="Turning")
    _booked(session, line, 1, 9, 11, units=2, title="Milling")
    _booked(session, line, 2, 8, 9, units=1)
    _booked(session, line, -1, 8, 9, units=4)  # yesterday
    _booked(session, line, 3, 8, 9, units=4, status="cancelled")
    office = world.actor("office")
    with pytest.raises(Conflict) as fewer:
        equipment.update_equipment(
            session, actor=office, equipment=line, data=EquipmentUpdate(quantity=3)
        )
    assert fewer.value.code == "booked_units"
    message = _fields(fewer.value)["quantity"]
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    assert message.startswith("2 booking(s) of ZC-0001")
    assert f"{tomorrow} 08:00–10:00 “Turning”; {tomorrow} 09:00–11:00 “Milling”" in message
    assert "Cancel or move them first" in message
    assert line.quantity == 4
    for status in (EquipmentStatus.RETIRED, EquipmentStatus.MAINTENANCE):
        with pytest.raises(Conflict) as out:
            equipment.update_equipment(
                session, actor=office, equipment=line, data=EquipmentUpdate(status=status)
            )
        assert out.value.code == "has_future_bookings"
        assert "has 3 booking(s) from today on" in _fields(out.value)["status"]
    assert line.status == EquipmentStatus.IN_USE
    equipment.update_equipment(
        session, actor=office, equipment=line, data=EquipmentUpdate(status="idle", quantity=5)
    )
    first.status = "cancelled"
    session.flush()
    equipment.update_equipment(
        session, actor=office, equipment=line, data=EquipmentUpdate(quantity=2)
    )
    assert line.quantity == 2
    for booking in session.scalars(select(Booking).where(Booking.equipment_id == line.id)):
        booking.status = "cancelled"
    session.flush()
    equipment.update_equipment(
        session, actor=office, equipment=line, data=EquipmentUpdate(status="retired", quantity=1)
    )
    assert (line.status, line.quantity) == ("retired", 1)


def test_deleting_takes_the_maintenance_records_along(session: Session, world: World) -> None:
    line = make_line(session, world.college)
    session.add(
        MaintenanceRecord(
            college_id=line.college_id, equipment_id=line.id, done_on=local_today(), kind="repair"
        )
    )
    session.flush()
    line_id = line.id
    with pytest.raises(PermissionDenied):
        equipment.delete_equipment(session, actor=world.actor("teacher"), equipment=line)
    equipment.delete_equipment(session, actor=world.actor("office"), equipment=line)
    assert session.get(Equipment, line_id) is None
    assert session.scalar(select(func.count()).select_from(MaintenanceRecord)) == 0
    assert _audits(session, line_id) == ["create", "delete"]


# --- the list ------------------------------------------------------------------------------------


@pytest.fixture
def register(session: Session, world: World) -> dict[str, Equipment]:
    lines = {
        "lathe": make_line(
            session,
            world.college,
            "ZC-001",
            venue_id=world.workshop.id,
            department_id=world.mech.id,
        ),
        "robot": make_line(
            session,
            world.college,
            "ZC-002",
            name="Collaborative robot",
            model="UR5e",
            maker="Universal Robots",
            category="Robots",
            quantity=2,
            value_cny=Decimal("300000.50"),
            ownership=Ownership.JOINT,
            partnership_id=world.acme.id,
            college_share_pct=50,
            venue_id=world.lab.id,
        ),
        "scope": make_line(
            session,
            world.college,
            "ZC-003",
            name="Oscilloscope",
            model="DS1054Z",
            maker="Rigol",
            category="Instruments",
            quantity=10,
            value_cny=None,
            status=EquipmentStatus.IDLE,
            acquisition=Acquisition.DONATED,
            department_id=world.info.id,
        ),
        "far": make_line(session, world.other, "ZC-001", name="Far lathe"),
    }
    return lines


def _tags(session: Session, actor: Any, q: str = "", sort: str = "", **filters: Any) -> list[str]:
    page = equipment.list_equipment(
        session,
        actor=actor,
        params=ListParams(q=q, sort=sort),
        filters=EquipmentFilter(**filters),
    )
    return [e.asset_tag for e in page.items]


def test_the_list_searches_filters_and_sorts(
    session: Session, world: World, register: dict[str, Equipment]
) -> None:
    office = world.actor("office")
    assert _tags(session, office) == ["ZC-001", "ZC-002", "ZC-003"]
    assert _tags(session, office, q="universal") == ["ZC-002"]
    assert _tags(session, office, q="ck6140") == ["ZC-001"]
    assert _tags(session, office, category="Instruments") == ["ZC-003"]
    assert _tags(session, office, status="idle") == ["ZC-003"]
    assert _tags(session, office, ownership="joint") == ["ZC-002"]
    assert _tags(session, office, acquisition="donated") == ["ZC-003"]
    assert _tags(session, office, base_id=world.base.id) == ["ZC-001"]
    assert _tags(session, office, venue_id=world.lab.id) == ["ZC-002"]
    assert _tags(session, office, department_id=world.info.id) == ["ZC-003"]
    assert _tags(session, office, partnership_id=world.acme.id) == ["ZC-002"]
    assert _tags(session, office, sort="-quantity") == ["ZC-003", "ZC-001", "ZC-002"]
    assert _tags(session, office, sort="name") == ["ZC-001", "ZC-002", "ZC-003"]
    with pytest.raises(ValidationFailed):
        _tags(session, office, sort="secret_column")


def test_totals_cover_every_matching_line(
    session: Session, world: World, register: dict[str, Equipment]
) -> None:
    office = world.actor("office")
    sums = equipment.totals(session, actor=office)
    assert (sums.lines, sums.quantity, sums.value_cny) == (3, 16, Decimal("780000.50"))
    narrowed = equipment.totals(session, actor=office, q="lathe")
    assert (narrowed.lines, narrowed.quantity, narrowed.value_cny) == (1, 4, Decimal("480000.00"))
    assert equipment.categories(session, actor=office) == [
        "CNC machine tools",
        "Instruments",
        "Robots",
    ]


def test_scope_each_sees_their_own(
    session: Session, world: World, register: dict[str, Equipment]
) -> None:
    assert _tags(session, world.actor("contact")) == ["ZC-002"]  # its enterprise's line only
    assert _tags(session, world.actor("other_office")) == ["ZC-001"]
    assert sorted(_tags(session, ACTOR)) == ["ZC-001", "ZC-001", "ZC-002", "ZC-003"]
    with pytest.raises(NotFound):
        equipment.get_equipment(
            session, actor=world.actor("office"), equipment_id=register["far"].id
        )
    with pytest.raises(NotFound):
        equipment.get_equipment(
            session, actor=world.actor("contact"), equipment_id=register["lathe"].id
        )


# --- shares as a pure rule -----------------------------------------------------------------------

percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@given(college=percent, enterprise=percent)
def test_two_shares_are_accepted_exactly_when_they_add_up_to_100(
    college: Decimal, enterprise: Decimal
) -> None:
    if college + enterprise == 100 and 0 < college < 100:
        assert resolve_shares(Ownership.JOINT, college, enterprise) == college
    else:
        with pytest.raises(ValidationFailed) as caught:
            resolve_shares(Ownership.JOINT, college, enterprise)
        wrong_sum = college + enterprise != 100
        assert caught.value.errors[0].field == (
            "enterprise_share_pct" if wrong_sum else "college_share_pct"
        )


@given(share=percent, current=st.one_of(st.none(), percent))
def test_one_share_decides_and_sole_owners_are_fixed(
    share: Decimal, current: Decimal | None
) -> None:
    if 0 < share < 100:
        assert resolve_shares(Ownership.JOINT, share, None, current) == share
        assert resolve_shares(Ownership.JOINT, None, share, current) == 100 - share
    assert resolve_shares(Ownership.COLLEGE, None, None, current) == 100
    assert resolve_shares(Ownership.ENTERPRISE, None, None, current) == 0
    kept = resolve_shares(Ownership.JOINT, None, None, Decimal(30))
    assert kept == 30
