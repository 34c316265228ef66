"""The working calendar page: the office edits hours and settings (errors beside the weekday,
stale versions refused), adds terms and holiday ranges and deletes them after confirmation;
others read it; platform administrators choose the college."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.resource import workcal
from tests.conftest import csrf_from, post_form
from tests.factories import Browser, make_user
from tests.resource.booking_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, open_every_day=False)


def post_to(client: TestClient, url: str, data: dict[str, str], **kwargs: Any) -> Any:
    """Post one of the calendar page's forms (the token comes from the page itself)."""
    token = csrf_from(client.get("/working-calendar").text)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def hours_form(**changes: str) -> dict[str, str]:
    form = {f"open.{d}": "08:00" for d in range(1, 7)} | {
        f"close.{d}": "21:00" for d in range(1, 7)
    }
    form |= {"closed.7": "on", "underuse_threshold_pct": "30", "teaching_hour_value_cny": "100"}
    return form | changes


def test_the_office_saves_hours_and_settings(
    browser: Browser, session: Session, world: World
) -> None:
    office = browser(world.users["office"])
    page = office.get("/working-calendar")
    assert page.status_code == 200
    assert 'name="open.1" value="08:00"' in page.text
    assert 'name="closed.7" value="on"' in page.text
    saved = post_form(
        office,
        "/working-calendar",
        hours_form(**{"open.6": "09:00", "close.6": "12:00", "underuse_threshold_pct": "20"}),
        follow_redirects=False,
    )
    assert saved.status_code == 303
    session.expire_all()
    row = workcal.settings_row(session, college_id=world.college.id)
    assert row is not None
    assert row.opening_hours["6"] == ["09:00", "12:00"]
    assert row.opening_hours["7"] is None
    assert str(row.underuse_threshold_pct) == "20.00"
    bad = post_form(office, "/working-calendar", hours_form(**{"close.3": "07:00", "version": "1"}))
    assert bad.status_code == 422
    assert 'id="e-hours-3"' in bad.text
    assert "The closing time must come after the opening time." in bad.text
    stale = post_form(office, "/working-calendar", hours_form(version="7"))
    assert stale.status_code == 409


def test_terms_and_holidays_from_the_page(browser: Browser, session: Session, world: World) -> None:
    office = browser(world.users["office"])
    added = post_to(
        office,
        "/working-calendar/terms",
        {"name": "2026-2027-1", "starts_on": "2026-09-01", "ends_on": "2027-01-20"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    overlap = post_to(
        office,
        "/working-calendar/terms",
        {"name": "Winter", "starts_on": "2027-01-10", "ends_on": "2027-02-10"},
    )
    assert overlap.status_code == 409
    assert 'id="e-starts_on"' in overlap.text
    assert 'value="Winter"' in overlap.text
    days = post_to(
        office,
        "/working-calendar/holidays",
        {"day": "2026-10-01", "last_day": "2026-10-07", "holiday_name": "National Day"},
        follow_redirects=False,
    )
    assert days.status_code == 303
    missing = post_to(office, "/working-calendar/holidays", {"day": "2026-12-25"})
    assert missing.status_code == 422
    assert 'id="e-holiday_name"' in missing.text
    page = office.get("/working-calendar")
    assert page.text.count("· National Day") == 7
    holiday = workcal.holidays_of(session, college_id=world.college.id)[0]
    term = workcal.terms_of(session, college_id=world.college.id)[0]
    confirm = office.get(f"/working-calendar/holidays/{holiday.id}/delete")
    assert "The day becomes a working day again." in confirm.text
    deleted = office.post(
        f"/working-calendar/holidays/{holiday.id}/delete",
        data={"csrf_token": csrf_from(confirm.text)},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
    confirm = office.get(f"/working-calendar/terms/{term.id}/delete")
    assert "2026-2027-1" in confirm.text
    office.post(
        f"/working-calendar/terms/{term.id}/delete", data={"csrf_token": csrf_from(confirm.text)}
    )
    session.expire_all()
    assert workcal.terms_of(session, college_id=world.college.id) == []
    assert len(workcal.holidays_of(session, college_id=world.college.id)) == 6
    assert workcal.holidays_of(session, college_id=world.college.id)[0].day == date(2026, 10, 2)


def test_others_read_it_and_platform_admins_choose_the_college(
    browser: Browser, session: Session, world: World
) -> None:
    teacher = browser(world.users["teacher"]).get("/working-calendar")
    assert teacher.status_code == 200
    assert 'name="open.1"' not in teacher.text
    assert "Opening hours and utilisation settings" in teacher.text
    admin = browser(make_user(session, "platform_admin"))
    assert "Choose a college to see its working calendar." in admin.get("/working-calendar").text
    chosen = admin.get(f"/working-calendar?college_id={world.college.id}")
    assert f'name="college_id" value="{world.college.id}"' in chosen.text
    saved = post_form(
        admin,
        f"/working-calendar?college_id={world.college.id}",
        hours_form(college_id=str(world.college.id)),
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/working-calendar?college_id={world.college.id}"
    contact = browser(world.users["contact"])
    assert world.college.code in contact.get("/working-calendar").text
    assert "Opening hours" in contact.get(f"/working-calendar?college_id={world.college.id}").text
