"""A resource's calendar page: the week as a time grid (bookings placed by CSS classes, side by
side when they overlap, closed days greyed), the month as a grid of days, the navigation, who may
see it, and the time it takes with a year of bookings in the table."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from tandem.resource import workcal
from tandem.resource.core.calendar import WorkingCalendar
from tandem.resource.models import Booking
from tandem.resource.schemas_workcal import CalendarUpdate, HolidayCreate
from tandem.resource.views_calendar import _lanes, week_grid
from tests.factories import Browser, make_college
from tests.resource.booking_world import SYSTEM, World, book, build_world, make_venue, next_weekday


@pytest.fixture
def world(session: Session) -> World:
    world = build_world(session, open_every_day=False)
    hours = {str(d): ["08:00", "18:00"] for d in range(1, 6)} | {"6": None, "7": None}
    workcal.save_calendar(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=CalendarUpdate.model_validate(
            {"opening_hours": hours, "underuse_threshold_pct": 30, "teaching_hour_value_cny": 100}
        ),
    )
    return world


def test_the_week_grid_places_bookings_by_class(
    browser: Browser, session: Session, world: World
) -> None:
    monday = next_weekday(1)
    wednesday = monday + timedelta(days=2)
    workcal.add_holidays(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=HolidayCreate(day=monday + timedelta(days=3), name="Dragon Boat"),
    )
    lesson = book(
        session,
        world.actor("teacher"),
        world.venue,
        wednesday,
        "09:00",
        "10:30",
        title="Milling",
    )
    session.commit()
    page = browser(world.users["teacher"]).get(
        f"/venues/{world.venue.id}/calendar?day={wednesday.isoformat()}"
    )
    assert page.status_code == 200
    # 08:00–18:00: 20 half-hour rows from grid row 2; Wednesday is column 4 (times are column 1).
    assert (
        f'class="cal-event cal-c4 cal-r4 cal-s3 cal-l0of1 purpose-teaching" '
        f'href="/bookings/{lesson.id}"'
    ) in page.text
    assert page.text.count('class="cal-time ') == 20
    assert "Dragon Boat" in page.text
    assert page.text.count("cal-head cal-c") == 8
    assert "cal-head cal-c7 closed" in page.text  # Saturday
    assert f"?view=week&amp;day={(monday - timedelta(days=7)).isoformat()}" in page.text
    assert f"?view=week&amp;day={(monday + timedelta(days=7)).isoformat()}" in page.text
    assert "purpose purpose-production" in page.text  # the legend
    assert f"/bookings/new?venue_id={world.venue.id}&amp;day=" in page.text


def test_overlapping_items_of_a_line_sit_side_by_side(
    browser: Browser, session: Session, world: World
) -> None:
    monday = next_weekday(1)
    a = book(session, world.actor("teacher"), world.lathes, monday, "08:00", "10:00")
    b = book(session, world.actor("teacher"), world.lathes, monday, "09:00", "11:00")
    c = book(session, world.actor("teacher"), world.lathes, monday, "10:00", "12:00")
    session.commit()
    assert _lanes([a, b, c]) == {a.id: (0, 2), b.id: (1, 2), c.id: (0, 2)}
    page = browser(world.users["contact"]).get(
        f"/equipment/{world.lathes.id}/calendar?day={monday.isoformat()}"
    )
    assert page.status_code == 200
    assert "cal-c2 cal-r4 cal-s4 cal-l1of2" in page.text
    assert "3 items in this line" in page.text


def test_bookings_outside_the_open_hours_widen_the_grid() -> None:
    calendar = WorkingCalendar.of(None)
    monday = date(2026, 3, 2)
    days_info = []
    from tandem.resource.bookings_list import DayInfo

    for n in range(7):
        day = monday + timedelta(days=n)
        days_info.append(DayInfo(day, calendar.window(day), None, True, None))
    late = Booking(id=1, day=monday, start_min=1260, end_min=1350, purpose="teaching", units=1)
    grid = week_grid(days_info, [late])
    assert grid["times"][0] == (2, "08:00")
    assert grid["times"][-1] == (2 + 28, "22:00")  # rows from 08:00 until 22:30
    assert grid["placed"][0].classes.startswith("cal-c2 cal-r28 cal-s3 ")


def test_the_month_view(browser: Browser, session: Session, world: World) -> None:
    monday = next_weekday(1)
    for n in range(5):
        book(
            session,
            world.actor("teacher"),
            world.venue,
            monday,
            f"{8 + n:02d}:00",
            f"{8 + n:02d}:50",
        )
    session.commit()
    page = browser(world.users["office"]).get(
        f"/venues/{world.venue.id}/calendar?view=month&day={monday.isoformat()}"
    )
    assert page.status_code == 200
    assert 'class="cal-month"' in page.text
    assert "+2 more · 5 in all, busiest 08:00–09:00" in page.text
    first = monday.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    assert f"?view=month&amp;day={previous.isoformat()}" in page.text


def test_who_may_see_a_calendar(browser: Browser, session: Session, world: World) -> None:
    elsewhere = make_venue(session, make_college(session))
    own_only = make_venue(session, world.college)
    session.commit()
    assert (
        browser(world.users["teacher"]).get(f"/venues/{elsewhere.id}/calendar").status_code == 404
    )
    assert browser(world.users["contact"]).get(f"/venues/{own_only.id}/calendar").status_code == 404
    assert browser(world.users["student"]).get(f"/venues/{own_only.id}/calendar").status_code == 403


def test_a_calendar_page_is_fast_with_a_year_of_bookings(
    browser: Browser, session: Session, world: World
) -> None:
    """Target: under 200 ms with a year of bookings of this resource (and others) in the table."""
    start = next_weekday(1) - timedelta(days=182)
    other = make_venue(session, world.college)
    rows = []
    for n in range(366):
        day = start + timedelta(days=n)
        for venue in (world.venue, other):
            for slot in range(6):
                begin = 480 + slot * 90
                rows.append(
                    {
                        "college_id": world.college.id,
                        "venue_id": venue.id,
                        "purpose": ("teaching", "production", "employee_training")[slot % 3],
                        "title": f"Session {slot}",
                        "day": day,
                        "start_min": begin,
                        "end_min": begin + 80,
                        "minutes": 80,
                        "units": 1,
                        "status": "booked",
                        "usage": "pending",
                        "version": 1,
                    }
                )
    session.execute(insert(Booking), rows)
    session.commit()
    office = browser(world.users["office"])
    url = f"/venues/{world.venue.id}/calendar?day={next_weekday(1).isoformat()}"
    assert office.get(url).status_code == 200  # warm up
    timings = []
    for view in ("week", "month", "week"):
        began = time.perf_counter()
        answer = office.get(f"{url}&view={view}")
        timings.append(time.perf_counter() - began)
        assert answer.status_code == 200
    print("calendar timings", [round(t * 1000) for t in timings])
    assert min(timings) < 0.2, timings
