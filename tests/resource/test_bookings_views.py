"""The booking pages: the list's tabs and export, the form (pre-filled, clashes listed, the
reason asked for outside hours, weekly series), a booking's page with cancelling and usage, the
"to confirm" tab with its bulk action, and the free-slot search."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.kit.dates import local_today
from tandem.resource.kinds import BookingStatus, UsageStatus
from tandem.resource.models import Booking, BookingSeries
from tests.conftest import csrf_from, post_form
from tests.factories import Browser
from tests.resource.booking_world import World, book, build_world, next_weekday, past_booking


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def as_(browser: Browser, world: World, role: str) -> TestClient:
    return browser(world.users[role])


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_my_bookings_all_and_export(browser: Browser, session: Session, world: World) -> None:
    monday = next_weekday(1)
    book(session, world.actor("teacher"), world.venue, monday, "08:00", "09:00", title="Mine A")
    book(session, world.actor("office"), world.venue, monday, "10:00", "11:00", title="Theirs B")
    session.commit()
    teacher = as_(browser, world, "teacher")
    mine = teacher.get("/bookings")
    assert mine.status_code == 200
    assert "Mine A" in mine.text
    assert "Theirs B" not in mine.text
    every = teacher.get("/bookings?tab=all&purpose=teaching")
    assert "Mine A" in every.text
    assert "Theirs B" in every.text
    assert "Theirs B" not in teacher.get("/bookings?tab=all&q=Mine").text
    narrowed = teacher.get(f"/bookings?tab=all&venue_id={world.venue.id}")
    assert f"Only the bookings of {world.venue.code} {world.venue.name}" in text(narrowed.text)
    exported = teacher.get("/bookings/export.xlsx?tab=all")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Booking", "Venue or equipment", "Title")
    assert sorted(r[2] for r in rows[1:]) == ["Mine A", "Theirs B"]


def test_the_form_prefills_and_books(browser: Browser, session: Session, world: World) -> None:
    teacher = as_(browser, world, "teacher")
    day = next_weekday(3)
    form = teacher.get(f"/bookings/new?venue_id={world.venue.id}&day={day.isoformat()}&start=09:00")
    assert form.status_code == 200
    assert f'<option value="venue:{world.venue.id}" selected>' in form.text
    assert f'value="{day.isoformat()}"' in form.text
    assert f'<option value="equipment:{world.lathes.id}"' in form.text
    done = post_form(
        teacher,
        "/bookings/new",
        {
            "repeat": "once",
            "resource": f"equipment:{world.lathes.id}",
            "purpose": "production",
            "title": "Flange batch",
            "units": "2",
            "day": day.isoformat(),
            "start": "09:00",
            "end": "12:00",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    booking = session.scalar(select(Booking).where(Booking.title == "Flange batch"))
    assert booking is not None
    assert (booking.units, booking.minutes, booking.purpose) == (2, 180, "production")
    assert done.headers["location"] == f"/bookings/{booking.id}"


def test_clashes_are_listed_and_the_input_kept(
    browser: Browser, session: Session, world: World
) -> None:
    day = next_weekday(3)
    first = book(session, world.actor("office"), world.venue, day, "08:00", "10:00", title="Exam")
    session.commit()
    teacher = as_(browser, world, "teacher")
    answer = post_form(
        teacher,
        "/bookings/new",
        {
            "repeat": "once",
            "resource": f"venue:{world.venue.id}",
            "purpose": "teaching",
            "title": "Clashing lesson",
            "day": day.isoformat(),
            "start": "09:00",
            "end": "11:00",
        },
    )
    assert answer.status_code == 409
    shown = text(answer.text)
    assert "Bookings in the way:" in shown
    assert f"“Exam”, booked by {world.users['office'].display_name} (booking {first.id})" in shown
    assert 'value="Clashing lesson"' in answer.text


def test_a_missing_title_is_shown_beside_the_field(browser: Browser, world: World) -> None:
    answer = post_form(
        as_(browser, world, "teacher"),
        "/bookings/new",
        {"resource": f"venue:{world.venue.id}", "purpose": "teaching", "start": "09:00"},
    )
    assert answer.status_code == 422
    assert 'id="e-title"' in answer.text
    assert 'id="e-end"' in answer.text


def test_a_weekly_series_from_the_form(browser: Browser, session: Session, world: World) -> None:
    monday = next_weekday(1)
    answer = post_form(
        as_(browser, world, "teacher"),
        "/bookings/new",
        {
            "repeat": "weekly",
            "resource": f"venue:{world.venue.id}",
            "purpose": "teaching",
            "title": "Weekly welding",
            "start": "14:00",
            "end": "16:00",
            "weekdays": "2",
            "first_day": monday.isoformat(),
            "last_day": (monday + timedelta(days=20)).isoformat(),
            "skipped_days": (monday + timedelta(days=8)).isoformat(),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    found = session.scalar(select(BookingSeries).where(BookingSeries.title == "Weekly welding"))
    assert found is not None
    assert answer.headers["location"] == f"/bookings/series/{found.id}"
    page = as_(browser, world, "teacher").get(answer.headers["location"])
    assert page.status_code == 200
    assert "Weekly welding" in page.text
    assert text(page.text).count("Skip this date") == 2  # 3 Tuesdays less the exception
    assert "Cancel the rest" in page.text


def test_cancel_with_a_reason(browser: Browser, session: Session, world: World) -> None:
    booking = book(session, world.actor("teacher"), world.venue, next_weekday(5), "08:00", "09:00")
    session.commit()
    teacher = as_(browser, world, "teacher")
    detail = teacher.get(f"/bookings/{booking.id}")
    assert f'href="/bookings/{booking.id}/cancel"' in detail.text
    assert 'id="usage"' not in detail.text  # not yet its day
    other = as_(browser, world, "other_teacher")
    assert f'href="/bookings/{booking.id}/cancel"' not in other.get(f"/bookings/{booking.id}").text
    assert other.get(f"/bookings/{booking.id}/cancel").status_code == 403
    empty = post_form(teacher, f"/bookings/{booking.id}/cancel", {"version": "1"})
    assert empty.status_code == 422
    assert 'id="e-reason"' in empty.text
    done = post_form(
        teacher,
        f"/bookings/{booking.id}/cancel",
        {"version": "1", "reason": "Class moved"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.expire_all()
    assert session.get_one(Booking, booking.id).status == BookingStatus.CANCELLED


def test_usage_form_and_the_to_confirm_tab(
    browser: Browser, session: Session, world: World
) -> None:
    yesterday = local_today() - timedelta(days=1)
    teacher_id = world.users["teacher"].id
    made = past_booking(
        session,
        world.lathes,
        yesterday,
        480,
        600,
        purpose="production",
        title="Batch 7",
        booked_by_user_id=teacher_id,
    )
    others = [
        past_booking(session, world.venue, yesterday, 600 + 60 * n, 630 + 60 * n, title=f"Lab {n}")
        for n in range(2)
    ]
    session.commit()
    teacher = as_(browser, world, "teacher")
    detail = teacher.get(f"/bookings/{made.id}")
    assert 'id="usage"' in detail.text
    assert 'name="output_quantity"' in detail.text  # production
    token = csrf_from(detail.text)
    bad = teacher.post(
        f"/bookings/{made.id}/usage",
        data={"csrf_token": token, "usage": "used", "used_minutes": "2000", "version": "1"},
    )
    assert bad.status_code == 422
    assert 'id="e-used_minutes"' in bad.text
    saved = teacher.post(
        f"/bookings/{made.id}/usage",
        data={
            "csrf_token": token,
            "usage": "used",
            "used_minutes": "110",
            "output_quantity": "40",
            "version": "1",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    session.expire_all()
    assert (made.usage, made.used_minutes, made.output_quantity) == (UsageStatus.USED, 110, 40)
    office = as_(browser, world, "office")
    waiting = office.get("/bookings?tab=confirm")
    assert "Lab 0" in waiting.text
    assert "Lab 1" in waiting.text
    assert "Batch 7" not in waiting.text
    confirmed = office.post(
        "/bookings/confirm",
        data={"csrf_token": csrf_from(waiting.text), "booking_id": [str(b.id) for b in others]},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    session.expire_all()
    assert [(b.usage, b.used_minutes) for b in others] == [(UsageStatus.USED, 30)] * 2
    assert "Nothing waits for confirmation" in office.get("/bookings?tab=confirm").text


def test_skip_a_date_and_cancel_the_rest(browser: Browser, session: Session, world: World) -> None:
    from tandem.resource import series
    from tandem.resource.schemas_bookings import SeriesCreate

    monday = next_weekday(1)
    made = series.create_series(
        session,
        actor=world.actor("teacher"),
        data=SeriesCreate.model_validate(
            {
                "venue_id": world.venue.id,
                "purpose": "teaching",
                "title": "Weekly",
                "start": "08:00",
                "end": "09:00",
                "weekdays": [1],
                "first_day": monday.isoformat(),
                "last_day": (monday + timedelta(days=21)).isoformat(),
            }
        ),
    ).series
    session.commit()
    teacher = as_(browser, world, "teacher")
    page = f"/bookings/series/{made.id}"
    token = csrf_from(teacher.get(page).text)
    skipped = teacher.post(
        f"{page}/skip",
        data={"csrf_token": token, "day": (monday + timedelta(days=7)).isoformat()},
        follow_redirects=False,
    )
    assert skipped.status_code == 303
    nothing = teacher.post(f"{page}/skip", data={"csrf_token": token, "day": "2020-01-06"})
    assert nothing.status_code == 422
    confirm = teacher.get(f"{page}/cancel")
    assert 'name="from_day"' in confirm.text
    done = post_form(
        teacher,
        f"{page}/cancel",
        {"from_day": (monday + timedelta(days=14)).isoformat(), "reason": "Course over"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.expire_all()
    states = [
        b.status for b in series.occurrences(session, session.get_one(BookingSeries, made.id))
    ]
    assert states == ["booked", "cancelled", "cancelled", "cancelled"]
    assert as_(browser, world, "contact").get(f"{page}/cancel").status_code == 403


def test_free_slots_page_links_to_the_form(
    browser: Browser, session: Session, world: World
) -> None:
    monday = next_weekday(1)
    book(session, world.actor("teacher"), world.venue, monday, "00:00", "10:00")
    session.commit()
    page = as_(browser, world, "teacher").get(
        "/bookings/free-slots",
        params={
            "venue_id": world.venue.id,
            "minutes": "60",
            "from": monday.isoformat(),
            "to": monday.isoformat(),
            "step": "60",
        },
    )
    assert page.status_code == 200
    link = (
        f"/bookings/new?venue_id={world.venue.id}&amp;day={monday.isoformat()}"
        "&amp;start=10:00&amp;end=11:00&amp;units=1"
    )
    assert link in page.text
    empty = as_(browser, world, "teacher").get("/bookings/free-slots")
    assert empty.status_code == 200
    assert 'id="slots"' not in empty.text
