"""The training-base service: the authority fields and their checks (host off campus, an
agreement of the host, founding date, majors of the college), scope (a contact sees the bases
their enterprise hosts), rights, stale versions, the figures of venues and equipment, audit, and
deletion refused while venues belong to the base."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
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
from tandem.people import service as people_service
from tandem.resource import bases, venues
from tandem.resource.models import TrainingBase
from tandem.resource.schemas_bases import BaseCreate, BaseUpdate
from tandem.resource.schemas_venues import VenueUpdate
from tests.agreement.helpers import make_agreement, partnership_for
from tests.factories import ACTOR
from tests.people.builders import make_major
from tests.resource.test_venues_helpers import (
    World,
    make_base,
    make_venue,
    make_world,
    place_equipment,
)


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def _create(session: Session, world: World, **fields: Any) -> TrainingBase:
    values: dict[str, Any] = {
        "code": "HB-1",
        "name": "Acme host base",
        "kind": "off_campus",
        "partnership_id": world.partnership.id,
        **fields,
    }
    return bases.create_base(session, actor=world.office(session), data=BaseCreate(**values))


def _codes(exc: ValidationFailed | Conflict) -> dict[str, str]:
    return {e.field: e.code for e in exc.errors}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("code", "", "missing"),
        ("code", "A B", "invalid_code"),
        ("name", "", "missing"),
        ("kind", "floating", "enum"),
        ("founded_on", "2024-02-30", "date_from_datetime_parsing"),
        ("workstations", "-1", "greater_than_equal"),
        ("host_staff_on_post", "-3", "greater_than_equal"),
        ("intern_subsidy_cny", "-1", "greater_than_equal"),
        ("intern_subsidy_cny", "100.005", "too_many_decimals"),
        ("college_funding_per_student_cny", "abc", "decimal_parsing"),
        ("lodging", "maybe", "bool_parsing"),
        ("major_ids", "1, x", "int_parsing"),
        ("projects", "p" * 1001, "string_too_long"),
        ("address", "a" * 301, "string_too_long"),
        ("status", "open", "enum"),
    ],
)
def test_each_field_is_checked_with_its_own_message(field: str, value: str, code: str) -> None:
    payload = {"code": "HB-1", "name": "Base", "kind": "on_campus", field: value}
    with pytest.raises(ValidationFailed) as caught:
        validate(BaseCreate, payload)
    error = caught.value.errors[0]
    assert (error.field.split(".")[0], error.code) == (field, code)
    assert "%(" not in error.localised()


def test_the_founding_date_is_not_in_the_future() -> None:
    tomorrow = local_today() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        validate(
            BaseCreate, {"code": "A", "name": "A", "kind": "on_campus", "founded_on": tomorrow}
        )
    assert _codes(caught.value) == {"founded_on": "date_in_future"}
    data = validate(
        BaseCreate, {"code": "A", "name": "A", "kind": "on_campus", "founded_on": local_today()}
    )
    assert data.founded_on == local_today()


def test_major_ids_come_as_a_list_or_text_without_repeats() -> None:
    data = validate(
        BaseCreate, {"code": "A", "name": "A", "kind": "on_campus", "major_ids": "3, 5，3"}
    )
    assert data.major_ids == [3, 5]


def test_a_base_is_stored_with_its_majors_and_audited(session: Session, world: World) -> None:
    first = make_major(session, world.college, world.department, code="CNC")
    second = make_major(session, world.college, world.department, code="MECH")
    agreement = make_agreement(session, world.partnership)
    base = _create(
        session,
        world,
        agreement_id=agreement.id,
        department_id=world.department.id,
        address="8 Harbour Road",
        founded_on="2019-09-01",
        workstations=40,
        host_staff_on_post=820,
        projects="CNC machining; assembly",
        lodging=True,
        intern_subsidy_cny="2400",
        college_funding_per_student_cny="350.50",
        major_ids=[second.id, first.id],
    )
    assert [m.code for m in base.majors] == ["CNC", "MECH"]
    assert base.intern_subsidy_cny == Decimal("2400.00")
    assert (base.host_staff_on_post, base.lodging) == (820, True)
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "training_base", AuditEntry.action == "create"
        )
    )
    assert entry is not None
    assert entry.changes["majors"] == [None, ["CNC", "MECH"]]
    assert entry.college_id == world.college.id


def test_an_off_campus_base_needs_its_host(session: Session, world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _create(session, world, partnership_id=None)
    assert _codes(caught.value) == {"partnership_id": "host_required"}
    on_campus = _create(session, world, kind="on_campus", partnership_id=None)
    assert on_campus.partnership_id is None
    with pytest.raises(ValidationFailed) as caught:
        _create(session, world, code="HB-2", partnership_id=world.other_partnership.id)
    assert _codes(caught.value) == {"partnership_id": "unknown_record"}


def test_the_agreement_is_the_hosts_in_the_same_college(session: Session, world: World) -> None:
    another_partner = partnership_for(session, world.college)
    theirs = make_agreement(session, another_partner)
    with pytest.raises(ValidationFailed) as caught:
        _create(session, world, agreement_id=theirs.id)
    assert _codes(caught.value) == {"agreement_id": "other_partnership"}
    other_college = make_agreement(session, world.other_partnership)
    with pytest.raises(ValidationFailed) as caught:
        _create(
            session, world, kind="on_campus", partnership_id=None, agreement_id=other_college.id
        )
    assert _codes(caught.value) == {"agreement_id": "unknown_record"}
    on_campus = _create(
        session, world, kind="on_campus", partnership_id=None, agreement_id=theirs.id
    )
    assert on_campus.agreement_id == theirs.id


def test_majors_are_the_colleges_and_not_archived(session: Session, world: World) -> None:
    kept = make_major(session, world.college, world.department)
    archived = make_major(session, world.college, world.department)
    people_service.archive_major(session, actor=ACTOR, major=archived)
    foreign = make_major(session, world.other_college)
    with pytest.raises(ValidationFailed) as caught:
        _create(session, world, major_ids=[kept.id, archived.id, foreign.id])
    assert _codes(caught.value) == {"major_ids": "unknown_record"}
    message = caught.value.errors[0].localised()
    assert str(archived.id) in message
    assert str(foreign.id) in message
    assert str(kept.id) not in message.split("archived:")[1]


def test_codes_are_unique_in_the_college(session: Session, world: World) -> None:
    _create(session, world)
    with pytest.raises(Conflict) as caught:
        _create(session, world, code="hb-1")
    assert _codes(caught.value) == {"code": "duplicate"}
    assert make_base(session, world.other_college, code="HB-1").code == "HB-1"


def test_rights(session: Session, world: World) -> None:
    coordinator = world.coordinator(session)
    mine = bases.create_base(
        session, actor=coordinator, data=BaseCreate(code="C-1", name="Mine", kind="on_campus")
    )
    assert mine.department_id == world.department.id
    theirs = make_base(session, world.college, department_id=world.other_department.id)
    with pytest.raises(PermissionDenied):
        bases.update_base(session, actor=coordinator, base=theirs, data=BaseUpdate(name="X"))
    for actor in (world.teacher(session), world.contact(session)):
        with pytest.raises(PermissionDenied):
            bases.create_base(
                session, actor=actor, data=BaseCreate(code="T-1", name="T", kind="on_campus")
            )


def test_scope(session: Session, world: World) -> None:
    hosted = _create(session, world)
    campus = make_base(session, world.college)
    other = make_base(session, world.other_college)
    contact = world.contact(session)
    assert [b.id for b in bases.list_bases(session, actor=contact, params=ListParams()).items] == [
        hosted.id
    ]
    with pytest.raises(NotFound):
        bases.get_base(session, actor=contact, base_id=campus.id)
    with pytest.raises(NotFound):
        bases.get_base(session, actor=world.office(session), base_id=other.id)


def test_the_list_searches_filters_and_sorts(session: Session, world: World) -> None:
    hosted = _create(session, world, founded_on="2020-01-01", department_id=world.department.id)
    campus = make_base(
        session,
        world.college,
        code="CAMPUS",
        name="Campus factory",
        address="North gate",
        founded_on="2018-05-01",
        status="closed",
    )
    office = world.office(session)

    def codes(q: str = "", sort: str = "", **filters: Any) -> list[str]:
        page = bases.list_bases(
            session,
            actor=office,
            params=ListParams(q=q, sort=sort),
            filters=bases.BaseFilter(**filters),
        )
        return [b.code for b in page.items]

    assert codes() == ["CAMPUS", "HB-1"]
    assert codes(q="acme precision") == ["HB-1"]  # the host's name
    assert codes(q="north") == ["CAMPUS"]
    assert codes(kind="off_campus") == ["HB-1"]
    assert codes(status="closed") == ["CAMPUS"]
    assert codes(department_id=world.department.id) == ["HB-1"]
    assert codes(partnership_id=world.partnership.id) == ["HB-1"]
    assert codes(sort="-founded_on") == ["HB-1", "CAMPUS"]
    assert hosted.id != campus.id


def test_the_figures_of_venues_and_equipment(session: Session, world: World) -> None:
    base = _create(session, world)
    first = make_venue(session, world.college, base_id=base.id, workstations=10, area_m2="100.5")
    second = make_venue(session, world.college, base_id=base.id, workstations=6, area_m2="20")
    make_venue(session, world.college, workstations=99)  # not in the base
    place_equipment(session, first, value_cny=Decimal("150000.00"))
    place_equipment(session, second, value_cny=Decimal("25000.50"))
    place_equipment(session, second, value_cny=None)
    place_equipment(session, second, value_cny=Decimal("9999"), status="retired")
    stats = bases.base_stats(session, actor=world.office(session), base_ids=[base.id])[base.id]
    assert stats.venues == 2
    assert stats.venue_workstations == 16
    assert stats.area_m2 == Decimal("120.5")
    assert stats.equipment_value_cny == Decimal("175000.50")


def test_an_update_replaces_majors_and_a_stale_one_is_refused(
    session: Session, world: World
) -> None:
    first = make_major(session, world.college, world.department)
    second = make_major(session, world.college, world.department)
    base = _create(session, world, major_ids=[first.id])
    office = world.office(session)
    bases.update_base(
        session,
        actor=office,
        base=base,
        data=BaseUpdate(major_ids=[second.id], lodging=True, version=1),
    )
    assert [m.id for m in base.majors] == [second.id]
    assert base.lodging is True
    with pytest.raises(StaleVersion):
        bases.update_base(session, actor=office, base=base, data=BaseUpdate(name="X", version=1))
    with pytest.raises(ValidationFailed):  # clearing the host of an off-campus base
        bases.update_base(session, actor=office, base=base, data=BaseUpdate(partnership_id=None))
    assert base.partnership_id == world.partnership.id
    assert base.name == "Acme host base"
    bases.update_base(
        session,
        actor=office,
        base=base,
        data=BaseUpdate(kind="on_campus", partnership_id=None, intern_subsidy_cny=None),
    )
    assert (base.kind, base.partnership) == ("on_campus", None)


def test_delete_is_refused_while_venues_belong_to_the_base(session: Session, world: World) -> None:
    base = _create(session, world)
    venue = make_venue(session, world.college, base_id=base.id)
    office = world.office(session)
    with pytest.raises(Conflict) as caught:
        bases.delete_base(session, actor=office, base=base)
    assert caught.value.code == "base_in_use"
    assert "venues: 1;" in caught.value.localised()
    venues.update_venue(session, actor=office, venue=venue, data=VenueUpdate(base_id=None))
    base_id = base.id
    bases.delete_base(session, actor=office, base=base)
    assert session.get(TrainingBase, base_id) is None
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "training_base", AuditEntry.action == "delete"
        )
    )
    assert entry is not None
    assert entry.entity_id == str(base_id)
