"""The equipment JSON API: the register's list (filters, totals), adding, reading, changing
with stale-edit protection, deleting (refused when booked), maintenance records, problem+json
errors naming the field, and scope by role."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement.models import AgreementStatus
from tandem.auth.models import User
from tandem.resource.models import Equipment
from tests.factories import bearer
from tests.resource.equipment_world import World, book, build, make_line

BASE = "/api/v1/equipment"
PROBLEM = "application/problem+json"


@pytest.fixture
def world(session: Session) -> World:
    made = build(session)
    session.commit()
    return made


def client_for(app: FastAPI, session: Session, user: User, language: str = "en") -> TestClient:
    return TestClient(app, headers={"Accept-Language": language, **bearer(session, user)})


@pytest.fixture
def office(app: FastAPI, session: Session, world: World) -> TestClient:
    return client_for(app, session, world.users["office"])


def _errors(response: Any) -> dict[str, str]:
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Equipment)) or 0


def test_add_read_change_and_delete(office: TestClient, world: World) -> None:
    created = office.post(
        BASE,
        json={
            "asset_tag": "ZC-100",
            "name": "Collaborative robot",
            "model": "UR5e",
            "category": "Robots",
            "quantity": 2,
            "ownership": "joint",
            "partnership_id": world.acme.id,
            "college_share_pct": "60",
            "enterprise_share_pct": "40",
            "acquisition": "quasi_donated",
            "value_cny": "300000",
            "acquired_on": "2024-10-08",
            "venue_id": world.lab.id,
            "agreement_id": world.acme_agreement.id,
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    url = f"{BASE}/{body['id']}"
    assert created.headers["location"] == url
    assert (body["college_share_pct"], body["enterprise_share_pct"]) == ("60.00", "40.00")
    assert (body["enterprise_id"], body["enterprise_name"]) == (
        world.acme.enterprise_id,
        "Acme Robotics",
    )
    assert (body["venue_code"], body["status"], body["version"]) == ("LAB-2", "in_use", 1)

    assert office.get(url).json()["asset_tag"] == "ZC-100"
    changed = office.patch(url, json={"status": "idle", "quantity": 3, "version": 1})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["status"], changed.json()["quantity"], changed.json()["version"]) == (
        "idle",
        3,
        2,
    )
    stale = office.patch(url, json={"name": "Overwritten", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert office.get(url).json()["name"] == "Collaborative robot"

    assert office.delete(url).status_code == 204
    assert office.get(url).status_code == 404


def test_shares_that_do_not_add_up_name_the_field(
    office: TestClient, world: World, session: Session
) -> None:
    refused = office.post(
        BASE,
        json={
            "asset_tag": "ZC-1",
            "name": "Lathe",
            "ownership": "joint",
            "partnership_id": world.acme.id,
            "college_share_pct": 70,
            "enterprise_share_pct": 20,
        },
    )
    assert refused.status_code == 422
    assert _errors(refused) == {
        "enterprise_share_pct": "The college's share and the enterprise's share must add up to "
        "100%; these add up to 90%."
    }
    assert _count(session) == 0


def test_errors_are_in_the_readers_language(app: FastAPI, session: Session, world: World) -> None:
    office_zh = client_for(app, session, world.users["office"], "zh-CN")
    refused = office_zh.post(BASE, json={"asset_tag": "", "name": "Lathe", "quantity": 0})
    assert refused.status_code == 422
    assert set(_errors(refused)) == {"asset_tag", "quantity"}


def test_the_list_filters_and_totals(office: TestClient, session: Session, world: World) -> None:
    make_line(session, world.college, "ZC-1", venue_id=world.workshop.id)
    make_line(
        session,
        world.college,
        "ZC-2",
        name="Robot arm",
        category="Robots",
        quantity=1,
        value_cny="99.50",
        ownership="enterprise",
        partnership_id=world.bolt.id,
    )
    make_line(session, world.other, "ZC-3")
    session.commit()
    everything = office.get(BASE).json()
    assert [e["asset_tag"] for e in everything["items"]] == ["ZC-1", "ZC-2"]
    assert everything["totals"] == {"lines": 2, "quantity": 5, "value_cny": "480099.50"}
    assert everything["categories"] == ["CNC machine tools", "Robots"]
    assert everything["meta"]["total"] == 2
    robots = office.get(BASE, params={"ownership": "enterprise", "q": "robot"}).json()
    assert [e["asset_tag"] for e in robots["items"]] == ["ZC-2"]
    assert robots["totals"]["quantity"] == 1
    in_base = office.get(BASE, params={"base_id": world.base.id, "sort": "-value_cny"}).json()
    assert [e["asset_tag"] for e in in_base["items"]] == ["ZC-1"]
    page = office.get(BASE, params={"per_page": 1, "page": 2}).json()
    assert ([e["asset_tag"] for e in page["items"]], page["meta"]["pages"]) == (["ZC-2"], 2)
    bad = office.get(BASE, params={"status": "broken"})
    assert bad.status_code == 422
    assert "status" in _errors(bad)


def test_a_booked_line_cannot_be_deleted(
    office: TestClient, session: Session, world: World
) -> None:
    line = make_line(session, world.college)
    book(session, line)
    session.commit()
    refused = office.delete(f"{BASE}/{line.id}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "has_bookings"
    assert "Retire it instead" in refused.json()["detail"]
    assert office.get(f"{BASE}/{line.id}").status_code == 200


def test_maintenance_records(office: TestClient, session: Session, world: World) -> None:
    line = make_line(session, world.college)
    session.commit()
    url = f"{BASE}/{line.id}/maintenance"
    added = office.post(
        url,
        json={
            "done_on": "2025-04-01",
            "kind": "repair",
            "description": "Coolant pump",
            "cost_cny": "800",
            "downtime_hours": "6.5",
            "set_status": "maintenance",
        },
    )
    assert added.status_code == 201, added.text
    record = added.json()
    assert (record["kind"], record["cost_cny"], record["equipment_id"]) == (
        "repair",
        "800.00",
        line.id,
    )
    assert office.get(f"{BASE}/{line.id}").json()["status"] == "maintenance"
    history = office.get(url).json()
    assert [r["id"] for r in history["items"]] == [record["id"]]
    assert (history["total_cost_cny"], history["total_downtime_hours"]) == ("800.00", "6.50")
    future = office.post(url, json={"done_on": "2999-01-01", "kind": "routine"})
    assert future.status_code == 422
    assert "done_on" in _errors(future)
    assert office.delete(f"{url}/{record['id']}").status_code == 204
    assert office.get(url).json()["items"] == []
    assert office.delete(f"{url}/{record['id']}").status_code == 404


def test_scope_and_rights_by_role(app: FastAPI, session: Session, world: World) -> None:
    joint = make_line(
        session,
        world.college,
        "J-1",
        ownership="joint",
        partnership_id=world.acme.id,
        college_share_pct=50,
        department_id=world.info.id,
    )
    own_college = make_line(session, world.college, "C-1", department_id=world.mech.id)
    far = make_line(session, world.other, "F-1")
    session.commit()
    contact = client_for(app, session, world.users["contact"])
    teacher = client_for(app, session, world.users["teacher"])
    coordinator = client_for(app, session, world.users["coordinator"])
    assert [e["asset_tag"] for e in contact.get(BASE).json()["items"]] == ["J-1"]
    assert contact.get(f"{BASE}/{own_college.id}").status_code == 404
    assert contact.patch(f"{BASE}/{joint.id}", json={"name": "x"}).status_code == 403
    assert teacher.get(f"{BASE}/{far.id}").status_code == 404
    assert teacher.patch(f"{BASE}/{own_college.id}", json={"name": "x"}).status_code == 403
    assert coordinator.patch(f"{BASE}/{own_college.id}", json={"name": "Mine"}).status_code == 200
    refused = coordinator.patch(f"{BASE}/{joint.id}", json={"name": "Not mine"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "other_department"
    created = coordinator.post(BASE, json={"asset_tag": "M-9", "name": "Drill"})
    assert created.status_code == 201
    assert created.json()["department_id"] == world.mech.id


def test_a_contact_reads_no_remarks_venue_or_agreement_they_may_not_see(
    app: FastAPI, session: Session, world: World, office: TestClient
) -> None:
    line = make_line(
        session,
        world.college,
        "J-1",
        ownership="joint",
        partnership_id=world.acme.id,
        college_share_pct=50,
        venue_id=world.workshop.id,
        agreement_id=world.acme_agreement.id,
        note="Insurance lapsed",
    )
    session.commit()
    mine = office.get(f"{BASE}/{line.id}").json()
    assert (mine["note"], mine["venue_code"], mine["agreement_id"]) == (
        "Insurance lapsed",
        "WS-1",
        world.acme_agreement.id,
    )
    contact = client_for(app, session, world.users["contact"])
    for read in (contact.get(f"{BASE}/{line.id}").json(), contact.get(BASE).json()["items"][0]):
        assert read["note"] is None
        assert (read["venue_id"], read["venue_code"]) == (world.workshop.id, None)
        assert read["agreement_id"] is None  # a draft, still inside the college
    world.acme_agreement.status = AgreementStatus.ACTIVE
    session.commit()
    assert contact.get(f"{BASE}/{line.id}").json()["agreement_id"] == world.acme_agreement.id
