"""The insurance policies' JSON API: lists by role, adding (validation), changing with the
version, deleting (409 while linked), linking by placements or plan, unlinking, a placement's
cover; another college's policy is a 404."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import bearer
from tests.placement.insurance_helpers import Insured, add_policy, insured
from tests.placement.world import PlacementWorld

Client = Callable[[str], TestClient]
API = "/api/v1/insurance-policies"


@pytest.fixture
def as_user(app: FastAPI, session: Session, world: PlacementWorld) -> Client:
    def make(name: str) -> TestClient:
        return TestClient(
            app, headers={"Accept-Language": "en", **bearer(session, world.users[name])}
        )

    return make


@pytest.fixture
def ins(session: Session, world: PlacementWorld) -> Insured:
    found = insured(session, world)
    session.commit()
    return found


BODY = {
    "insurer": "平安保险",
    "number": "PA-2027-7",
    "start_on": "2027-03-01",
    "end_on": "2027-08-31",
    "premium": "95.5",
    "paid_by": "college",
    "note": "按学期投保",
}


def test_lists_by_role(
    as_user: Client, world: PlacementWorld, ins: Insured, session: Session
) -> None:
    second = add_policy(session, world.college.id, ins.second, number="A-HOST2")
    session.commit()
    office = as_user("office").get(API).json()
    assert {p["id"] for p in office["items"]} == {ins.policy.id, second.id}
    assert office["meta"]["total"] == 2
    contact = as_user("contact1").get(API).json()["items"]
    assert [p["id"] for p in contact] == [ins.policy.id]
    assert contact[0]["note"] is None  # the college's remarks
    assert contact[0]["placement_count"] == 1
    student = as_user("student").get(API).json()["items"]
    assert [p["id"] for p in student] == [ins.policy.id]
    host_paid = as_user("office").get(API, params={"paid_by": "host"}).json()
    assert host_paid["meta"]["total"] == 0
    covering = as_user("office").get(API, params={"covering": "2027-07-15"}).json()
    assert covering["items"] == []
    assert as_user("office").get(API, params={"paid_by": "nobody"}).status_code == 422


def test_one_policy_by_role(as_user: Client, world: PlacementWorld, ins: Insured) -> None:
    one = f"{API}/{ins.policy.id}"
    detail = as_user("office").get(one).json()
    assert [p["id"] for p in detail["placements"]] == [ins.mine.id]
    assert detail["placements"][0]["student_number"] == world.seniors[0].student_number
    assert as_user("contact1").get(one).status_code == 200
    assert as_user("contact2").get(one).status_code == 404
    assert as_user("other_office").get(one).status_code == 404
    assert as_user("office").get(f"{API}/{ins.other_policy.id}").status_code == 404


def test_add_change_and_delete(as_user: Client, world: PlacementWorld) -> None:
    office = as_user("office")
    created = office.post(API, json=BODY)
    assert created.status_code == 201, created.text
    policy = created.json()
    assert created.headers["Location"] == f"{API}/{policy['id']}"
    assert policy["premium"] == "95.50"
    assert policy["note"] == "按学期投保"
    assert office.post(API, json=BODY).status_code == 409  # same insurer and number
    one = f"{API}/{policy['id']}"
    changed = office.patch(one, json={"end_on": "2027-09-30", "version": policy["version"]})
    assert changed.status_code == 200
    assert changed.json()["end_on"] == "2027-09-30"
    stale = office.patch(one, json={"note": "x", "version": policy["version"]})
    assert stale.status_code == 409
    assert office.delete(one).status_code == 204
    assert office.get(one).status_code == 404


def test_validation_names_the_field(as_user: Client) -> None:
    office = as_user("office")
    for change, field in (
        ({"premium": "-1"}, "premium"),
        ({"paid_by": "parents"}, "paid_by"),
        ({"end_on": "2027-02-01"}, "end_on"),
        ({"insurer": ""}, "insurer"),
    ):
        response = office.post(API, json=BODY | change)
        assert response.status_code == 422, change
        assert response.json()["errors"][0]["field"] == field


def test_who_may_write(as_user: Client, ins: Insured) -> None:
    for who in ("teacher", "contact1", "student"):
        assert as_user(who).post(API, json=BODY).status_code == 403
        assert as_user(who).delete(f"{API}/{ins.policy.id}").status_code == 403
    assert as_user("other_office").delete(f"{API}/{ins.policy.id}").status_code == 404


def test_link_unlink_and_delete_refused_while_linked(
    as_user: Client, world: PlacementWorld, ins: Insured
) -> None:
    office = as_user("office")
    one = f"{API}/{ins.policy.id}"
    refused = office.delete(one)
    assert refused.status_code == 409
    assert "unlink" in refused.json()["detail"]
    linked = office.post(f"{one}/link", json={"placement_ids": [ins.second.id]}).json()
    assert linked["linked"] == [ins.second.id]
    assert linked["policy"]["placement_count"] == 2
    by_plan = office.post(f"{one}/link", json={"plan_id": world.plan.id}).json()
    assert by_plan["linked"] == [ins.third.id]
    assert sorted(by_plan["unchanged"]) == sorted([ins.mine.id, ins.second.id])
    both = office.post(f"{one}/link", json={"plan_id": world.plan.id, "placement_ids": [1]})
    assert both.status_code == 422
    foreign = office.post(f"{one}/link", json={"placement_ids": [ins.other_placement.id]})
    assert foreign.status_code == 422
    gone = office.post(f"{one}/unlink", json={"plan_id": world.plan.id}).json()
    assert len(gone["linked"]) == 3
    assert gone["policy"]["placement_count"] == 0
    assert office.delete(one).status_code == 204


def test_a_placements_cover(as_user: Client, ins: Insured) -> None:
    url = f"/api/v1/placements/{ins.mine.id}/insurance"
    cover = as_user("student").get(url).json()
    assert cover["complete"] is False
    assert cover["first_uncovered"] == "2027-07-01"
    assert cover["gaps"] == [{"start": "2027-07-01", "end": "2027-08-31", "days": 62}]
    assert [p["id"] for p in cover["policies"]] == [ins.policy.id]
    assert as_user("contact2").get(url).status_code == 404
    assert as_user("other_office").get(url).status_code == 404
