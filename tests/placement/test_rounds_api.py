"""The rounds API: run, read, search outcomes, explain one, adjust, publish, results by role."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.placement.models import Placement
from tests.factories import bearer
from tests.placement.round_helpers import prepare_round
from tests.placement.world import PlacementWorld


def _api(client: TestClient, session: Session, world: PlacementWorld, who: str) -> dict[str, str]:
    return bearer(session, world.users[who])


def test_run_read_adjust_publish_and_results(
    client: TestClient, session: Session, world: PlacementWorld
) -> None:
    prepare_round(session, world)
    office = _api(client, session, world, "office")
    plan = world.plan.id
    wrong = client.post(
        f"/api/v1/placement-plans/{plan}/rounds", json={"objective": "x"}, headers=office
    )
    assert wrong.status_code == 422
    made = client.post(
        f"/api/v1/placement-plans/{plan}/rounds",
        json={"objective": "stable", "seed": 2},
        headers=office,
    )
    assert made.status_code == 201, made.text
    round_id = made.json()["id"]
    assert made.json()["stats"]["assigned"] == 5
    listed = client.get(f"/api/v1/placement-plans/{plan}/rounds", headers=office).json()
    assert [r["id"] for r in listed["items"]] == [round_id]

    s2 = world.seniors[2]
    found = client.get(
        f"/api/v1/rounds/{round_id}/assignments", params={"q": s2.student_number}, headers=office
    ).json()
    assert found["meta"]["total"] == 1
    assert found["items"][0]["student_id"] == s2.id
    unplaced = client.get(
        f"/api/v1/rounds/{round_id}/assignments", params={"show": "unplaced"}, headers=office
    ).json()
    assert [i["student_id"] for i in unplaced["items"]] == [world.seniors[5].id]
    one = client.get(
        f"/api/v1/rounds/{round_id}/assignments", params={"student_id": s2.id}, headers=office
    ).json()["items"][0]
    assert one["explanation"]["above"][0]["reason"] == "not_acceptable"
    assert "did not accept" in one["explanation_text"]

    no_reason = client.post(
        f"/api/v1/rounds/{round_id}/adjust",
        json={"student_id": s2.id, "position_id": None, "reason": ""},
        headers=office,
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    full = client.post(
        f"/api/v1/rounds/{round_id}/adjust",
        json={
            "student_id": world.seniors[5].id,
            "position_id": world.positions[0].id,
            "reason": "x",
        },
        headers=office,
    )
    assert full.status_code == 409
    moved = client.post(
        f"/api/v1/rounds/{round_id}/adjust",
        json={"student_id": world.seniors[3].id, "position_id": None, "reason": "withdrew"},
        headers=office,
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["assignment"]["adjusted"] is True
    assert {"student_id": world.seniors[3].id, "position_id": world.positions[0].id} in body[
        "blocking_pairs_created"
    ]

    coordinator = _api(client, session, world, "coordinator")
    assert client.post(f"/api/v1/rounds/{round_id}/publish", headers=coordinator).status_code == 403
    student = _api(client, session, world, "student")
    assert client.get(f"/api/v1/rounds/{round_id}", headers=student).status_code == 403
    other = _api(client, session, world, "other_office")
    assert client.get(f"/api/v1/rounds/{round_id}", headers=other).status_code == 404

    # Before publishing, a student sees no result.
    assert (
        client.get(f"/api/v1/placement-plans/{plan}/results", headers=student).json()["items"] == []
    )
    published = client.post(f"/api/v1/rounds/{round_id}/publish", headers=office)
    assert published.status_code == 200, published.text
    assert published.json()["draft_placements"] == 4
    assert len(session.scalars(select(Placement).where(Placement.plan_id == plan)).all()) == 4

    mine = client.get(f"/api/v1/placement-plans/{plan}/results", headers=student).json()["items"]
    assert [i["student_id"] for i in mine] == [world.seniors[0].id]
    assert mine[0]["explanation_text"]
    # The engine's record names other students; the office's reasons are the office's.
    assert mine[0]["explanation"] is None
    assert mine[0]["adjust_reason"] == ""
    contact = _api(client, session, world, "contact2")
    interns = client.get(f"/api/v1/placement-plans/{plan}/results", headers=contact).json()["items"]
    assert {i["position_id"] for i in interns} == {world.positions[2].id}
    # A host reads who comes, not what the student's other choices and their hosts did.
    assert {(i["explanation"], i["explanation_text"]) for i in interns} == {(None, None)}
    staff = client.get(f"/api/v1/placement-plans/{plan}/results", headers=office).json()
    assert staff["meta"]["total"] == 6
    assert all(i["explanation"] for i in staff["items"])
    again = client.post(f"/api/v1/rounds/{round_id}/discard", headers=office)
    assert again.status_code == 409


def test_an_earlier_round_answers_409_once_a_later_round_runs(
    client: TestClient, session: Session, world: PlacementWorld
) -> None:
    prepare_round(session, world)
    office = _api(client, session, world, "office")
    plan = world.plan.id
    first = client.post(f"/api/v1/placement-plans/{plan}/rounds", json={}, headers=office)
    assert first.status_code == 201, first.text
    first_id = first.json()["id"]
    assert client.post(f"/api/v1/rounds/{first_id}/publish", headers=office).status_code == 200
    session.expire_all()  # the request moved the plan to results
    assert world.plan.phase == "results"
    world.plan.phase = "allocation"
    session.commit()
    second = client.post(f"/api/v1/placement-plans/{plan}/rounds", json={}, headers=office)
    assert second.status_code == 201, second.text
    assert second.json()["number"] == 2
    refused = client.post(
        f"/api/v1/rounds/{first_id}/adjust",
        json={
            "student_id": world.seniors[5].id,
            "position_id": world.positions[1].id,
            "reason": "late agreement",
        },
        headers=office,
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "later_round"
    assert "Adjust round 2 instead" in refused.json()["detail"]
    assert (
        session.scalars(
            select(Placement.student_id).where(Placement.student_id == world.seniors[5].id)
        ).all()
        == []
    )
