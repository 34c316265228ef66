"""The placement plans' JSON API: scope by role (another college's plan is a 404), adding and
changing with problem+json errors, the phase move, the summary, the capacities and the
eligible students (staff only)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.placement.models import Position
from tandem.placement.scope import visible_positions
from tests.factories import bearer
from tests.placement.world import PlacementWorld

URL = "/api/v1/placement-plans"
Client = Callable[[str], TestClient]


@pytest.fixture
def as_user(app: FastAPI, session: Session, world: PlacementWorld) -> Client:
    def make(name: str) -> TestClient:
        user: User = world.users[name]
        return TestClient(app, headers={"Accept-Language": "en", **bearer(session, user)})

    return make


def test_each_role_lists_its_plans(as_user: Client, world: PlacementWorld) -> None:
    for name in ("office", "teacher", "student", "contact1"):
        body = as_user(name).get(URL).json()
        assert [p["id"] for p in body["items"]] == [world.plan.id], name
    assert [p["id"] for p in as_user("other_office").get(URL).json()["items"]] == [
        world.other_plan.id
    ]
    assert as_user("other_office").get(f"{URL}/{world.plan.id}").status_code == 404


def test_a_plan_is_added_and_changed(as_user: Client, world: PlacementWorld) -> None:
    office = as_user("office")
    body = {
        "name": "2028 cognition visit",
        "kind": "cognition",
        "term_start": "2028-03-01",
        "term_end": "2028-03-10",
        "class_ids": [world.senior.id],
        "max_preferences": 3,
    }
    created = office.post(URL, json=body)
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["phase"] == "draft"
    assert plan["class_ids"] == [world.senior.id]
    assert created.headers["Location"] == f"{URL}/{plan['id']}"
    bad = office.patch(f"{URL}/{plan['id']}", json={"max_preferences": 21})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["field"] == "max_preferences"
    changed = office.patch(
        f"{URL}/{plan['id']}", json={"note": "Bus at 8:00", "version": plan["version"]}
    )
    assert changed.status_code == 200
    assert changed.json()["note"] == "Bus at 8:00"
    stale = office.patch(f"{URL}/{plan['id']}", json={"note": "x", "version": plan["version"]})
    assert stale.status_code == 409
    assert office.delete(f"{URL}/{plan['id']}").status_code == 204


def test_a_contact_cannot_add_or_move(as_user: Client, world: PlacementWorld) -> None:
    contact = as_user("contact1")
    assert contact.post(URL, json={}).status_code == 403
    move = contact.post(f"{URL}/{world.plan.id}/phase", json={"phase": "student_ranking"})
    assert move.status_code == 403


def test_the_phase_moves_and_tells(as_user: Client, world: PlacementWorld) -> None:
    office = as_user("office")
    wrong = office.post(f"{URL}/{world.plan.id}/phase", json={"phase": "results"})
    assert wrong.status_code == 409
    assert wrong.json()["code"] == "phase_order"
    moved = office.post(f"{URL}/{world.plan.id}/phase", json={"phase": "student_ranking"})
    assert moved.status_code == 200
    assert moved.json()["plan"]["phase"] == "student_ranking"
    assert moved.json()["notified"] == 1


def test_summary_capacity_and_students(as_user: Client, world: PlacementWorld) -> None:
    summary = as_user("student").get(f"{URL}/{world.plan.id}/summary").json()
    assert summary["positions_published"] == 3
    assert summary["seats"] == 7
    assert [s["phase"] for s in summary["calendar"] if s["current"]] == ["positions"]
    capacity = as_user("office").get(f"{URL}/{world.plan.id}/capacity").json()
    assert capacity["host_cap_pct"] == "10"
    assert capacity["post_cap_pct"] == "20"
    assert {h["partnership_id"] for h in capacity["hosts"]} == {h.id for h in world.hosts}
    host2 = next(h for h in capacity["hosts"] if h["partnership_id"] == world.hosts[1].id)
    assert host2["capacity"] == 3
    assert host2["staff"] == 30
    assert "3 seats" in host2["explanation"]
    mine = as_user("contact2").get(f"{URL}/{world.plan.id}/capacity").json()
    assert [p["position_id"] for p in mine["positions"]] == [world.positions[2].id]
    students = as_user("teacher").get(f"{URL}/{world.plan.id}/students?per_page=4").json()
    assert students["meta"]["total"] == 6
    assert len(students["items"]) == 4
    assert as_user("student").get(f"{URL}/{world.plan.id}/students").status_code == 403
    assert as_user("contact1").get(f"{URL}/{world.plan.id}/students").status_code == 403


def test_contacts_and_students_read_the_plan_not_the_offices_notes(
    client: TestClient, session: Session, world: PlacementWorld
) -> None:
    """The note and the per-student counts are the college's own; a contact's positions of a
    plan still in draft are hidden like the plan."""
    world.plan.note = "internal: host 2 is slow to pay"
    session.flush()
    for name in ("contact1", "student"):
        headers = bearer(session, world.users[name])
        one = client.get(f"/api/v1/placement-plans/{world.plan.id}", headers=headers).json()
        assert one["note"] is None
        listed = client.get("/api/v1/placement-plans?q=slow", headers=headers).json()
        assert listed["items"] == []
        summary = client.get(
            f"/api/v1/placement-plans/{world.plan.id}/summary", headers=headers
        ).json()
        assert summary["eligible_students"] is None
        assert summary["students_ranked"] is None
    office = bearer(session, world.users["office"])
    assert client.get(f"/api/v1/placement-plans/{world.plan.id}", headers=office).json()["note"]
    assert client.get("/api/v1/placement-plans?q=slow", headers=office).json()["items"]

    world.plan.phase = "draft"
    session.flush()
    seen = session.scalars(
        select(Position.id).where(visible_positions(world.actor("contact1")))
    ).all()
    assert seen == []
