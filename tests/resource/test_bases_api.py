"""The training bases' JSON API: every route, the authority fields read back with the host,
majors and figures of venues and equipment, bad input as problem+json, scope (another college's
base is a 404; a contact reads the bases their enterprise hosts), stale versions and deletion
refused while venues belong to the base."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.agreement.models import AgreementStatus
from tandem.auth.models import User
from tandem.auth.roles import Role
from tests.agreement.helpers import make_agreement
from tests.factories import bearer, make_user
from tests.partner.helpers import make_contact_user
from tests.people.builders import make_major
from tests.resource.test_venues_helpers import (
    World,
    make_base,
    make_venue,
    make_world,
    place_equipment,
)

PROBLEM = "application/problem+json"
URL = "/api/v1/training-bases"
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


def test_a_base_is_added_and_read_back(office: TestClient, session: Session, world: World) -> None:
    major = make_major(session, world.college, world.department, name_en="CNC technology")
    response = office.post(
        URL,
        json={
            "code": "hb-1",
            "name": "Acme host base",
            "kind": "off_campus",
            "partnership_id": world.partnership.id,
            "department_id": world.department.id,
            "founded_on": "2019-09-01",
            "workstations": 40,
            "host_staff_on_post": 820,
            "projects": "CNC machining",
            "lodging": True,
            "intern_subsidy_cny": "2400",
            "college_funding_per_student_cny": 350.5,
            "major_ids": [major.id],
        },
    )
    assert response.status_code == 201, response.text
    base = response.json()
    assert response.headers["Location"] == f"{URL}/{base['id']}"
    assert base["code"] == "HB-1"
    assert base["enterprise_name"] == "Acme Precision"
    assert base["department_name"] == world.department.name_en
    assert base["majors"] == [{"id": major.id, "code": major.code, "name": "CNC technology"}]
    assert base["intern_subsidy_cny"] == "2400.00"
    assert base["college_funding_per_student_cny"] == "350.50"
    assert (base["venue_count"], base["equipment_value_cny"]) == (0, "0.00")
    venue = make_venue(session, world.college, base_id=base["id"])
    place_equipment(session, venue, value_cny=Decimal("80000"))
    again = office.get(f"{URL}/{base['id']}").json()
    assert (again["venue_count"], again["equipment_value_cny"]) == (1, "80000.00")


def test_bad_input_names_each_field(office: TestClient, world: World) -> None:
    response = office.post(
        URL,
        json={
            "code": "",
            "name": "B",
            "kind": "off_campus",
            "founded_on": "2999-01-01",
            "host_staff_on_post": -1,
            "intern_subsidy_cny": "1.001",
        },
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    fields = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert fields == {
        "code": "missing",
        "founded_on": "date_in_future",
        "host_staff_on_post": "greater_than_equal",
        "intern_subsidy_cny": "too_many_decimals",
    }
    no_host = office.post(URL, json={"code": "X", "name": "B", "kind": "off_campus"})
    assert no_host.status_code == 422
    assert no_host.json()["errors"][0]["field"] == "partnership_id"
    foreign = office.post(
        URL,
        json={"code": "X", "name": "B", "kind": "on_campus", "major_ids": [987654]},
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "major_ids"


def test_the_list_filters_and_searches(office: TestClient, session: Session, world: World) -> None:
    make_base(
        session,
        world.college,
        code="HB",
        name="Host base",
        kind="off_campus",
        partnership_id=world.partnership.id,
    )
    make_base(
        session,
        world.college,
        code="CF",
        name="Campus factory",
        status="closed",
        department_id=world.department.id,
    )
    make_base(session, world.other_college, code="ZZ")
    assert [b["code"] for b in office.get(URL).json()["items"]] == ["CF", "HB"]
    for params, expected in (
        ({"kind": "off_campus"}, ["HB"]),
        ({"status": "closed"}, ["CF"]),
        ({"department_id": world.department.id}, ["CF"]),
        ({"partnership_id": world.partnership.id}, ["HB"]),
        ({"q": "acme"}, ["HB"]),
        ({"sort": "-name"}, ["HB", "CF"]),
    ):
        assert [b["code"] for b in office.get(URL, params=params).json()["items"]] == expected
    assert office.get(URL, params={"kind": "floating"}).status_code == 422


def test_scope_and_rights(session: Session, world: World, as_user: Client) -> None:
    hosted = make_base(
        session,
        world.college,
        kind="off_campus",
        partnership_id=world.partnership.id,
        department_id=world.department.id,
    )
    campus = make_base(session, world.college, department_id=world.other_department.id)
    other = make_base(session, world.other_college)
    office = as_user(make_user(session, "college_admin", world.college))
    assert office.get(f"{URL}/{other.id}").status_code == 404
    assert office.patch(f"{URL}/{other.id}", json={"name": "x"}).status_code == 404
    contact = as_user(make_contact_user(session, world.enterprise))
    assert [b["id"] for b in contact.get(URL).json()["items"]] == [hosted.id]
    assert contact.get(f"{URL}/{campus.id}").status_code == 404
    assert contact.patch(f"{URL}/{hosted.id}", json={"name": "x"}).status_code == 403
    coordinator = as_user(
        make_user(session, Role.DEPARTMENT_COORDINATOR.value, world.college, world.department)
    )
    assert coordinator.patch(f"{URL}/{hosted.id}", json={"workstations": 3}).status_code == 200
    assert coordinator.patch(f"{URL}/{campus.id}", json={"workstations": 3}).status_code == 403
    assert coordinator.delete(f"{URL}/{campus.id}").status_code == 403


def test_stale_edits_and_deletes(office: TestClient, session: Session, world: World) -> None:
    base = make_base(session, world.college)
    assert office.patch(f"{URL}/{base.id}", json={"lodging": True, "version": 1}).status_code == 200
    stale = office.patch(f"{URL}/{base.id}", json={"lodging": False, "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert office.get(f"{URL}/{base.id}").json()["lodging"] is True
    make_venue(session, world.college, base_id=base.id)
    refused = office.delete(f"{URL}/{base.id}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "base_in_use"
    empty = make_base(session, world.college)
    assert office.delete(f"{URL}/{empty.id}").status_code == 204
    assert office.get(f"{URL}/{empty.id}").status_code == 404


def test_a_contact_reads_no_internal_fields_nor_an_agreement_they_cannot_open(
    session: Session, world: World, as_user: Client, office: TestClient
) -> None:
    agreement = make_agreement(session, world.partnership, title="Host base agreement")
    hosted = make_base(
        session,
        world.college,
        kind="off_campus",
        partnership_id=world.partnership.id,
        agreement_id=agreement.id,
        college_funding_per_student_cny="350.5",
        note="Funding under review",
    )
    mine = office.get(f"{URL}/{hosted.id}").json()
    assert (mine["note"], mine["college_funding_per_student_cny"]) == (
        "Funding under review",
        "350.50",
    )
    assert (mine["agreement_id"], mine["agreement_title"]) == (agreement.id, "Host base agreement")
    contact = as_user(make_contact_user(session, world.enterprise))
    for read in (contact.get(f"{URL}/{hosted.id}").json(), contact.get(URL).json()["items"][0]):
        assert read["note"] is None
        assert read["college_funding_per_student_cny"] is None
        assert (read["agreement_id"], read["agreement_title"]) == (None, None)  # still a draft
    agreement.status = AgreementStatus.ACTIVE
    session.flush()
    read = contact.get(f"{URL}/{hosted.id}").json()
    assert (read["agreement_id"], read["agreement_title"]) == (agreement.id, "Host base agreement")
