"""The venues' JSON API: every route, bad input as problem+json with the field at fault, scope
(another college's venue is a 404; a contact reads their enterprise's, never writes), stale
versions (409) and deletion refused while the venue is in use."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.auth.roles import Role
from tandem.resource.models import Venue
from tests.factories import bearer, make_user
from tests.partner.helpers import make_contact_user
from tests.resource.test_venues_helpers import (
    World,
    book,
    make_base,
    make_venue,
    make_world,
    place_equipment,
)

PROBLEM = "application/problem+json"
URL = "/api/v1/venues"
Client = Callable[[User], TestClient]


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def as_user(app: FastAPI, session: Session) -> Client:
    def make(user: User) -> TestClient:
        return TestClient(app, headers={"Accept-Language": "en", **bearer(session, user)})

    return make


@pytest.fixture
def office(session: Session, world: World, as_user: Client) -> TestClient:
    return as_user(make_user(session, "college_admin", world.college))


def test_a_venue_is_added_and_read_back_with_its_names(
    office: TestClient, session: Session, world: World
) -> None:
    base = make_base(session, world.college, name="Joint CNC base")
    body = {
        "code": " b2-101 ",
        "name": "CNC workshop",
        "building": "Building 2",
        "kind": "productive_base",
        "area_m2": "320.5",
        "workstations": 24,
        "ownership": "joint",
        "partnership_id": world.partnership.id,
        "department_id": world.department.id,
        "base_id": base.id,
    }
    response = office.post(URL, json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["Location"] == f"{URL}/{created['id']}"
    assert created["code"] == "B2-101"
    assert created["area_m2"] == "320.50"
    assert created["enterprise_name"] == "Acme Precision"
    assert created["enterprise_id"] == world.enterprise.id
    assert created["department_name"] == world.department.name_en
    assert created["base_name"] == "Joint CNC base"
    assert created["equipment_count"] == 0
    assert created["version"] == 1
    venue = session.get(Venue, created["id"])
    assert venue is not None
    place_equipment(session, venue)
    again = office.get(f"{URL}/{created['id']}").json()
    assert again["equipment_count"] == 1


def test_bad_input_names_each_field(office: TestClient) -> None:
    response = office.post(
        URL,
        json={"code": "A B", "name": "", "kind": "garage", "area_m2": 0, "workstations": -2},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(fields) == {"code", "name", "kind", "area_m2", "workstations"}
    assert "greater than 0" in fields["area_m2"]


def test_service_rules_come_back_as_problems(office: TestClient, world: World) -> None:
    response = office.post(
        URL, json={"code": "E-1", "name": "Lab", "kind": "laboratory", "ownership": "enterprise"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "partnership_id"
    response = office.post(
        URL,
        json={
            "code": "E-1",
            "name": "Lab",
            "kind": "laboratory",
            "ownership": "enterprise",
            "partnership_id": world.other_partnership.id,
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unknown_record"
    assert (
        office.post(URL, json={"code": "D-1", "name": "A", "kind": "classroom"}).status_code == 201
    )
    duplicate = office.post(URL, json={"code": "d-1", "name": "B", "kind": "classroom"})
    assert duplicate.status_code == 409
    assert duplicate.json()["errors"][0] == {
        "field": "code",
        "code": "duplicate",
        "message": "Another venue of the college already has the code D-1.",
    }


def test_the_list_filters_searches_sorts_and_pages(
    office: TestClient, session: Session, world: World
) -> None:
    base = make_base(session, world.college)
    for number in range(1, 4):
        make_venue(
            session,
            world.college,
            code=f"R-{number}",
            name=f"Room {number}",
            area_m2=str(number * 10),
        )
    lab = make_venue(
        session,
        world.college,
        code="LAB",
        name="Sensor lab",
        kind="laboratory",
        base_id=base.id,
        ownership="enterprise",
        partnership_id=world.partnership.id,
        department_id=world.department.id,
    )
    place_equipment(session, lab)
    make_venue(session, world.other_college, code="R-9")
    page = office.get(URL, params={"per_page": 2, "page": 2, "sort": "code"}).json()
    assert page["meta"] == {"total": 4, "page": 2, "per_page": 2, "pages": 2}
    assert [v["code"] for v in page["items"]] == ["R-2", "R-3"]
    for params in (
        {"kind": "laboratory"},
        {"base_id": base.id},
        {"ownership": "enterprise"},
        {"partnership_id": world.partnership.id},
        {"department_id": world.department.id},
        {"q": "sensor"},
    ):
        items = office.get(URL, params=params).json()["items"]
        assert [v["code"] for v in items] == ["LAB"], params
        assert items[0]["equipment_count"] == 1
    sizes = office.get(URL, params={"sort": "-area_m2", "kind": "workshop"}).json()["items"]
    assert [v["code"] for v in sizes] == ["R-3", "R-2", "R-1"]
    assert office.get(URL, params={"status": "closed"}).json()["items"] == []
    bad = office.get(URL, params={"kind": "garage"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith(PROBLEM)
    assert office.get(URL, params={"sort": "colour"}).status_code == 422


def test_another_colleges_venue_is_a_404(
    office: TestClient, session: Session, world: World
) -> None:
    other = make_venue(session, world.other_college)
    for method in ("GET", "PATCH", "DELETE"):
        response = office.request(
            method, f"{URL}/{other.id}", json={"name": "x"} if method == "PATCH" else None
        )
        assert response.status_code == 404, method
        assert response.json()["code"] == "not_found"
    assert office.get(f"{URL}/999999").status_code == 404


def test_a_contact_reads_their_enterprises_venues_only(
    session: Session, world: World, as_user: Client
) -> None:
    owned = make_venue(
        session, world.college, ownership="enterprise", partnership_id=world.partnership.id
    )
    college_owned = make_venue(session, world.college)
    contact = as_user(make_contact_user(session, world.enterprise))
    assert [v["id"] for v in contact.get(URL).json()["items"]] == [owned.id]
    assert contact.get(f"{URL}/{owned.id}").status_code == 200
    assert contact.get(f"{URL}/{college_owned.id}").status_code == 404
    assert contact.patch(f"{URL}/{owned.id}", json={"name": "Ours"}).status_code == 403
    assert contact.post(URL, json={"code": "X", "name": "X", "kind": "workshop"}).status_code == 403


def test_coordinators_and_teachers(session: Session, world: World, as_user: Client) -> None:
    mine = make_venue(session, world.college, department_id=world.department.id)
    theirs = make_venue(session, world.college, department_id=world.other_department.id)
    coordinator = as_user(
        make_user(session, Role.DEPARTMENT_COORDINATOR.value, world.college, world.department)
    )
    assert coordinator.patch(f"{URL}/{mine.id}", json={"workstations": 5}).status_code == 200
    refused = coordinator.patch(f"{URL}/{theirs.id}", json={"workstations": 5})
    assert refused.status_code == 403
    assert "own department" in refused.json()["detail"]
    created = coordinator.post(URL, json={"code": "CO-1", "name": "Lab", "kind": "laboratory"})
    assert created.json()["department_id"] == world.department.id
    teacher = as_user(make_user(session, Role.TEACHER.value, world.college))
    assert teacher.get(f"{URL}/{theirs.id}").status_code == 200
    assert teacher.delete(f"{URL}/{mine.id}").status_code == 403


def test_a_stale_edit_is_a_409(office: TestClient, session: Session, world: World) -> None:
    venue = make_venue(session, world.college)
    first = office.patch(f"{URL}/{venue.id}", json={"name": "First", "version": 1})
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = office.patch(f"{URL}/{venue.id}", json={"name": "Second", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert office.get(f"{URL}/{venue.id}").json()["name"] == "First"
    cleared = office.patch(f"{URL}/{venue.id}", json={"department_id": None, "area_m2": None})
    assert cleared.status_code == 200
    assert cleared.json()["area_m2"] is None


def test_delete_is_refused_while_the_venue_is_in_use(
    office: TestClient, session: Session, world: World
) -> None:
    venue = make_venue(session, world.college)
    book(session, venue)
    refused = office.delete(f"{URL}/{venue.id}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "venue_in_use"
    assert "bookings: 1;" in refused.json()["detail"]
    spare = make_venue(session, world.college)
    assert office.delete(f"{URL}/{spare.id}").status_code == 204
    assert office.get(f"{URL}/{spare.id}").status_code == 404
    assert office.get(f"{URL}/{venue.id}").status_code == 200


def test_a_contact_reads_no_remarks_nor_a_base_they_may_not_see(
    session: Session, world: World, as_user: Client, office: TestClient
) -> None:
    campus = make_base(session, world.college, name="College campus base")
    hosted = make_base(
        session,
        world.college,
        name="Acme host base",
        kind="off_campus",
        partnership_id=world.partnership.id,
    )
    in_campus = make_venue(
        session,
        world.college,
        ownership="enterprise",
        partnership_id=world.partnership.id,
        base_id=campus.id,
        note="Rent overdue",
    )
    in_hosted = make_venue(
        session,
        world.college,
        ownership="enterprise",
        partnership_id=world.partnership.id,
        base_id=hosted.id,
    )
    mine = office.get(f"{URL}/{in_campus.id}").json()
    assert (mine["note"], mine["base_name"]) == ("Rent overdue", "College campus base")
    contact = as_user(make_contact_user(session, world.enterprise))
    read = contact.get(f"{URL}/{in_campus.id}").json()
    assert (read["note"], read["base_id"], read["base_name"]) == (None, campus.id, None)
    listed = {v["id"]: v for v in contact.get(URL).json()["items"]}
    assert (listed[in_campus.id]["note"], listed[in_campus.id]["base_name"]) == (None, None)
    assert listed[in_hosted.id]["base_name"] == "Acme host base"  # a base they may open
