"""The positions' JSON API: a plan's positions by role, adding, changing, publishing (a
blocking rule is a 422 naming each rule) and withdrawing with a reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import bearer
from tests.placement.world import PlacementWorld

Client = Callable[[str], TestClient]


@pytest.fixture
def as_user(app: FastAPI, session: Session, world: PlacementWorld) -> Client:
    def make(name: str) -> TestClient:
        return TestClient(
            app, headers={"Accept-Language": "en", **bearer(session, world.users[name])}
        )

    return make


def _url(world: PlacementWorld) -> str:
    return f"/api/v1/placement-plans/{world.plan.id}/positions"


def test_positions_by_role(as_user: Client, world: PlacementWorld, session: Session) -> None:
    assert as_user("office").get(_url(world)).json()["meta"]["total"] == 3
    mine = as_user("contact1").get(_url(world)).json()["items"]
    assert {p["id"] for p in mine} == {world.positions[0].id, world.positions[1].id}
    assert mine[0]["capacity"]["binding"] == "seats"
    assert as_user("contact1").get(f"/api/v1/positions/{world.positions[2].id}").status_code == 404
    assert (
        as_user("other_office").get(f"/api/v1/positions/{world.positions[0].id}").status_code == 404
    )
    world.positions[0].status = "draft"
    session.commit()
    seen = {p["id"] for p in as_user("student").get(_url(world)).json()["items"]}
    assert world.positions[0].id not in seen
    assert len(seen) == 2


def test_add_publish_and_withdraw(as_user: Client, world: PlacementWorld) -> None:
    contact = as_user("contact2")
    body = {
        "partnership_id": world.hosts[1].id,
        "title": "Warehouse assistant",
        "seats": 2,
        "monthly_pay": "3000",
        "post_wage": "5000",
        "hours_per_day": "8",
        "days_per_week": "5",
        "labour_intensity": 2,
        "venue_category": "logistics",
        "post_staff": 10,
    }
    created = contact.post(_url(world), json=body)
    assert created.status_code == 201, created.text
    position = created.json()
    assert position["status"] == "draft"
    assert position["capacity"] is None
    one = f"/api/v1/positions/{position['id']}"
    refused = contact.post(f"{one}/publish")
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "compliance_blocked"
    assert [e["code"] for e in problem["errors"]] == ["cn2021.pay_below_80_percent"]
    assert "Art. 18" in problem["detail"]
    fixed = contact.patch(one, json={"monthly_pay": "4000", "version": position["version"]})
    assert fixed.status_code == 200
    published = contact.post(f"{one}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["compliance"]["ok"] is True
    assert published.json()["capacity"]["capacity"] == 2
    assert contact.post(f"{one}/withdraw", json={"reason": ""}).status_code == 422
    withdrawn = contact.post(f"{one}/withdraw", json={"reason": "Season ended"})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"


def test_others_may_not_change_a_position(as_user: Client, world: PlacementWorld) -> None:
    one = f"/api/v1/positions/{world.positions[0].id}"
    assert as_user("contact2").patch(one, json={"seats": 1}).status_code == 404
    assert as_user("teacher").patch(one, json={"seats": 1}).status_code == 403
    assert as_user("student").post(f"{one}/withdraw", json={"reason": "x"}).status_code == 403
    body = {"partnership_id": world.hosts[0].id, "title": "X", "seats": 1}
    assert as_user("contact2").post(_url(world), json=body).status_code == 403
