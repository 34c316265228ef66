"""The free-slot search through the service: only inside the open hours, every resource free at
once, the range starting today at the earliest, and clear refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, NotFound, ValidationFailed
from tandem.resource import workcal
from tandem.resource.free_slots import MAX_RANGE_DAYS, SlotSearch, find_free_slots
from tandem.resource.schemas_workcal import CalendarUpdate, HolidayCreate
from tests.factories import make_college
from tests.resource.booking_world import SYSTEM, World, book, build_world, make_venue, next_weekday


@pytest.fixture
def world(session: Session) -> World:
    world = build_world(session, open_every_day=False)
    hours = {str(d): ["08:00", "12:00"] for d in range(1, 6)} | {"6": None, "7": None}
    workcal.save_calendar(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=CalendarUpdate.model_validate(
            {"opening_hours": hours, "underuse_threshold_pct": 30, "teaching_hour_value_cny": 100}
        ),
    )
    return world


def search(world: World, **fields: object) -> SlotSearch:
    monday = next_weekday(1)
    values: dict[str, object] = {
        "venue_ids": [world.venue.id],
        "equipment": [],
        "minutes": 120,
        "first": monday,
        "last": monday + timedelta(days=6),
        "step": 60,
        "limit": 10,
    }
    return SlotSearch(**{**values, **fields})  # type: ignore[arg-type]


def test_slots_lie_in_open_hours_on_working_days(session: Session, world: World) -> None:
    monday = next_weekday(1)
    workcal.add_holidays(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=HolidayCreate(day=monday + timedelta(days=1), name="Holiday"),
    )
    book(session, world.actor("teacher"), world.venue, monday, "09:00", "10:00")
    book(
        session,
        world.actor("teacher"),
        world.lathes,
        monday + timedelta(days=2),
        "08:00",
        "09:00",
        units=3,
    )
    found = find_free_slots(
        session,
        actor=world.actor("teacher"),
        search=search(world, equipment=[(world.lathes.id, 1)]),
    )
    wednesday = monday + timedelta(days=2)
    thursday = monday + timedelta(days=3)
    assert [(s.day, s.start, s.end) for s in found.slots][:5] == [
        (monday, 600, 720),  # 10:00–12:00; Tuesday is a holiday
        (wednesday, 540, 660),  # the lathes are all in use until 09:00
        (wednesday, 600, 720),
        (thursday, 480, 600),
        (thursday, 540, 660),
    ]
    assert len(found.resources) == 2


def test_the_range_starts_today_and_is_capped(session: Session, world: World) -> None:
    found = find_free_slots(
        session,
        actor=world.actor("teacher"),
        search=search(
            world,
            first=local_today() - timedelta(days=30),
            last=local_today() + timedelta(days=400),
        ),
    )
    assert found.first == local_today()
    assert found.last == local_today() + timedelta(days=MAX_RANGE_DAYS - 1)


def test_refusals(session: Session, world: World) -> None:
    teacher = world.actor("teacher")
    with pytest.raises(ValidationFailed) as none:
        find_free_slots(session, actor=teacher, search=search(world, venue_ids=[]))
    assert none.value.errors[0].field == "venue_id"
    with pytest.raises(ValidationFailed) as units:
        find_free_slots(
            session, actor=teacher, search=search(world, equipment=[(world.lathes.id, 5)])
        )
    assert units.value.errors[0].field == "units"
    elsewhere = make_venue(session, make_college(session))
    with pytest.raises(NotFound):
        find_free_slots(session, actor=teacher, search=search(world, venue_ids=[elsewhere.id]))
    with pytest.raises(ValidationFailed) as colleges:
        find_free_slots(
            session, actor=SYSTEM, search=search(world, venue_ids=[world.venue.id, elsewhere.id])
        )
    assert "one college" in colleges.value.localised()
    world.venue.status = "closed"
    session.flush()
    with pytest.raises(Conflict) as closed:
        find_free_slots(session, actor=teacher, search=search(world))
    assert "closed" in closed.value.localised()
