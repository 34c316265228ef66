"""The partner registry's JSON API: every route, errors as problem+json, scope and notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.college.models import College, Department
from tests.factories import bearer, make_college, make_department, make_user
from tests.partner.helpers import (
    enterprise_data,
    make_contact_user,
    make_enterprise,
    make_partnership,
    make_teacher,
)

PROBLEM = "application/problem+json"
Client = Callable[[User], TestClient]
SECRET = "CONFIDENTIAL-NOTE-42"


@pytest.fixture
def as_user(app: FastAPI, session: Session) -> Client:
    def make(user: User) -> TestClient:
        return TestClient(app, headers={"Accept-Language": "en", **bearer(session, user)})

    return make


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


@pytest.fixture
def department(session: Session, college: College) -> Department:
    return make_department(session, college)


@pytest.fixture
def office(session: Session, college: College, as_user: Client) -> TestClient:
    return as_user(make_user(session, "college_admin", college))


def test_register_read_list_and_change(api: TestClient) -> None:
    data = enterprise_data(name="Pearl River Robotics", industry_section="i")
    created = api.post(
        "/api/v1/enterprises",
        json={**data, "staff_count": {"as_of": "2024-01-01", "on_post_staff": 80}},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    url = f"/api/v1/enterprises/{body['id']}"
    assert created.headers["location"] == url
    assert (body["industry_section"], body["version"], body["archived_at"]) == ("I", 1, None)
    assert api.get(url).json()["name"] == "Pearl River Robotics"
    listed = api.get(
        "/api/v1/enterprises", params={"q": "pearl", "industry_section": "I", "region": "44"}
    ).json()
    assert [e["id"] for e in listed["items"]] == [body["id"]]
    assert listed["meta"] == {"total": 1, "page": 1, "per_page": 25, "pages": 1}
    changed = api.patch(url, json={"short_name": "PRR", "version": 1})
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    stale = api.patch(url, json={"short_name": "Lost", "version": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")


def test_uscc_errors_are_distinct_and_actionable(api: TestClient) -> None:
    messages = set()
    for typed in ("9144010", "91440101MA5D0B2RIO", "91440101MA5D0B2R48"):
        response = api.post("/api/v1/enterprises", json=enterprise_data(uscc=typed))
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        error = response.json()["errors"][0]
        assert error["field"] == "uscc"
        messages.add(error["message"])
    assert len(messages) == 3


def test_duplicate_uscc_is_409_and_links_the_existing_record(
    api: TestClient, session: Session
) -> None:
    existing = make_enterprise(session, name="广州精工")
    session.commit()
    response = api.post(
        "/api/v1/enterprises", json=enterprise_data(uscc=existing.uscc.lower(), name="Again")
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["existing_id"]) == ("duplicate", existing.id)
    error = body["errors"][0]
    assert error["field"] == "uscc"
    assert error["existing_url"] == f"/enterprises/{existing.id}"
    assert "already registered as 广州精工" in error["message"]
    assert api.get("/api/v1/enterprises", params={"q": "Again"}).json()["meta"]["total"] == 0


def test_list_parameters_are_checked(api: TestClient) -> None:
    for params in ({"industry_section": "Z"}, {"region": "44a"}, {"sort": "notes"}):
        assert api.get("/api/v1/enterprises", params=params).status_code == 422, params


def test_a_college_registers_then_proposes_and_the_enterprise_decides(
    session: Session, college: College, office: TestClient, as_user: Client
) -> None:
    created = office.post("/api/v1/enterprises", json=enterprise_data(name="Old Name"))
    assert created.status_code == 201
    enterprise_id = created.json()["id"]
    url = f"/api/v1/enterprises/{enterprise_id}"
    denied = office.patch(url, json={"name": "Direct"})
    assert denied.status_code == 403
    proposed = office.post(
        f"{url}/proposals", json={"changes": {"name": "New Name"}, "reason": "Renamed in 2024"}
    )
    assert proposed.status_code == 201, proposed.text
    proposal = proposed.json()
    assert proposed.headers["location"] == f"/api/v1/proposals/{proposal['id']}"
    bad = office.post(f"{url}/proposals", json={"changes": {"website": "x"}, "reason": "r"})
    assert bad.json()["errors"][0]["field"] == "changes.website"
    assert office.post(f"/api/v1/proposals/{proposal['id']}/accept", json={}).status_code == 403

    from tandem.partner.models import Enterprise

    contact = as_user(make_contact_user(session, session.get(Enterprise, enterprise_id)))
    inbox = contact.get("/api/v1/proposals", params={"status": "open"}).json()
    assert [p["id"] for p in inbox["items"]] == [proposal["id"]]
    assert contact.get(f"{url}/proposals").json()["meta"]["total"] == 1
    accepted = contact.post(f"/api/v1/proposals/{proposal['id']}/accept", json={"note": "ok"})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert office.get(url).json()["name"] == "New Name"
    assert office.get(f"/api/v1/proposals/{proposal['id']}").json()["decision_note"] == "ok"

    second = office.post(f"{url}/proposals", json={"changes": {"address": "X"}, "reason": "r"})
    rejected = contact.post(f"/api/v1/proposals/{second.json()['id']}/reject", json={})
    assert rejected.json()["errors"][0]["field"] == "note"
    rejected = contact.post(
        f"/api/v1/proposals/{second.json()['id']}/reject", json={"note": "Not our address"}
    )
    assert rejected.json()["status"] == "rejected"


def test_a_contact_edits_its_own_enterprise_and_cannot_see_another(
    session: Session, as_user: Client
) -> None:
    own, other = make_enterprise(session), make_enterprise(session)
    contact = as_user(make_contact_user(session, own))
    assert (
        contact.patch(f"/api/v1/enterprises/{own.id}", json={"address": "Here"}).status_code == 200
    )
    for method, path in [
        ("PATCH", f"/api/v1/enterprises/{other.id}"),
        ("GET", f"/api/v1/enterprises/{other.id}"),
        ("GET", f"/api/v1/enterprises/{other.id}/contacts"),
    ]:
        response = contact.request(method, path, json={"address": "There"})
        assert response.status_code == 404, path
    listed = contact.get("/api/v1/enterprises").json()
    assert [e["id"] for e in listed["items"]] == [own.id]
    assert contact.post(f"/api/v1/enterprises/{own.id}/archive", json={}).status_code == 403


def test_staff_count_and_contact_routes(api: TestClient, session: Session) -> None:
    enterprise = make_enterprise(session)
    session.commit()
    base = f"/api/v1/enterprises/{enterprise.id}"
    first = api.post(f"{base}/staff-counts", json={"as_of": "2023-01-01", "on_post_staff": 100})
    assert first.status_code == 201
    api.post(f"{base}/staff-counts", json={"as_of": "2024-01-01", "on_post_staff": 150})
    twice = api.post(f"{base}/staff-counts", json={"as_of": "2024-01-01", "on_post_staff": 1})
    assert (twice.status_code, twice.json()["errors"][0]["field"]) == (409, "as_of")
    negative = api.post(f"{base}/staff-counts", json={"as_of": "2025-01-01", "on_post_staff": -1})
    assert negative.status_code == 422
    counts = api.get(f"{base}/staff-counts").json()
    assert [c["on_post_staff"] for c in counts["items"]] == [150, 100]
    assert api.delete(f"{base}/staff-counts/{first.json()['id']}").status_code == 204
    assert api.delete(f"{base}/staff-counts/{first.json()['id']}").status_code == 404

    made = api.post(f"{base}/contacts", json={"name": "Li", "email": "LI@Firm.Example"})
    assert made.status_code == 201
    contact = made.json()
    assert contact["email"] == "li@firm.example"
    url = f"{base}/contacts/{contact['id']}"
    assert made.headers["location"] == url
    assert api.get(url).json()["name"] == "Li"
    assert api.patch(url, json={"role": "HR"}).json()["role"] == "HR"
    assert api.get(f"{base}/contacts").json()["meta"]["total"] == 1
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_archive_and_restore(api: TestClient, session: Session, college: College) -> None:
    enterprise = make_enterprise(session)
    partnership = make_partnership(
        session, college, enterprise, status="active", start_date="2024-01-01"
    )
    session.commit()
    base = f"/api/v1/enterprises/{enterprise.id}"
    busy = api.post(f"{base}/archive", json={})
    assert (busy.status_code, busy.json()["code"]) == (409, "in_use")
    partnership.status = "dormant"
    session.commit()
    archived = api.post(f"{base}/archive", json={"version": 1})
    assert archived.status_code == 200
    assert archived.json()["archived_at"] is not None
    assert (
        api.get("/api/v1/enterprises", params={"archived": "archived"}).json()["meta"]["total"] == 1
    )
    assert api.patch(base, json={"name": "x"}).json()["code"] == "archived"
    assert api.post(f"{base}/restore", json={}).json()["archived_at"] is None


def test_partnership_routes(
    session: Session,
    college: College,
    department: Department,
    office: TestClient,
) -> None:
    enterprise = make_enterprise(session, name="Robots Ltd")
    teacher = make_teacher(session, college, department)
    session.commit()
    created = office.post(
        "/api/v1/partnerships",
        json={
            "enterprise_id": enterprise.id,
            "department_id": department.id,
            "account_manager_id": teacher.id,
            "tags": ["机器人"],
            "notes": "n",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    url = f"/api/v1/partnerships/{body['id']}"
    assert created.headers["location"] == url
    assert (body["status"], body["allowed_next"]) == ("prospect", ["vetting", "ended"])
    assert body["enterprise"]["name"] == "Robots Ltd"
    again = office.post("/api/v1/partnerships", json={"enterprise_id": enterprise.id})
    assert (again.status_code, again.json()["existing_id"]) == (409, body["id"])
    listed = office.get("/api/v1/partnerships", params={"tag": "机器人", "status": "prospect"})
    assert [p["id"] for p in listed.json()["items"]] == [body["id"]]
    assert office.get("/api/v1/partnerships", params={"department_id": 0}).json()["items"] == []
    patched = office.patch(url, json={"tags": "a, b", "version": body["version"]})
    assert patched.json()["tags"] == ["a", "b"]
    moved = office.post(url + "/status", json={"status": "vetting"})
    assert (moved.status_code, moved.json()["status"]) == (200, "vetting")
    refused = office.post(url + "/status", json={"status": "dormant"})
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "invalid_transition"
    assert "can move only to: Active, Ended" in problem["detail"]
    needs_date = office.post(url + "/status", json={"status": "active"})
    assert needs_date.json()["errors"][0]["field"] == "start_date"
    ending = office.post(url + "/status", json={"status": "ended"})
    assert ending.json()["errors"][0]["field"] == "reason"
    assert office.get(url).json()["status"] == "vetting"


def _partnered(
    session: Session, college: College, as_user: Client
) -> tuple[TestClient, TestClient, Any]:
    enterprise = make_enterprise(session)
    partnership = make_partnership(session, college, enterprise, notes=SECRET, tags=["t"])
    office = as_user(make_user(session, "college_admin", college))
    contact = as_user(make_contact_user(session, enterprise))
    return office, contact, partnership


def test_notes_never_reach_an_enterprise_contact(
    session: Session, college: College, as_user: Client
) -> None:
    office, contact, partnership = _partnered(session, college, as_user)
    url = f"/api/v1/partnerships/{partnership.id}"
    assert office.get(url).json()["notes"] == SECRET
    assert SECRET in office.get("/api/v1/partnerships").text
    for response in (contact.get(url), contact.get("/api/v1/partnerships")):
        assert response.status_code == 200
        assert SECRET not in response.text
        assert '"notes"' not in response.text
    assert contact.get("/api/v1/partnerships", params={"q": SECRET}).json()["items"] == []
    assert contact.patch(url, json={"notes": "mine"}).status_code == 403


def test_another_colleges_partnership_is_404(
    session: Session, college: College, as_user: Client
) -> None:
    _, _, partnership = _partnered(session, college, as_user)
    stranger = as_user(make_user(session, "college_admin", make_college(session)))
    url = f"/api/v1/partnerships/{partnership.id}"
    assert stranger.get(url).status_code == 404
    assert stranger.patch(url, json={"notes": "x"}).status_code == 404
    assert stranger.post(url + "/status", json={"status": "vetting"}).status_code == 404
    assert stranger.get("/api/v1/partnerships").json()["items"] == []
