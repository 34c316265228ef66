"""Weekly series through the service: occurrences over a range or a term, exceptions, holidays
and out-of-term days left out and reported, all-or-nothing on conflicts, skipping one date and
cancelling the rest."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, PermissionDenied, ValidationFailed
from tandem.resource import booking_rules as rules
from tandem.resource import bookings, series, workcal
from tandem.resource.core.calendar import Outside
from tandem.resource.kinds import BookingStatus
from tandem.resource.models import Booking, BookingSeries
from tandem.resource.schemas_bookings import SeriesCreate, UsageUpdate
from tandem.resource.schemas_workcal import CalendarUpdate, HolidayCreate, TermCreate
from tests.resource.booking_world import SYSTEM, World, book, build_world, next_weekday


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def weekly(world: World, **fields: Any) -> SeriesCreate:
    return SeriesCreate.model_validate(
        {
            "venue_id": world.venue.id,
            "purpose": "teaching",
            "title": "CNC weekly",
            "start": "08:00",
            "end": "10:00",
            "weekdays": [1, 3],
            **fields,
        }
    )


def test_a_series_books_each_date_but_exceptions_and_holidays(
    session: Session, world: World
) -> None:
    monday = next_weekday(1)
    wednesday = monday + timedelta(days=2)
    holiday = monday + timedelta(days=7)
    workcal.add_holidays(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=HolidayCreate(day=holiday, name="Holiday"),
    )
    result = series.create_series(
        session,
        actor=world.actor("teacher"),
        data=weekly(
            world,
            first_day=monday,
            last_day=monday + timedelta(days=20),
            skipped_days=[wednesday],
        ),
    )
    booked = [b.day for b in result.occurrences]
    assert booked == [
        monday,
        monday + timedelta(days=9),
        monday + timedelta(days=14),
        monday + timedelta(days=16),
    ]
    assert result.skipped == ((holiday, Outside.HOLIDAY),)
    assert result.series.skipped_days == [wednesday.isoformat()]
    assert all(b.series_id == result.series.id for b in result.occurrences)
    assert {(b.start_min, b.end_min, b.minutes) for b in result.occurrences} == {(480, 600, 120)}
    assert result.series.booked_by_user_id == world.users["teacher"].id


def test_a_term_series_starts_today_at_the_earliest_and_skips_out_of_term(
    session: Session, world: World
) -> None:
    monday = next_weekday(1)
    term = workcal.add_term(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=TermCreate(
            name="T1", starts_on=monday - timedelta(days=60), ends_on=monday + timedelta(days=13)
        ),
    )
    result = series.create_series(
        session, actor=world.actor("office"), data=weekly(world, weekdays=[1], term_id=term.id)
    )
    assert result.series.first_day >= monday - timedelta(days=7)
    assert result.series.last_day == monday + timedelta(days=13)
    assert [b.day for b in result.occurrences] == [monday, monday + timedelta(days=7)]
    assert result.series.term_id == term.id


def test_one_conflict_refuses_the_whole_series_listing_each_date(
    session: Session, world: World
) -> None:
    monday = next_weekday(1)
    in_the_way = [
        book(
            session,
            world.actor("office"),
            world.venue,
            monday + timedelta(days=2),
            "09:00",
            "11:00",
        ),
        book(
            session,
            world.actor("office"),
            world.venue,
            monday + timedelta(days=7),
            "07:00",
            "08:30",
        ),
    ]
    before = session.scalar(select(func.count()).select_from(Booking))
    with pytest.raises(Conflict) as caught:
        series.create_series(
            session,
            actor=world.actor("teacher"),
            data=weekly(world, first_day=monday, last_day=monday + timedelta(days=13)),
        )
    assert caught.value.params["count"] == 2
    assert [e.params["id"] for e in caught.value.errors] == [b.id for b in in_the_way]
    assert [e.params["day"] for e in caught.value.errors] == [
        (monday + timedelta(days=2)).isoformat(),
        (monday + timedelta(days=7)).isoformat(),
    ]
    assert session.scalar(select(func.count()).select_from(Booking)) == before
    assert session.scalar(select(func.count()).select_from(BookingSeries)) == 0
    # Leaving the clashing dates out as exceptions books the rest.
    result = series.create_series(
        session,
        actor=world.actor("teacher"),
        data=weekly(
            world,
            first_day=monday,
            last_day=monday + timedelta(days=13),
            skipped_days=[monday + timedelta(days=2), monday + timedelta(days=7)],
        ),
    )
    assert [b.day for b in result.occurrences] == [monday, monday + timedelta(days=9)]


def test_closed_weekdays_need_a_reason_for_every_occurrence(session: Session, world: World) -> None:
    row = workcal.settings_row(session, college_id=world.college.id)
    assert row is not None
    hours = {str(d): ["08:00", "18:00"] for d in range(1, 6)} | {"6": None, "7": None}
    workcal.save_calendar(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=CalendarUpdate.model_validate(
            {
                "opening_hours": hours,
                "underuse_threshold_pct": 30,
                "teaching_hour_value_cny": 100,
                "version": row.version,
            }
        ),
    )
    saturday = next_weekday(6)
    data = weekly(world, weekdays=[6], first_day=saturday, last_day=saturday + timedelta(days=14))
    with pytest.raises(ValidationFailed) as caught:
        series.create_series(session, actor=world.actor("teacher"), data=data)
    assert caught.value.errors[0].field == "outside_hours_reason"
    assert "3 occurrences" in caught.value.localised()
    data.outside_hours_reason = "Weekend class"
    result = series.create_series(session, actor=world.actor("teacher"), data=data)
    assert len(result.occurrences) == 3
    assert all(
        b.outside_hours and b.outside_hours_reason == "Weekend class" for b in result.occurrences
    )


def test_dates_are_checked(session: Session, world: World) -> None:
    with pytest.raises(ValidationError):
        weekly(world, first_day=date(2030, 1, 1), last_day=date(2031, 1, 2))  # over a year
    with pytest.raises(ValidationError):
        weekly(world)  # neither a term nor dates
    with pytest.raises(ValidationFailed) as caught:
        series.create_series(
            session,
            actor=world.actor("teacher"),
            data=weekly(world, first_day=date(2020, 1, 6), last_day=date(2020, 2, 6)),
        )
    assert caught.value.errors[0].field == "first_day"
    monday = next_weekday(1)
    with pytest.raises(ValidationFailed) as none_left:
        series.create_series(
            session,
            actor=world.actor("teacher"),
            data=weekly(
                world, weekdays=[1], first_day=monday, last_day=monday, skipped_days=[monday]
            ),
        )
    assert none_left.value.errors[0].field == "weekdays"


def test_skip_one_date_then_cancel_the_rest(session: Session, world: World) -> None:
    monday = next_weekday(1)
    result = series.create_series(
        session,
        actor=world.actor("teacher"),
        data=weekly(world, weekdays=[1], first_day=monday, last_day=monday + timedelta(days=27)),
    )
    found = result.series
    with pytest.raises(PermissionDenied):
        series.skip_occurrence(
            session, actor=world.actor("other_teacher"), series=found, day=monday
        )
    skipped = series.skip_occurrence(
        session, actor=world.actor("teacher"), series=found, day=monday + timedelta(days=7)
    )
    assert skipped.status == BookingStatus.CANCELLED
    assert found.skipped_days == [(monday + timedelta(days=7)).isoformat()]
    with pytest.raises(ValidationFailed):  # nothing booked that day any more
        series.skip_occurrence(
            session, actor=world.actor("teacher"), series=found, day=monday + timedelta(days=7)
        )
    # The freed date can be booked by someone else.
    book(session, world.actor("office"), world.venue, monday + timedelta(days=7), "08:00", "10:00")
    cancelled = series.cancel_from(
        session,
        actor=world.actor("office"),
        series=found,
        from_day=monday + timedelta(days=14),
        reason="Course ends early",
    )
    assert [b.day for b in cancelled] == [monday + timedelta(days=14), monday + timedelta(days=21)]
    assert found.last_day == monday + timedelta(days=13)
    assert found.status == BookingStatus.BOOKED
    states = [(b.day, b.status) for b in series.occurrences(session, found)]
    assert states[0] == (monday, BookingStatus.BOOKED)
    series.cancel_from(
        session, actor=world.actor("teacher"), series=found, from_day=None, reason="Dropped"
    )
    assert found.status == BookingStatus.CANCELLED
    assert all(b.status == BookingStatus.CANCELLED for b in series.occurrences(session, found))
    with pytest.raises(Conflict):
        series.cancel_from(
            session, actor=world.actor("teacher"), series=found, from_day=None, reason="Again"
        )


def test_an_equipment_series_checks_the_items(session: Session, world: World) -> None:
    monday = next_weekday(1)
    book(session, world.actor("office"), world.lathes, monday, "08:00", "09:00", units=2)
    data = SeriesCreate.model_validate(
        {
            "equipment_id": world.lathes.id,
            "purpose": "production",
            "title": "Batch",
            "start": "08:00",
            "end": "12:00",
            "weekdays": [1],
            "first_day": monday.isoformat(),
            "last_day": (monday + timedelta(days=7)).isoformat(),
            "units": 1,
        }
    )
    assert (
        len(series.create_series(session, actor=world.actor("teacher"), data=data).occurrences) == 2
    )
    data.units = 1
    with pytest.raises(Conflict):
        series.create_series(session, actor=world.actor("teacher"), data=data)


def test_cancelling_keeps_occurrences_already_confirmed(session: Session, world: World) -> None:
    """Today's occurrence, confirmed as used, stays booked: the series is not cancelled, and
    it ends on that day rather than the day before."""
    today = local_today()
    made = series.create_series(
        session,
        actor=SYSTEM,
        data=weekly(
            world,
            weekdays=list(range(1, 8)),
            first_day=today,
            last_day=today + timedelta(days=6),
            start="00:00",
            end="01:00",
        ),
    )
    found = made.series
    first = made.occurrences[0]
    office = world.actor("office")
    bookings.record_usage(session, actor=office, booking=first, data=UsageUpdate(usage="used"))
    cancelled = series.cancel_from(
        session, actor=office, series=found, from_day=None, reason="Course dropped"
    )
    assert len(cancelled) == 6
    assert first.status == BookingStatus.BOOKED
    assert found.status == BookingStatus.BOOKED
    assert found.last_day == today
    # Cancelling again cancels nothing more and leaves the confirmed day in place.
    assert series.cancel_from(session, actor=office, series=found, from_day=None, reason="x") == []
    assert (found.status, found.last_day) == (BookingStatus.BOOKED, today)


def test_a_series_cannot_start_today_at_a_time_already_past(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = local_today()
    monkeypatch.setattr(rules, "local_now", lambda: (today, 10 * 60))
    every_day = list(range(1, 8))
    teacher = world.actor("teacher")
    with pytest.raises(ValidationFailed) as caught:
        series.create_series(
            session,
            actor=teacher,
            data=weekly(
                world, weekdays=every_day, first_day=today, last_day=today + timedelta(days=6)
            ),
        )
    error = caught.value.errors[0]
    assert (error.field, error.code) == ("first_day", "start_passed")
    # Over a term, the series starts tomorrow instead; later today is still free to book.
    term = workcal.add_term(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=TermCreate(
            name="Now", starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=6)
        ),
    )
    result = series.create_series(
        session, actor=teacher, data=weekly(world, weekdays=every_day, term_id=term.id)
    )
    assert result.series.first_day == today + timedelta(days=1)
    assert result.occurrences[0].day == today + timedelta(days=1)
    later = series.create_series(
        session,
        actor=teacher,
        data=weekly(
            world,
            weekdays=every_day,
            first_day=today,
            last_day=today,
            start="11:00",
            end="12:00",
        ),
    )
    assert [b.day for b in later.occurrences] == [today]
