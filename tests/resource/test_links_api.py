"""The links API: an agreement's links to the register and equipment, suggestions, changes by
who may make them, and another college's agreement hidden."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.resource.models import Equipment
from tests.factories import bearer
from tests.resource.links_world import BASE, SITE, WORKSHOP, World, build

A = "/api/v1/agreements/{id}"


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def as_user(client: TestClient, session: Session, world: World, name: str) -> TestClient:
    client.headers.update(bearer(session, world.users[name]))
    return client


def test_list_suggest_link_and_unlink(client: TestClient, session: Session, world: World) -> None:
    api = as_user(client, session, world, "office")
    url = A.format(id=world.agreement.id)
    found = api.get(f"{url}/resources").json()
    assert found["can_change"] is True
    assert found["links"] == []
    assert [(u["term_key"], u["term_text"]) for u in found["unlinked"]] == [
        ("1.venue", WORKSHOP),
        ("2.base_name", BASE),
        ("7.simulated_site", SITE),
    ]
    assert found["unlinked"][0]["term_label"] == "Venue"
    best_site = next(s for s in found["suggestions"] if s["term_key"] == "7.simulated_site")
    assert (best_site["venue_id"], best_site["base_id"], best_site["score"]) == (
        world.site.id,
        None,
        1.0,
    )

    made = api.post(f"{url}/resources", json={"term_key": "2.base_name", "base_id": world.base.id})
    assert made.status_code == 201, made.text
    link = made.json()
    assert link["term_text"] == BASE
    assert link["venue"] is None
    assert link["base"] == {
        "id": world.base.id,
        "code": "B-1",
        "name": BASE,
        "kind": "on_campus",
        "status": "active",
    }
    found = api.get(f"{url}/resources").json()
    assert [x["id"] for x in found["links"]] == [link["id"]]
    assert "2.base_name" not in {s["term_key"] for s in found["suggestions"]}

    wrong = api.post(f"{url}/resources", json={"term_key": "1.venue", "base_id": world.base.id})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "venue_id"

    gone = api.delete(f"{url}/resources/{link['id']}")
    assert gone.status_code == 204
    assert api.get(f"{url}/resources").json()["links"] == []
    assert api.delete(f"{url}/resources/{link['id']}").status_code == 404


def test_equipment_is_linked_and_grouped_by_owner(
    client: TestClient, session: Session, world: World
) -> None:
    api = as_user(client, session, world, "office")
    url = A.format(id=world.agreement.id)
    for name in ("acme", "college"):
        response = api.post(f"{url}/equipment", json={"equipment_id": world.lines[name].id})
        assert response.status_code == 200, response.text
    assert response.json()["asset_tag"] == "EQ-C"
    groups = api.get(f"{url}/resources").json()["equipment"]
    assert [(g["ownership"], g["quantity"], Decimal(g["value_cny"])) for g in groups] == [
        ("college", 4, Decimal(400000)),
        ("enterprise", 8, Decimal(1600000)),
    ]
    assert [i["asset_tag"] for i in groups[1]["items"]] == ["EQ-A"]
    refused = api.post(f"{url}/equipment", json={"equipment_id": world.lines["bolt"].id})
    assert refused.status_code == 422
    assert refused.json()["code"] == "other_partner"
    lent = api.delete(f"{url}/equipment/{world.lines['acme'].id}")
    assert lent.status_code == 409
    assert lent.json()["code"] == "lent_needs_agreement"
    assert api.delete(f"{url}/equipment/{world.lines['college'].id}").status_code == 204
    session.expire_all()
    line = session.get(Equipment, world.lines["college"].id)
    assert line is not None
    assert line.agreement_id is None
    again = api.delete(f"{url}/equipment/{world.lines['college'].id}")
    assert again.status_code == 409
    assert again.json()["code"] == "not_linked"


def test_readers_read_and_only_managers_change(
    client: TestClient, session: Session, world: World
) -> None:
    url = A.format(id=world.agreement.id)
    teacher = as_user(client, session, world, "teacher")
    assert teacher.get(f"{url}/resources").json()["can_change"] is False
    body = {"term_key": "1.venue", "venue_id": world.workshop.id}
    assert teacher.post(f"{url}/resources", json=body).status_code == 403
    coordinator = as_user(client, session, world, "stranger_coordinator")
    assert coordinator.post(f"{url}/resources", json=body).status_code == 403
    other = as_user(client, session, world, "other_office")
    assert other.get(f"{url}/resources").status_code == 404
    assert other.post(f"{url}/resources", json=body).status_code == 404
    contact = as_user(client, session, world, "contact")
    seen = contact.get(f"{url}/resources").json()
    assert seen["can_change"] is False
    assert seen["suggestions"] == []
