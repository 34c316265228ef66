"""The working-calendar API: the defaults at version 0, the first save and stale versions,
terms and holidays added and deleted, and whose calendar each role may read or change."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tests.factories import bearer, make_college
from tests.resource.booking_world import World, build_world

Api = Callable[[User], TestClient]
W = "/api/v1/working-calendar"
HOURS = {str(d): ["08:00", "21:00"] for d in range(1, 6)} | {"6": ["08:00", "17:00"], "7": None}


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, open_every_day=False)


@pytest.fixture
def as_user(app: FastAPI, session: Session) -> Api:
    def make(user: User) -> TestClient:
        client = TestClient(app, headers={"Accept-Language": "en"})
        client.headers.update(bearer(session, user))
        return client

    return make


def test_read_the_defaults_then_save_and_guard_the_version(as_user: Api, world: World) -> None:
    office = as_user(world.users["office"])
    first = office.get(W).json()
    assert first["version"] == 0
    assert first["opening_hours"]["1"] == ["08:00", "21:00"]
    assert first["opening_hours"]["7"] is None
    assert (first["terms"], first["holidays"]) == ([], [])
    body = {"opening_hours": HOURS, "underuse_threshold_pct": 40, "teaching_hour_value_cny": "80"}
    saved = office.put(W, json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 1
    assert saved.json()["opening_hours"]["6"] == ["08:00", "17:00"]
    assert saved.json()["underuse_threshold_pct"] == "40.00"
    again = office.put(W, json=body | {"version": 1, "underuse_threshold_pct": 35})
    assert again.json()["version"] == 2
    assert again.json()["underuse_threshold_pct"] == "35.00"
    stale = office.put(W, json=body | {"version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    bad = office.put(W, json=body | {"opening_hours": HOURS | {"2": ["18:00", "08:00"]}})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "opening_hours.2"


def test_terms_and_holidays(as_user: Api, world: World) -> None:
    office = as_user(world.users["office"])
    term = office.post(
        f"{W}/terms",
        json={"name": "2026-2027-1", "starts_on": "2026-09-01", "ends_on": "2027-01-20"},
    )
    assert term.status_code == 201
    overlap = office.post(
        f"{W}/terms", json={"name": "Summer", "starts_on": "2027-01-01", "ends_on": "2027-02-01"}
    )
    assert overlap.status_code == 409
    assert overlap.json()["errors"][0]["field"] == "starts_on"
    holidays = office.post(
        f"{W}/holidays",
        json={"day": "2026-10-01", "last_day": "2026-10-07", "name": "National Day"},
    )
    assert holidays.status_code == 201
    items = holidays.json()["items"]
    assert [h["day"] for h in items][:2] == ["2026-10-01", "2026-10-02"]
    assert len(items) == 7
    calendar = office.get(W).json()
    assert [t["name"] for t in calendar["terms"]] == ["2026-2027-1"]
    assert len(calendar["holidays"]) == 7
    assert office.delete(f"{W}/holidays/{items[0]['id']}").status_code == 204
    assert office.delete(f"{W}/terms/{term.json()['id']}").status_code == 204
    assert office.get(W).json()["terms"] == []
    assert office.delete(f"{W}/terms/{term.json()['id']}").status_code == 404


def test_who_may_read_and_change(as_user: Api, session: Session, world: World) -> None:
    other = make_college(session)
    session.commit()
    teacher = as_user(world.users["teacher"])
    assert teacher.get(W).status_code == 200
    assert (
        teacher.put(
            W,
            json={
                "opening_hours": HOURS,
                "underuse_threshold_pct": 1,
                "teaching_hour_value_cny": 1,
            },
        ).status_code
        == 403
    )
    assert teacher.get(W, params={"college_id": other.id}).status_code == 404
    contact = as_user(world.users["contact"])
    assert contact.get(W).status_code == 422  # must name the college
    assert contact.get(W, params={"college_id": world.college.id}).status_code == 200
    assert contact.get(W, params={"college_id": other.id}).status_code == 404
    assert as_user(world.users["student"]).get(W).status_code == 403
