"""The placement API: list and scope, a student's proposal, changes with the version, approval,
a refused move listing each rule, the compliance document (facts for staff only), overrides."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tests.factories import bearer
from tests.placement.placement_factory import add_placement, provide_documents
from tests.placement.world import END, START, PlacementWorld

Api = Callable[[str], TestClient]


def _api(client: TestClient, session: Session, world: PlacementWorld) -> Api:
    def make(name: str) -> TestClient:
        user: User = world.users[name]
        client.headers.clear()
        client.headers.update({"Accept-Language": "en", **bearer(session, user)})
        return client

    return make


def test_list_and_scope(client: TestClient, session: Session, world: PlacementWorld) -> None:
    api = _api(client, session, world)
    own = add_placement(session, world.positions[0], world.seniors[0])
    other = add_placement(session, world.positions[2], world.seniors[1])
    session.commit()
    office = api("office").get("/api/v1/placements", params={"sort": "student"})
    assert office.status_code == 200
    assert {p["id"] for p in office.json()["items"]} == {own.id, other.id}
    item = next(p for p in office.json()["items"] if p["id"] == own.id)
    assert item["enterprise_name"] == world.enterprises[0].name
    assert item["note"] == ""
    student = api("student").get("/api/v1/placements")
    assert [p["id"] for p in student.json()["items"]] == [own.id]
    assert student.json()["items"][0]["note"] is None
    assert api("student").get(f"/api/v1/placements/{other.id}").status_code == 404
    assert api("contact2").get(f"/api/v1/placements/{own.id}").status_code == 404
    assert api("other_office").get(f"/api/v1/placements/{own.id}").status_code == 404
    bad = api("office").get("/api/v1/placements", params={"sort": "nonsense"})
    assert bad.status_code == 422


def test_a_proposal_approved_and_refused_to_start(
    client: TestClient, session: Session, world: PlacementWorld
) -> None:
    api = _api(client, session, world)
    created = api("student").post(
        "/api/v1/placements",
        json={
            "partnership_id": world.hosts[0].id,
            "title": "Sales assistant",
            "start_on": START.isoformat(),
            "end_on": END.isoformat(),
            "monthly_pay": "3000",
            "post_wage": "4000",
            "post_staff": 10,
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["pending_approval"] is True
    assert body["source"] == "self_found"
    assert body["compliance"]["blocking"]
    placement_id = body["id"]
    assert created.headers["Location"] == f"/api/v1/placements/{placement_id}"

    changed = api("student").patch(
        f"/api/v1/placements/{placement_id}",
        json={"enterprise_mentor_name": "赵师傅", "version": body["version"]},
    )
    assert changed.status_code == 200, changed.text
    stale = api("office").patch(
        f"/api/v1/placements/{placement_id}", json={"note": "x", "version": body["version"]}
    )
    assert stale.status_code == 409
    assert (
        api("student")
        .patch(f"/api/v1/placements/{placement_id}", json={"note": "mine"})
        .status_code
        == 403
    )

    assert api("student").post(f"/api/v1/placements/{placement_id}/approve").status_code == 403
    approved = api("office").post(f"/api/v1/placements/{placement_id}/approve")
    assert approved.status_code == 200
    assert approved.json()["pending_approval"] is False

    refused = api("office").post(
        f"/api/v1/placements/{placement_id}/transition", json={"to": "ready"}
    )
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "compliance_blocked"
    codes = {e["code"] for e in problem["errors"]}
    assert {"cn2021.no_tripartite_agreement", "cn2021.no_insurance"} <= codes
    assert all(e["field"] == "compliance" for e in problem["errors"])
    assert any("Provisions" in e["message"] for e in problem["errors"])
    early = api("office").post(
        f"/api/v1/placements/{placement_id}/transition", json={"to": "ended_early"}
    )
    assert early.status_code == 422


def test_compliance_and_overrides(
    client: TestClient, session: Session, world: PlacementWorld
) -> None:
    api = _api(client, session, world)
    placement = add_placement(
        session, world.positions[0], world.seniors[0], end_on=END.replace(month=9, day=20)
    )
    provide_documents(session, world, placement)
    session.commit()
    url = f"/api/v1/placements/{placement.id}"
    staff = api("office").get(f"{url}/compliance")
    assert staff.status_code == 200
    assert staff.json()["facts"]["host"]["on_post_staff"] == 200
    assert [w["rule"] for w in staff.json()["result"]["warnings"]] == ["cn2021.duration"]
    assert staff.json()["result"]["blocking"] == []
    student = api("student").get(f"{url}/compliance")
    assert student.status_code == 200
    assert student.json()["facts"] is None

    missing = api("office").post(f"{url}/overrides", json={"rule_id": "cn2021.duration"})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    done = api("office").post(
        f"{url}/overrides", json={"rule_id": "cn2021.duration", "reason": "Longer course"}
    )
    assert done.status_code == 201, done.text
    assert done.json()["compliance"]["passes"] is True
    assert done.json()["compliance"]["warnings"][0]["override"]["reason"] == "Longer course"
    # The student reads that the warning was accepted, not who accepted it or why.
    seen = api("student").get(url).json()["compliance"]["warnings"][0]
    assert seen["overridden"] is True
    assert seen["override"] is None
    ready = api("office").post(f"{url}/transition", json={"to": "ready"})
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
    revoked = api("office").post(f"{url}/overrides/revoke", json={"rule_id": "cn2021.duration"})
    assert revoked.status_code == 200
    assert revoked.json()["compliance"]["warnings"][0]["overridden"] is False
    assert revoked.json()["status"] == "draft"  # ready no more: the warning is open again
    again = api("office").post(f"{url}/overrides/revoke", json={"rule_id": "cn2021.duration"})
    assert again.status_code == 422
    checked = api("office").post(f"{url}/check")
    assert checked.status_code == 200
    assert api("teacher").post(f"{url}/check").status_code == 403
