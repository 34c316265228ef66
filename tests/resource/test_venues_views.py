"""The venue pages: the list with filters in the query string (and its htmx part), the Excel
export, the form that keeps input and shows messages beside fields, the venue with the
equipment placed in it, stale edits, and deletion with a confirmation (or a refusal)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth.roles import Role
from tandem.resource.models import Venue
from tests.conftest import csrf_from, post_form
from tests.factories import Browser, make_user
from tests.partner.helpers import make_contact_user
from tests.resource.test_venues_helpers import (
    World,
    book,
    make_base,
    make_venue,
    make_world,
    place_equipment,
    sheet_rows,
)

HTMX = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def office(session: Session, world: World, browser: Browser) -> TestClient:
    return browser(make_user(session, "college_admin", world.college))


def test_the_list_filters_by_the_query_string(
    office: TestClient, session: Session, world: World
) -> None:
    make_venue(session, world.college, code="LAB-1", name="Robot lab", kind="laboratory")
    make_venue(session, world.college, code="WS-1", name="Welding workshop", building="Hall 3")
    make_venue(session, world.other_college, code="LAB-B", name="Robot lab of B")
    page = office.get("/venues")
    assert page.status_code == 200
    assert "Robot lab" in page.text
    assert "Welding workshop" in page.text
    assert "LAB-B" not in page.text
    assert 'href="/venues/new"' in page.text
    assert 'href="/venues/export.xlsx?"' in page.text
    filtered = office.get("/venues?kind=laboratory")
    assert "LAB-1" in filtered.text
    assert "WS-1" not in filtered.text
    assert '<option value="laboratory" selected>' in filtered.text
    assert 'href="/venues/export.xlsx?kind=laboratory"' in filtered.text
    searched = office.get("/venues?q=hall+3")
    assert "WS-1" in searched.text
    assert "LAB-1" not in searched.text
    ignored = office.get("/venues?kind=garage&department_id=abc")
    assert ignored.status_code == 200
    assert "LAB-1" in ignored.text


def test_htmx_gets_only_the_results(office: TestClient, session: Session, world: World) -> None:
    make_venue(session, world.college, code="LAB-1")
    part = office.get("/venues?q=lab", headers=HTMX)
    assert part.text.lstrip().startswith('<div id="results">')
    assert "<html" not in part.text
    assert "LAB-1" in part.text


def test_the_list_pages(office: TestClient, session: Session, world: World) -> None:
    for number in range(30):
        make_venue(session, world.college, code=f"R-{number:02d}")
    first = office.get("/venues")
    assert "R-24" in first.text
    assert "R-25" not in first.text
    assert "1–25 of 30" in first.text
    second = office.get("/venues?page=2")
    assert "R-25" in second.text
    assert "R-24" not in second.text


def test_the_export_has_the_lists_rows(office: TestClient, session: Session, world: World) -> None:
    base = make_base(session, world.college, name="Joint base")
    venue = make_venue(
        session,
        world.college,
        code="SIM-1",
        name="Simulated pharmacy",
        kind="simulated_site",
        area_m2="120.5",
        workstations=30,
        ownership="enterprise",
        partnership_id=world.partnership.id,
        base_id=base.id,
        department_id=world.department.id,
    )
    place_equipment(session, venue)
    make_venue(session, world.college, code="WS-1", kind="workshop")
    make_venue(session, world.other_college, code="SIM-B", kind="simulated_site")
    response = office.get("/venues/export.xlsx?kind=simulated_site")
    assert response.status_code == 200
    assert "venues-" in response.headers["content-disposition"]
    rows = sheet_rows(response.content)
    header = rows[0]
    assert header[:6] == ["Code", "Name", "Building", "Type", "Area (m²)", "Workstations"]
    assert len(rows) == 2
    record = dict(zip(header, rows[1], strict=True))
    assert record["Code"] == "SIM-1"
    assert record["Type"] == "Simulated practice site"
    assert record["Area (m²)"] == 120.5
    assert record["Owner"] == "Enterprise"
    assert record["Enterprise"] == "Acme Precision"
    assert record["Training base"] == "Joint base"
    assert record["Equipment lines"] == 1
    assert record["Department"] == world.department.name_en


def test_the_form_offers_the_colleges_choices(
    office: TestClient, session: Session, world: World
) -> None:
    make_base(session, world.college, code="BASE-A", name="Campus factory")
    make_base(session, world.other_college, code="BASE-B", name="Other factory")
    page = office.get("/venues/new")
    assert page.status_code == 200
    assert "Simulated practice site" in page.text
    assert "Acme Precision" in page.text
    assert "Beta Works" not in page.text
    assert "Campus factory" in page.text
    assert "Other factory" not in page.text
    assert world.department.name_en in page.text
    assert 'name="college_id"' not in page.text


def test_a_bad_form_keeps_the_input_and_says_why(office: TestClient, world: World) -> None:
    response = post_form(
        office,
        "/venues/new",
        {
            "code": "B2-101",
            "name": "CNC workshop",
            "kind": "workshop",
            "area_m2": "-3",
            "ownership": "enterprise",
            "status": "active",
        },
    )
    assert response.status_code == 422
    assert "Enter a number greater than 0." in response.text
    assert 'value="CNC workshop"' in response.text
    response = post_form(
        office,
        "/venues/new",
        {
            "code": "B2-101",
            "name": "CNC workshop",
            "kind": "workshop",
            "ownership": "enterprise",
            "status": "active",
        },
    )
    assert response.status_code == 422
    assert re.search(r'id="e-partnership_id">Choose the enterprise that owns', response.text)


def test_a_venue_is_added_and_shown_with_its_equipment(
    office: TestClient, session: Session, world: World
) -> None:
    response = post_form(
        office,
        "/venues/new",
        {
            "code": "ws-7",
            "name": "Welding workshop",
            "kind": "workshop",
            "ownership": "joint",
            "partnership_id": str(world.partnership.id),
            "status": "active",
            "workstations": "12",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    url = response.headers["location"]
    venue = session.get(Venue, int(url.rsplit("/", 1)[1]))
    assert venue is not None
    assert venue.code == "WS-7"
    item = place_equipment(session, venue, name="Welding robot", asset_tag="EQ-ROBOT")
    page = office.get(url)
    assert "Venue WS-7 Welding workshop added." in page.text
    assert f'href="/equipment/{item.id}"' in page.text
    assert "Welding robot" in page.text
    assert f'href="/venues/{venue.id}/calendar"' in page.text
    assert f'href="/utilisation?venue_id={venue.id}"' in page.text
    assert f'href="/venues/{venue.id}/edit"' in page.text
    assert "Joint · Acme Precision" in page.text


def test_readers_see_no_edit_buttons(session: Session, world: World, browser: Browser) -> None:
    venue = make_venue(
        session, world.college, ownership="enterprise", partnership_id=world.partnership.id
    )
    teacher = browser(make_user(session, Role.TEACHER.value, world.college))
    page = teacher.get(f"/venues/{venue.id}")
    assert page.status_code == 200
    assert f"/venues/{venue.id}/edit" not in page.text
    assert 'href="/venues/new"' not in teacher.get("/venues").text
    assert teacher.get(f"/venues/{venue.id}/edit").status_code == 403
    contact = browser(make_contact_user(session, world.enterprise))
    assert contact.get(f"/venues/{venue.id}").status_code == 200
    other = make_venue(session, world.other_college)
    assert contact.get(f"/venues/{other.id}").status_code == 404
    assert teacher.get(f"/venues/{other.id}").status_code == 404


def test_an_edit_saves_and_a_stale_one_is_refused(
    office: TestClient, session: Session, world: World
) -> None:
    venue = make_venue(session, world.college, name="Old name", area_m2="40")
    edit = f"/venues/{venue.id}/edit"
    form = office.get(edit)
    assert 'value="Old name"' in form.text
    assert 'value="40.00"' in form.text
    token = csrf_from(form.text)
    data = {
        "csrf_token": token,
        "version": "1",
        "code": venue.code,
        "name": "New name",
        "kind": "workshop",
        "ownership": "college",
        "status": "closed",
    }
    saved = office.post(edit, data=data, follow_redirects=False)
    assert saved.status_code == 303
    session.refresh(venue)
    assert (venue.name, venue.status, venue.area_m2) == ("New name", "closed", None)
    stale = office.post(edit, data={**data, "name": "Lost edit"})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.text
    session.refresh(venue)
    assert venue.name == "New name"


def test_delete_asks_first_and_refuses_a_venue_in_use(
    office: TestClient, session: Session, world: World
) -> None:
    used = make_venue(session, world.college, code="USED")
    book(session, used)
    confirm = office.get(f"/venues/{used.id}/delete")
    assert "cannot be deleted" in confirm.text
    assert "bookings: 1;" in confirm.text
    assert f'action="/venues/{used.id}/delete"' not in confirm.text
    token = csrf_from(office.get("/venues/new").text)
    refused = office.post(f"/venues/{used.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 409
    assert session.get(Venue, used.id) is not None
    spare = make_venue(session, world.college, code="SPARE")
    spare_id = spare.id
    page = office.get(f"/venues/{spare_id}/delete")
    assert "Delete the venue SPARE" in page.text
    done = office.post(
        f"/venues/{spare_id}/delete",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/venues"
    session.expire_all()
    assert session.get(Venue, spare_id) is None


def test_the_pages_read_in_chinese(office: TestClient, session: Session, world: World) -> None:
    base = make_base(session, world.college)
    venue = make_venue(session, world.college, kind="simulated_site", base_id=base.id)
    place_equipment(session, venue)
    chinese = {"Accept-Language": "zh-CN"}
    for url in (
        "/venues",
        "/venues/new",
        f"/venues/{venue.id}",
        f"/venues/{venue.id}/edit",
        f"/venues/{venue.id}/delete",
        "/training-bases",
        "/training-bases/new",
        f"/training-bases/{base.id}",
        f"/training-bases/{base.id}/edit",
        f"/training-bases/{base.id}/delete",
    ):
        page = office.get(url, headers=chinese)
        assert page.status_code == 200, url
        assert '<html lang="zh-CN">' in page.text, url


def test_a_platform_admin_chooses_the_college(
    session: Session, world: World, web: TestClient
) -> None:
    form = web.get("/venues/new")
    assert 'name="college_id"' in form.text
    assert f"{world.college.code} · Acme Precision" in form.text
    token = csrf_from(form.text)
    data = {
        "csrf_token": token,
        "code": "PA-1",
        "name": "Lab",
        "kind": "laboratory",
        "ownership": "college",
        "status": "active",
    }
    missing = web.post("/venues/new", data=data)
    assert missing.status_code == 422
    assert 'id="e-college_id">Choose the college the record belongs to.' in missing.text
    created = web.post(
        "/venues/new",
        data={**data, "college_id": str(world.other_college.id)},
        follow_redirects=False,
    )
    assert created.status_code == 303
    venue = session.get(Venue, int(created.headers["location"].rsplit("/", 1)[1]))
    assert venue is not None
    assert venue.college_id == world.other_college.id


def test_a_contact_sees_no_remarks_nor_a_base_they_may_not_see(
    session: Session, world: World, browser: Browser
) -> None:
    campus = make_base(session, world.college, name="College campus base")
    venue = make_venue(
        session,
        world.college,
        code="SIM-1",
        ownership="enterprise",
        partnership_id=world.partnership.id,
        base_id=campus.id,
        note="Rent overdue",
    )
    office = browser(make_user(session, "college_admin", world.college)).get(f"/venues/{venue.id}")
    assert "Rent overdue" in office.text
    assert "College campus base" in office.text
    contact = browser(make_contact_user(session, world.enterprise))
    page = contact.get(f"/venues/{venue.id}").text
    assert "Rent overdue" not in page
    assert "College campus base" not in page
    listed = contact.get("/venues").text
    assert "SIM-1" in listed
    assert "College campus base" not in listed
    rows = sheet_rows(contact.get("/venues/export.xlsx").content)
    assert "Remarks" not in rows[0]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["Code"], record["Training base"]) == ("SIM-1", None)
