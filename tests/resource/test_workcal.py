"""The working calendar: opening hours and settings (made on the first save, then versioned),
terms that may not overlap, holidays one at a time or as a range, who may change them, and the
calendar the cores read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from tandem.kit.validation import from_validation_error
from tandem.resource import workcal
from tandem.resource.core.calendar import Outside
from tandem.resource.schemas_workcal import CalendarUpdate, HolidayCreate, TermCreate
from tests.factories import make_college
from tests.resource.booking_world import SYSTEM, World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, open_every_day=False)


def hours(**changes: Any) -> dict[str, Any]:
    week: dict[str, Any] = {str(d): ["08:00", "21:00"] for d in range(1, 6)}
    week |= {"6": ["08:30", "12:00"], "7": None}
    return week | changes


def update(**fields: Any) -> CalendarUpdate:
    return CalendarUpdate.model_validate(
        {
            "opening_hours": hours(),
            "underuse_threshold_pct": "25",
            "teaching_hour_value_cny": "150.50",
            **fields,
        }
    )


def test_defaults_before_the_first_save(session: Session, world: World) -> None:
    assert workcal.settings_row(session, college_id=world.college.id) is None
    settings = workcal.utilisation_settings(session, college_id=world.college.id)
    assert settings.underuse_threshold_pct == Decimal(30)
    assert workcal.opening_hours(session, college_id=world.college.id)["7"] is None
    calendar = workcal.load_calendar(session, college_id=world.college.id)
    assert calendar.window(date(2026, 3, 2)) == (480, 1260)


def test_the_first_save_creates_the_row_then_versions_guard_it(
    session: Session, world: World
) -> None:
    office = world.actor("office")
    row = workcal.save_calendar(session, actor=office, college_id=world.college.id, data=update())
    assert row.opening_hours["6"] == ["08:30", "12:00"]
    assert row.underuse_threshold_pct == Decimal(25)
    assert row.version == 1
    calendar = workcal.load_calendar(session, college_id=world.college.id)
    assert calendar.window(date(2026, 3, 7)) == (510, 720)  # a Saturday
    assert calendar.outside(date(2026, 3, 8), 600, 660) == Outside.CLOSED_DAY
    workcal.save_calendar(
        session,
        actor=office,
        college_id=world.college.id,
        data=update(opening_hours=hours(**{"7": ["09:00", "12:00"]}), version=1),
    )
    assert row.version == 2
    with pytest.raises(StaleVersion):
        workcal.save_calendar(
            session, actor=office, college_id=world.college.id, data=update(version=1)
        )
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "resource_settings")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "update"]


@pytest.mark.parametrize(
    ("day", "value", "message"),
    [
        ("3", ["21:00", "08:00"], "closing time must come after"),
        ("4", ["8h", "12:00"], "HH:MM"),
        ("5", ["08:00"], "opening and the closing time"),
    ],
)
def test_bad_hours_name_the_weekday(day: str, value: list[str], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        update(opening_hours=hours(**{day: value}))
    error = from_validation_error(caught.value).errors[0]
    assert error.field == f"opening_hours.{day}"
    assert message in error.localised()


def test_every_weekday_is_required_and_settings_in_range() -> None:
    week = hours()
    del week["7"]
    with pytest.raises(ValidationError) as caught:
        update(opening_hours=week)
    assert from_validation_error(caught.value).errors[0].field == "opening_hours.7"
    with pytest.raises(ValidationError):
        update(underuse_threshold_pct="101")
    with pytest.raises(ValidationError):
        update(teaching_hour_value_cny="-1")


def test_only_the_office_changes_its_own_calendar(session: Session, world: World) -> None:
    with pytest.raises(PermissionDenied):
        workcal.save_calendar(
            session, actor=world.actor("teacher"), college_id=world.college.id, data=update()
        )
    other = make_college(session)
    with pytest.raises(PermissionDenied):
        workcal.save_calendar(
            session, actor=world.actor("office"), college_id=other.id, data=update()
        )
    with pytest.raises(NotFound):
        workcal.calendar_college(session, actor=world.actor("office"), college_id=other.id)
    assert workcal.calendar_college(session, actor=world.actor("teacher"), college_id=None) == (
        world.college
    )
    # A contact reads the calendar of a college their enterprise partners with (by its id).
    contact = world.actor("contact")
    assert (
        workcal.calendar_college(session, actor=contact, college_id=world.college.id)
        == world.college
    )
    with pytest.raises(NotFound):
        workcal.calendar_college(session, actor=contact, college_id=other.id)
    with pytest.raises(ValidationFailed):
        workcal.calendar_college(session, actor=contact, college_id=None)


def test_terms_cannot_overlap_or_share_a_name(session: Session, world: World) -> None:
    office = world.actor("office")
    college = world.college.id
    first = workcal.add_term(
        session,
        actor=office,
        college_id=college,
        data=TermCreate(name="2026-2027-1", starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 20)),
    )
    with pytest.raises(Conflict) as overlap:
        workcal.add_term(
            session,
            actor=office,
            college_id=college,
            data=TermCreate(
                name="2026-2027-2", starts_on=date(2027, 1, 20), ends_on=date(2027, 7, 1)
            ),
        )
    assert overlap.value.errors[0].field == "starts_on"
    assert "2026-2027-1" in overlap.value.localised()
    with pytest.raises(Conflict) as same_name:
        workcal.add_term(
            session,
            actor=office,
            college_id=college,
            data=TermCreate(
                name="2026-2027-1", starts_on=date(2027, 2, 1), ends_on=date(2027, 7, 1)
            ),
        )
    assert same_name.value.errors[0].field == "name"
    workcal.add_term(
        session,
        actor=office,
        college_id=college,
        data=TermCreate(name="2026-2027-2", starts_on=date(2027, 2, 20), ends_on=date(2027, 7, 10)),
    )
    calendar = workcal.load_calendar(session, college_id=college)
    assert calendar.outside(date(2027, 2, 1), 600, 660) == Outside.OUT_OF_TERM
    assert calendar.outside(date(2027, 3, 1), 600, 660) is None
    workcal.delete_term(session, actor=office, term=first)
    assert [t.name for t in workcal.terms_of(session, college_id=college)] == ["2026-2027-2"]
    with pytest.raises(ValidationError):
        TermCreate(name="Backwards", starts_on=date(2027, 2, 1), ends_on=date(2027, 1, 1))


def test_holidays_one_or_a_range_and_no_duplicates(session: Session, world: World) -> None:
    office = world.actor("office")
    college = world.college.id
    added = workcal.add_holidays(
        session,
        actor=office,
        college_id=college,
        data=HolidayCreate(day=date(2026, 10, 1), last_day=date(2026, 10, 7), name="National Day"),
    )
    assert [h.day.day for h in added] == [1, 2, 3, 4, 5, 6, 7]
    assert {h.name for h in added} == {"National Day"}
    with pytest.raises(Conflict) as caught:
        workcal.add_holidays(
            session,
            actor=office,
            college_id=college,
            data=HolidayCreate(day=date(2026, 9, 30), last_day=date(2026, 10, 2), name="Again"),
        )
    assert "2026-10-01, 2026-10-02" in caught.value.localised()
    assert len(workcal.holidays_of(session, college_id=college)) == 7
    workcal.delete_holiday(session, actor=office, holiday=added[0])
    names = workcal.holiday_names(
        session, college_id=college, first=date(2026, 10, 1), last=date(2026, 10, 3)
    )
    assert names == {date(2026, 10, 2): "National Day", date(2026, 10, 3): "National Day"}
    with pytest.raises(ValidationError):
        HolidayCreate(day=date(2026, 1, 1), last_day=date(2026, 3, 1), name="Too long")
    with pytest.raises(NotFound):
        workcal.get_holiday(session, actor=world.actor("contact"), holiday_id=added[1].id)
    assert workcal.get_holiday(session, actor=SYSTEM, holiday_id=added[1].id) is added[1]
