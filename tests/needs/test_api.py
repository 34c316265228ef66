"""The needs API: versions and their comparison, bad input as problem+json with field paths,
who may record and read what, the college's offer, and the advice in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.advisor.core import OPTIONS, Advice, Reason
from tandem.advisor.teachers import Suggestion
from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.kit.dates import local_today
from tandem.needs import service
from tandem.needs.models import CollegeOffer, NeedsProfile
from tandem.needs.schemas import NeedsData, OfferData
from tandem.partner.models import Partnership
from tests.factories import bearer, make_college, make_department, make_user
from tests.partner.helpers import make_contact_user, make_enterprise, make_partnership, make_teacher

PROBLEM = "application/problem+json"
OFFER = "/api/v1/college-offer"


@dataclass
class World:
    college: College
    department: Department
    partnership: Partnership  # college A with enterprise E, in the coordinator's department
    sibling: Partnership  # college A with another enterprise (not the contact's)
    other: Partnership  # college B's
    clients: dict[str, TestClient]

    def __getitem__(self, name: str) -> TestClient:
        return self.clients[name]


def client_for(app: FastAPI, session: Session, user: User, language: str = "en") -> TestClient:
    return TestClient(app, headers={"Accept-Language": language, **bearer(session, user)})


@pytest.fixture
def world(app: FastAPI, session: Session) -> World:
    college, other_college = make_college(session), make_college(session, region_code="130100")
    department, elsewhere = make_department(session, college), make_department(session, college)
    enterprise = make_enterprise(session, name="Pearl River Robotics")
    partnership = make_partnership(session, college, enterprise, department)
    sibling = make_partnership(session, college, make_enterprise(session), department)
    other = make_partnership(
        session, other_college, make_enterprise(session), make_department(session, other_college)
    )
    users = {
        "office": make_user(session, "college_admin", college),
        "coordinator": make_user(session, "department_coordinator", college, department),
        "stranger": make_user(session, "department_coordinator", college, elsewhere),
        "teacher": make_user(session, "teacher", college),
        "contact": make_contact_user(session, enterprise),
        "other_office": make_user(session, "college_admin", other_college),
        "platform": make_user(session, "platform_admin"),
    }
    session.commit()
    clients = {name: client_for(app, session, user) for name, user in users.items()}
    clients["office_zh"] = client_for(app, session, users["office"], "zh-CN")
    return World(college, department, partnership, sibling, other, clients)


def url(partnership: Partnership, rest: str = "") -> str:
    return f"/api/v1/partnerships/{partnership.id}/needs{rest}"


def needs_body(**needs: Any) -> dict[str, Any]:
    return {"needs": needs}


def count(session: Session, model: type[Any]) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    return sorted(e["field"] for e in response.json()["errors"])


# --- versions ------------------------------------------------------------------------------------


def test_record_read_and_list_versions(world: World) -> None:
    office = world["office"]
    created = office.post(
        url(world.partnership),
        json=needs_body(talent={"importance": 3, "majors": "CNC，Welding", "headcount": 20}),
    )
    assert created.status_code == 201, created.text
    assert created.headers["location"] == url(world.partnership, "/1")
    body = created.json()
    assert (body["number"], body["source"], body["partnership_id"]) == (
        1,
        "college",
        world.partnership.id,
    )
    assert body["recorded_on"] == local_today().isoformat()
    assert body["recorded_by"]
    assert body["needs"]["talent"] == {
        "importance": 3,
        "majors": ["CNC", "Welding"],
        "headcount": 20,
        "when": "",
    }
    assert body["needs"]["staff_training"]["importance"] == 0
    second = office.post(url(world.partnership), json=needs_body(note="Second"))
    assert second.json()["number"] == 2
    listed = office.get(url(world.partnership)).json()["items"]
    assert [v["number"] for v in listed] == [2, 1]
    one = office.get(url(world.partnership, "/1"))
    assert one.status_code == 200
    assert one.json() == body
    missing = office.get(url(world.partnership, "/9"))
    assert (missing.status_code, missing.headers["content-type"]) == (404, PROBLEM)


def test_versions_increase_and_compare_shows_exactly_the_changes(world: World) -> None:
    office, p = world["office"], world.partnership
    assert office.get(url(p, "/compare")).status_code == 404  # nothing recorded yet
    office.post(url(p), json=needs_body(staff_training={"importance": 2, "trainees_per_year": 80}))
    assert office.get(url(p, "/compare")).status_code == 404  # only one version
    office.post(
        url(p),
        json=needs_body(
            staff_training={"importance": 2, "trainees_per_year": 120, "topics": ["PLC"]}
        ),
    )
    office.post(
        url(p),
        json=needs_body(
            staff_training={"importance": 3, "trainees_per_year": 120, "topics": ["PLC"]},
            assets={"trainers": 4},
        ),
    )
    latest = office.get(url(p, "/compare"))
    assert latest.status_code == 200, latest.text
    assert latest.json() == {
        "older": 2,
        "newer": 3,
        "changes": [
            {"path": "staff_training.importance", "before": 2, "after": 3},
            {"path": "assets.trainers", "before": 0, "after": 4},
        ],
    }
    first_two = office.get(url(p, "/compare"), params={"older": 1, "newer": 2}).json()
    assert first_two["changes"] == [
        {"path": "staff_training.topics", "before": [], "after": ["PLC"]},
        {"path": "staff_training.trainees_per_year", "before": 80, "after": 120},
    ]
    across = office.get(url(p, "/compare"), params={"older": 1}).json()
    assert (across["older"], across["newer"]) == (1, 3)
    assert [c["path"] for c in across["changes"]] == [
        "staff_training.importance",
        "staff_training.topics",
        "staff_training.trainees_per_year",
        "assets.trainers",
    ]
    assert fields(office.get(url(p, "/compare"), params={"older": 3, "newer": 2})) == ["older"]
    assert office.get(url(p, "/compare"), params={"older": 1, "newer": 7}).status_code == 404


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        (needs_body(talent={"importance": 4}), ["needs.talent.importance"]),
        (needs_body(talent={"headcount": -3}), ["needs.talent.headcount"]),
        (needs_body(rnd={"importance": 1, "budget": 5}), ["needs.rnd.budget"]),
        (needs_body(wishes="everything"), ["needs.wishes"]),
        ({"needs": {}, "colour": "red"}, ["colour"]),
        (
            needs_body(staff_training={"importance": -1, "trainees_per_year": "many"}),
            ["needs.staff_training.importance", "needs.staff_training.trainees_per_year"],
        ),
        ({}, ["needs"]),
    ],
)
def test_bad_needs_are_refused_with_field_paths(
    world: World, session: Session, body: dict[str, Any], paths: list[str]
) -> None:
    assert fields(world["office"].post(url(world.partnership), json=body)) == paths
    assert count(session, NeedsProfile) == 0


def test_a_future_date_is_refused(world: World, session: Session) -> None:
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = world["office"].post(
        url(world.partnership), json={"needs": {}, "recorded_on": tomorrow}
    )
    assert fields(response) == ["recorded_on"]
    assert response.json()["errors"][0]["code"] == "in_future"
    assert count(session, NeedsProfile) == 0


@pytest.mark.parametrize(
    ("offer", "paths"),
    [
        (
            {"venues": [{"name": "Site", "kind": "simulated_site", "idle_pct": 120}]},
            ["offer.venues.0.idle_pct"],
        ),
        (
            {"venues": [{"name": "A", "kind": "workshop"}, {"name": "B", "kind": "garage"}]},
            ["offer.venues.1.kind"],
        ),
        ({"equipment": [{"name": "Lathe", "quantity": 0}]}, ["offer.equipment.0.quantity"]),
        ({"capacity": [{"major": "CNC", "students": -1}]}, ["offer.capacity.0.students"]),
        ({"helipad": True}, ["offer.helipad"]),
    ],
)
def test_bad_offers_are_refused_with_field_paths(
    world: World, session: Session, offer: dict[str, Any], paths: list[str]
) -> None:
    assert fields(world["office"].put(OFFER, json={"offer": offer})) == paths
    assert count(session, CollegeOffer) == 0


# --- who may do what -----------------------------------------------------------------------------


def test_enterprise_contact_records_its_own_needs_only(world: World, session: Session) -> None:
    contact = world["contact"]
    created = contact.post(url(world.partnership), json=needs_body(market={"importance": 2}))
    assert created.status_code == 201, created.text
    assert created.json()["source"] == "enterprise"
    assert [v["source"] for v in contact.get(url(world.partnership)).json()["items"]] == [
        "enterprise"
    ]
    assert world["office"].get(url(world.partnership, "/1")).json()["source"] == "enterprise"
    for partnership in (world.sibling, world.other):
        assert contact.get(url(partnership)).status_code == 404
        assert contact.post(url(partnership), json=needs_body()).status_code == 404
    advice = contact.get(f"/api/v1/partnerships/{world.partnership.id}/advice")
    assert (advice.status_code, advice.headers["content-type"]) == (403, PROBLEM)
    assert contact.get(OFFER).status_code == 403
    assert contact.put(OFFER, json={"offer": {}}).status_code == 403
    assert count(session, NeedsProfile) == 1


def test_college_roles_and_other_colleges(world: World, session: Session) -> None:
    p = world.partnership
    assert world["coordinator"].post(url(p), json=needs_body()).status_code == 201
    refused = world["stranger"].post(url(p), json=needs_body())
    assert (refused.status_code, refused.json()["code"]) == (403, "not_yours")
    assert world["stranger"].get(url(p)).status_code == 200  # reading is open in the college
    assert world["teacher"].post(url(p), json=needs_body()).status_code == 403
    assert world["teacher"].get(url(p, "/1")).status_code == 200
    for rest in ("", "/1", "/compare"):
        assert world["other_office"].get(url(p, rest)).status_code == 404
    assert world["other_office"].post(url(p), json=needs_body()).status_code == 404
    assert world["other_office"].get(f"/api/v1/partnerships/{p.id}/advice").status_code == 404
    assert world["platform"].post(url(world.other), json=needs_body()).status_code == 201
    assert count(session, NeedsProfile) == 2


# --- the college's offer -------------------------------------------------------------------------


def test_offer_read_saved_and_checked_against_its_version(world: World, session: Session) -> None:
    office = world["office"]
    empty = office.get(OFFER).json()
    assert (empty["college_id"], empty["version"], empty["updated_at"]) == (
        world.college.id,
        0,
        None,
    )
    assert empty["offer"] == OfferData().model_dump(mode="json")
    venue = {"name": "Simulated site", "kind": "simulated_site", "workstations": 40, "idle_pct": 60}
    saved = office.put(OFFER, json={"offer": {"venues": [venue], "takes_production": True}})
    assert saved.status_code == 200, saved.text
    assert (saved.json()["version"], saved.json()["offer"]["venues"][0]["idle_pct"]) == (1, 60)
    changed = office.put(
        OFFER, json={"offer": {"venues": [{**venue, "idle_pct": 30}]}, "version": 1}
    )
    assert changed.json()["version"] == 2
    stale = office.put(OFFER, json={"offer": {}, "version": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    # Readers inside the college see it; only the office changes it.
    for name in ("coordinator", "teacher"):
        read = world[name].get(OFFER)
        assert read.json()["offer"]["venues"][0]["idle_pct"] == 30
        assert world[name].put(OFFER, json={"offer": {}}).status_code == 403
    assert office.get(OFFER, params={"college_id": world.other.college_id}).status_code == 404
    assert world["other_office"].get(OFFER).json()["version"] == 0
    session.expire_all()
    assert service.offer_data(session, college_id=world.college.id).venues[0].idle_pct == 30


def test_platform_admins_name_the_college(world: World) -> None:
    platform = world["platform"]
    assert fields(platform.get(OFFER)) == ["college_id"]
    assert fields(platform.put(OFFER, json={"offer": {}})) == ["college_id"]
    assert platform.get(OFFER, params={"college_id": 999_999}).status_code == 404
    saved = platform.put(OFFER, params={"college_id": world.college.id}, json={"offer": {}})
    assert saved.json()["college_id"] == world.college.id
    assert world["office"].get(OFFER).json()["version"] == 1


# --- advice --------------------------------------------------------------------------------------


def advice_url(partnership: Partnership) -> str:
    return f"/api/v1/partnerships/{partnership.id}/advice"


def test_advice_json_translates_reasons_and_names_the_options(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shape of the answer, with a stand-in advisor (its own tests are in tests/advisor)."""

    def fake_advise(needs: NeedsData, offer: OfferData) -> list[Advice]:
        why = Reason("Site %(site)s for %(majors)s", {"site": "A", "majors": ["CNC", "PLC"]})
        return [
            Advice("mode_7", 7, 90, (why,), (), {"site": "A"}),
            Advice("order_class", None, 40, (), (Reason("Not translated %(n)s", {"n": 3}),), {}),
        ]

    def fake_suggest(**kwargs: Any) -> list[Suggestion]:
        return [Suggestion(5, "Wang Fang", "Mechanics", 0.75, ("PLC",), "staff_training")]

    monkeypatch.setattr(service, "advise", fake_advise)
    monkeypatch.setattr(service, "suggest_teachers", fake_suggest)
    body = world["teacher"].get(advice_url(world.partnership)).json()
    assert body == {
        "partnership_id": world.partnership.id,
        "profile_number": None,
        "advice": [
            {
                "option": "mode_7",
                "mode": 7,
                "label": "7 · Training contract",
                "score": 90,
                "reasons": ["Site A for CNC, PLC"],
                "missing": [],
                "prefill": {"site": "A"},
            },
            {
                "option": "order_class",
                "mode": None,
                "label": "Order class",
                "score": 40,
                "reasons": [],
                "missing": ["Not translated 3"],
                "prefill": {},
            },
        ],
        "teachers": [
            {
                "teacher_id": 5,
                "name": "Wang Fang",
                "department": "Mechanics",
                "score": 0.75,
                "matched": ["PLC"],
                "need": "staff_training",
            }
        ],
    }
    world["office"].post(url(world.partnership), json=needs_body())
    assert world["coordinator"].get(advice_url(world.partnership)).json()["profile_number"] == 1
    assert world["stranger"].get(advice_url(world.partnership)).status_code == 200


