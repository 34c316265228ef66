"""The steering bodies' JSON API: every route, bad input as problem+json, and scope (another
college's body is a 404; an enterprise's contacts read their bodies, minutes included, but
never write)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.agreement import steering
from tandem.agreement.models import SteeringBody
from tandem.agreement.schemas import (
    SteeringBodyCreate,
    SteeringMeetingCreate,
    SteeringMemberCreate,
)
from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.partner.models import Partnership
from tests.agreement.helpers import make_agreement, partnership_for
from tests.factories import ACTOR, bearer, make_college, make_department, make_user
from tests.partner.helpers import make_contact_user

PROBLEM = "application/problem+json"
URL = "/api/v1/steering-bodies"
Client = Callable[[User], TestClient]


@dataclass
class World:
    college: College
    department: Department
    partnership: Partnership


@pytest.fixture
def as_user(app: FastAPI, session: Session) -> Client:
    def make(user: User) -> TestClient:
        return TestClient(app, headers={"Accept-Language": "en", **bearer(session, user)})

    return make


@pytest.fixture
def world(session: Session) -> World:
    college = make_college(session)
    department = make_department(session, college)
    return World(college, department, partnership_for(session, college, department))


@pytest.fixture
def office(session: Session, world: World, as_user: Client) -> TestClient:
    return as_user(make_user(session, "college_admin", world.college))


def make_body(session: Session, partnership: Partnership, **fields: Any) -> SteeringBody:
    values: dict[str, Any] = {
        "partnership_id": partnership.id,
        "name": "Council",
        "established_on": "2025-01-01",
        **fields,
    }
    body = steering.create_body(
        session, actor=ACTOR, data=SteeringBodyCreate.model_validate(values)
    )
    steering.add_member(
        session, actor=ACTOR, body=body, data=SteeringMemberCreate(name="Wang", side="college")
    )
    steering.add_meeting(
        session,
        actor=ACTOR,
        body=body,
        data=SteeringMeetingCreate(
            held_on="2025-02-01",
            title="Kick-off",
            minutes="CONFIDENTIAL-MINUTES",
            decisions=["Open the order class"],
        ),
    )
    session.commit()
    return body


def test_set_up_read_list_and_change(office: TestClient, session: Session, world: World) -> None:
    framework = make_agreement(session, world.partnership, modes=(), kind="framework")
    session.commit()
    created = office.post(
        URL,
        json={
            "partnership_id": world.partnership.id,
            "name": "School–enterprise council",
            "established_on": "2025-03-01",
            "review_every_months": 6,
            "framework_id": framework.id,
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    url = f"{URL}/{body['id']}"
    assert created.headers["location"] == url
    assert body["next_review_on"] == "2025-09-01"
    assert (body["framework_id"], body["members"], body["meetings"]) == (framework.id, [], [])
    assert office.get(url).json()["name"] == "School–enterprise council"
    other = make_body(session, partnership_for(session, world.college))
    listed = office.get(URL, params={"partnership_id": world.partnership.id}).json()
    assert [b["id"] for b in listed["items"]] == [body["id"]]
    assert listed["meta"]["total"] == 1
    everything = office.get(URL, params={"sort": "name"}).json()
    assert {b["id"] for b in everything["items"]} == {body["id"], other.id}
    changed = office.patch(url, json={"name": "Council", "framework_id": None, "version": 1})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["framework_id"]) == ("Council", None)
    assert changed.json()["version"] == 2
    stale = office.patch(url, json={"name": "Lost", "version": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")


def test_members_and_meetings(office: TestClient, world: World) -> None:
    body = office.post(
        URL,
        json={
            "partnership_id": world.partnership.id,
            "name": "Council",
            "established_on": "2025-03-01",
        },
    ).json()
    url = f"{URL}/{body['id']}"
    member = office.post(
        f"{url}/members", json={"name": "Li Hua", "side": "enterprise", "position": "HR director"}
    )
    assert member.status_code == 201, member.text
    assert member.json()["side"] == "enterprise"
    review = office.post(
        f"{url}/meetings",
        json={
            "held_on": "2025-09-10",
            "title": "Annual review",
            "minutes": "Reviewed the order class.",
            "decisions": ["Extend the order class", "Add a mode-5 course"],
            "is_review": True,
        },
    )
    assert review.status_code == 201, review.text
    assert review.json()["decisions"] == ["Extend the order class", "Add a mode-5 course"]
    read = office.get(url).json()
    assert read["next_review_on"] == "2026-09-10"
    assert [m["name"] for m in read["members"]] == ["Li Hua"]
    assert [m["title"] for m in read["meetings"]] == ["Annual review"]
    gone = office.delete(f"{url}/meetings/{review.json()['id']}")
    assert gone.status_code == 204
    assert office.delete(f"{url}/members/{member.json()['id']}").status_code == 204
    read = office.get(url).json()
    assert (read["members"], read["meetings"]) == ([], [])
    assert read["next_review_on"] == "2026-03-01", "deleting the review sets it back"


def test_bad_input_is_a_clear_problem(office: TestClient, session: Session, world: World) -> None:
    body = make_body(session, world.partnership)
    url = f"{URL}/{body.id}"
    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        ("post", URL, {"partnership_id": world.partnership.id}, 422, "name"),
        (
            "post",
            URL,
            {
                "partnership_id": world.partnership.id,
                "name": "Again",
                "established_on": "2025-01-01",
            },
            409,
            "",
        ),
        (
            "post",
            URL,
            {"partnership_id": 999_999, "name": "X", "established_on": "2025-01-01"},
            422,
            "partnership_id",
        ),
        ("patch", url, {"review_every_months": 0}, 422, "review_every_months"),
        ("patch", url, {"next_review_on": "2024-12-31"}, 422, "next_review_on"),
        ("patch", url, {"established_on": "2025-03-01"}, 422, "established_on"),
        ("patch", url, {"colour": "red"}, 422, "colour"),
        ("post", f"{url}/members", {"name": "X", "side": "government"}, 422, "side"),
        ("post", f"{url}/members", {"name": " ", "side": "college"}, 422, "name"),
        ("post", f"{url}/meetings", {"held_on": "2024-12-31", "title": "Early"}, 422, "held_on"),
        ("post", f"{url}/meetings", {"held_on": "2025-05-01", "title": ""}, 422, "title"),
        (
            "post",
            f"{url}/meetings",
            {"held_on": "2025-05-01", "title": "T", "decisions": [""]},
            422,
            "decisions.0",
        ),
    ]
    for method, path, payload, status, field in cases:
        response = getattr(office, method)(path, json=payload)
        assert response.status_code == status, (path, payload, response.text)
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        if field:
            assert field in [e["field"] for e in problem["errors"]], (payload, problem)
    duplicate = office.post(
        URL,
        json={"partnership_id": world.partnership.id, "name": "A", "established_on": "2025-01-01"},
    ).json()
    assert duplicate["code"] == "duplicate"
    assert "already has a steering body" in duplicate["detail"]
    read = office.get(url).json()
    assert (read["name"], read["review_every_months"], len(read["meetings"])) == (
        "Council",
        12,
        1,
    ), "nothing partial"
    assert office.get(URL, params={"sort": "minutes"}).status_code == 422


def test_a_member_or_meeting_of_another_body_is_not_found(
    office: TestClient, session: Session, world: World
) -> None:
    body = make_body(session, world.partnership)
    other = make_body(session, partnership_for(session, world.college))
    url = f"{URL}/{body.id}"
    assert office.delete(f"{url}/members/{other.members[0].id}").status_code == 404
    assert office.delete(f"{url}/meetings/{other.meetings[0].id}").status_code == 404
    assert office.delete(f"{url}/members/999999").status_code == 404
    assert len(office.get(f"{URL}/{other.id}").json()["members"]) == 1


def test_another_college_sees_nothing(
    session: Session, world: World, as_user: Client, office: TestClient
) -> None:
    body = make_body(session, world.partnership)
    stranger = as_user(make_user(session, "college_admin", make_college(session)))
    url = f"{URL}/{body.id}"
    assert stranger.get(url).status_code == 404
    assert stranger.patch(url, json={"name": "Mine"}).status_code == 404
    assert stranger.post(f"{url}/members", json={"name": "X", "side": "college"}).status_code == 404
    assert stranger.delete(f"{url}/meetings/{body.meetings[0].id}").status_code == 404
    assert stranger.get(URL).json()["meta"]["total"] == 0
    assert office.get(URL).json()["meta"]["total"] == 1


def test_the_enterprise_reads_its_body_with_minutes_but_cannot_write(
    session: Session, world: World, as_user: Client
) -> None:
    body = make_body(session, world.partnership)
    other = make_body(session, partnership_for(session, world.college))
    contact = as_user(make_contact_user(session, world.partnership.enterprise))
    url = f"{URL}/{body.id}"
    read = contact.get(url)
    assert read.status_code == 200
    meeting = read.json()["meetings"][0]
    assert (meeting["minutes"], meeting["decisions"]) == (
        "CONFIDENTIAL-MINUTES",
        ["Open the order class"],
    )
    assert [b["id"] for b in contact.get(URL).json()["items"]] == [body.id]
    assert contact.get(f"{URL}/{other.id}").status_code == 404
    assert contact.patch(url, json={"name": "Ours"}).status_code == 403
    assert (
        contact.post(f"{url}/members", json={"name": "X", "side": "enterprise"}).status_code == 403
    )
    assert contact.delete(f"{url}/meetings/{body.meetings[0].id}").status_code == 403
    created = contact.post(
        URL,
        json={"partnership_id": other.partnership_id, "name": "X", "established_on": "2025-01-01"},
    )
    assert created.status_code == 403


def test_a_coordinator_manages_only_their_departments_body(
    session: Session, world: World, as_user: Client
) -> None:
    body = make_body(session, world.partnership)
    url = f"{URL}/{body.id}"
    own = as_user(make_user(session, "department_coordinator", world.college, world.department))
    other_department = make_department(session, world.college)
    stranger = as_user(
        make_user(session, "department_coordinator", world.college, other_department)
    )
    teacher = as_user(make_user(session, "teacher", world.college))
    member = {"name": "Zhao", "side": "college"}
    assert stranger.get(url).status_code == 200, "the college reads every body"
    assert stranger.post(f"{url}/members", json=member).status_code == 403
    assert teacher.post(f"{url}/members", json=member).status_code == 403
    assert own.post(f"{url}/members", json=member).status_code == 201