TRAINING_NEEDS = {
    "staff_training": {"importance": 3, "topics": ["PLC programming"], "trainees_per_year": 120},
    "talent": {"importance": 2, "majors": ["Mechatronics"], "headcount": 15},
    "assets": {"equipment_to_place": "Two PLC training benches", "trainers": 3},
}
TRAINING_OFFER = {
    "venues": [{"name": "PLC lab", "kind": "simulated_site", "workstations": 40, "idle_pct": 60}],
    "expertise": [{"field": "PLC programming", "teachers": 4}],
    "capacity": [{"major": "Mechatronics", "term": "2026-2027-1", "students": 40}],
}


def test_advice_ranks_every_option_with_reasons_in_the_readers_language(
    world: World, session: Session
) -> None:
    college, p = world.college, world.partnership
    plc = make_teacher(
        session, college, world.department, name="Wang Fang", subjects="PLC programming, automation"
    )
    session.commit()
    office = world["office"]
    assert office.put(OFFER, json={"offer": TRAINING_OFFER}).status_code == 200
    assert office.post(url(p), json={"needs": TRAINING_NEEDS}).status_code == 201
    response = office.get(advice_url(p))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["profile_number"] == 1
    advice = body["advice"]
    assert sorted(a["option"] for a in advice) == sorted(OPTIONS)
    scores = [a["score"] for a in advice]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    by_option = {a["option"]: a for a in advice}
    assert by_option["mode_7"]["label"] == "7 · Training contract"
    assert by_option["order_class"]["label"] == "Order class"
    assert by_option["apprenticeship"]["label"] == "Modern apprenticeship"
    assert (by_option["mode_7"]["mode"], by_option["order_class"]["mode"]) == (7, None)
    training = " ".join(by_option["mode_7"]["reasons"])
    assert "120" in training, training
    assert "60" in training, training
    assert "%(" not in " ".join(r for a in advice for r in a["reasons"] + a["missing"])
    assert plc.id in [t["teacher_id"] for t in body["teachers"]]

    chinese = world["office_zh"].get(advice_url(p))
    assert chinese.headers["content-language"] == "zh-CN"
    for item in chinese.json()["advice"]:
        assert isinstance(item["label"], str)
        assert item["label"]
        for sentences in (item["reasons"], item["missing"]):
            assert isinstance(sentences, list)
            assert all(isinstance(s, str) and s for s in sentences)
    assert [a["option"] for a in chinese.json()["advice"]] == [a["option"] for a in advice]
