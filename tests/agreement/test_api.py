"""The agreement JSON API: drafting, the list and its filters, bad input refused with nothing
changed, the whole life cycle by API (the enterprise contact signing with its own token), and
scope (another college's agreement and an enterprise's drafts stay hidden)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement, AgreementEvent
from tandem.kit.dates import local_today
from tests.agreement.api_world import (
    BASE,
    PROBLEM,
    World,
    build,
    client_for,
    count_agreements,
    draft_body,
)
from tests.agreement.helpers import advance, make_agreement, make_obligation
from tests.factories import make_department, make_user


@pytest.fixture
def world(app: FastAPI, session: Session) -> World:
    return build(app, session)


def _fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json().get("errors", [])]


def test_draft_read_list_change_and_delete(world: World, session: Session) -> None:
    created = world.office.post(BASE, json=draft_body(world.partnership, (1, 3), number="AG-1"))
    assert created.status_code == 201, created.text
    body = created.json()
    url = f"{BASE}/{body['id']}"
    assert created.headers["location"] == url
    assert (body["status"], body["version"], body["department_id"]) == (
        "draft",
        1,
        world.department.id,
    )
    assert body["enterprise_id"] == world.enterprise.id
    assert [m["mode"] for m in body["modes"]] == [1, 3]
    assert body["modes"][0]["terms"]["venue"] == "Workshop B2"
    assert all(m["missing"] == [] for m in body["modes"])
    assert body["allowed_actions"] == ["submit"]
    assert [e["action"] for e in body["timeline"]] == ["create"]
    assert (body["obligations"], body["documents"]) == ([], [])

    detail = world.office.get(url).json()
    assert detail["title"] == "Workshop on campus"
    listed = world.office.get(BASE, params={"q": "workshop", "mode": 3, "status": "draft"}).json()
    assert [a["id"] for a in listed["items"]] == [body["id"]]
    assert listed["meta"] == {"total": 1, "page": 1, "per_page": 25, "pages": 1}
    assert "timeline" not in listed["items"][0]
    for params in (
        {"mode": 2},
        {"status": "active"},
        {"kind": "framework"},
        {"partnership_id": world.other_partnership.id},
        {"enterprise_id": world.enterprise.id + 999},
        {"expiring_within": 90},
    ):
        assert world.office.get(BASE, params=params).json()["meta"]["total"] == 0, params
    for params in (
        {"department_id": world.department.id},
        {"partnership_id": world.partnership.id},
        {"enterprise_id": world.enterprise.id},
        {"college_id": world.college.id},
        {"kind": "mode"},
    ):
        assert world.office.get(BASE, params=params).json()["meta"]["total"] == 1, params

    changed = world.office.patch(url, json={"title": "Robot workshop", "modes": [1], "version": 1})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["version"], [m["mode"] for m in changed.json()["modes"]]) == (2, [1])
    stale = world.office.patch(url, json={"title": "Lost edit", "version": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    assert world.office.get(url).json()["title"] == "Robot workshop"

    assert world.office.delete(url).status_code == 204
    assert world.office.get(url).status_code == 404
    assert count_agreements(session) == 0


def test_a_coordinator_drafts_for_their_own_department(world: World, session: Session) -> None:
    body = draft_body(world.partnership)
    created = world.coordinator.post(BASE, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["department_id"] == world.department.id
    other_department = make_department(session, world.college)
    session.commit()
    refused = world.coordinator.post(BASE, json={**body, "department_id": other_department.id})
    assert (refused.status_code, refused.json()["code"]) == (403, "other_department")
    assert world.teacher.post(BASE, json=body).status_code == 403
    assert world.contact.post(BASE, json=body).status_code == 403
    assert count_agreements(session) == 1


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"end_date": "2020-01-01"}, None, "dates_out_of_order"),  # a whole-body check
        ({"modes": [8]}, "modes", "unknown_mode"),
        ({"modes": ["x"]}, "modes", "unknown_mode"),
        ({"modes": "1, 9"}, "modes", "unknown_mode"),
        ({"terms": {"1": {"area_m2": "-5"}}}, "terms.1.area_m2", "greater_than"),
        ({"terms": {"1": {"rent": 3}}}, "terms.1.rent", "extra_forbidden"),
        ({"terms": {"2": {"base_name": "X"}}}, "terms.2", "mode_not_chosen"),
        ({"value_money": "-1"}, "value_money", "greater_than_equal"),
        ({"partnership_id": 0}, "partnership_id", "unknown_record"),
        ({"title": "  "}, "title", "missing"),
    ],
)
def test_bad_drafts_are_refused_with_the_field_and_nothing_is_stored(
    world: World, session: Session, changes: dict[str, Any], field: str | None, code: str
) -> None:
    response = world.office.post(BASE, json={**draft_body(world.partnership), **changes})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    errors = response.json()["errors"]
    assert errors[0]["code"] == code
    assert errors[0]["field"] == field or field is None
    assert errors[0]["message"]
    assert count_agreements(session) == 0


def test_unknown_mode_message_names_the_value(world: World) -> None:
    response = world.office.post(BASE, json={**draft_body(world.partnership), "modes": [8]})
    assert response.json()["errors"][0]["message"] == (
        "8 is not a mode of cooperation: choose a number from 1 to 7."
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"mode": 8}, "mode"),
        ({"mode": "x"}, "mode"),
        ({"mode": 0}, "mode"),
        ({"status": "lost"}, "status"),
        ({"kind": "other"}, "kind"),
        ({"expiring_within": 0}, "expiring_within"),
        ({"expiring_within": 3651}, "expiring_within"),
        ({"sort": "secret"}, "sort"),
        ({"per_page": 1000}, "per_page"),
    ],
)
def test_list_filters_are_checked(world: World, params: dict[str, Any], field: str) -> None:
    response = world.office.get(BASE, params=params)
    assert response.status_code == 422, params
    assert _fields(response) == [field]
    if field == "mode":
        assert response.json()["errors"][0]["code"] == "unknown_mode"
        assert "choose a number from 1 to 7" in response.json()["errors"][0]["message"]


def test_expiring_within_lists_agreements_in_force_ending_soon(
    world: World, session: Session
) -> None:
    today = local_today()
    soon = make_agreement(
        session,
        world.partnership,
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=60),
    )
    advance(session, soon, "active", today=today)
    make_agreement(session, world.partnership, title="Still a draft", end_date=today + timedelta(3))
    session.commit()
    found = world.office.get(BASE, params={"expiring_within": 90}).json()
    assert [a["id"] for a in found["items"]] == [soon.id]
    assert world.office.get(BASE, params={"expiring_within": 30}).json()["items"] == []


def test_submitting_with_missing_terms_lists_each_one(world: World, session: Session) -> None:
    body = draft_body(world.partnership, (1, 3), terms={"1": {"venue": "Hall A"}})
    created = world.office.post(BASE, json=body).json()
    assert created["modes"][0]["missing"] == ["area_m2", "fee_kind", "training_positions_per_term"]
    url = f"{BASE}/{created['id']}"
    response = world.office.post(f"{url}/transitions", json={"action": "submit"})
    assert response.status_code == 422
    fields = _fields(response)
    assert {"terms.1.area_m2", "terms.1.fee_kind", "terms.3.equipment_placed"} <= set(fields)
    assert all(f.startswith("terms.") for f in fields)
    after = world.office.get(url).json()
    assert (after["status"], after["version"], len(after["timeline"])) == ("draft", 1, 1)


def test_forged_and_illegal_transitions(world: World, session: Session, app: FastAPI) -> None:
    created = world.coordinator.post(BASE, json=draft_body(world.partnership)).json()
    url = f"{BASE}/{created['id']}/transitions"
    activate = world.office.post(url, json={"action": "activate"})
    assert (activate.status_code, activate.json()["code"]) == (409, "invalid_transition")
    assert (
        activate.json()["detail"] == "An agreement that is Draft cannot take the step “Activate”."
    )
    assert _fields(activate) == ["action"]
    office_zh = client_for(
        app, session, make_user(session, "college_admin", world.college), "zh-CN"
    )
    chinese = office_zh.post(url, json={"action": "activate"})
    assert (chinese.status_code, chinese.json()["code"]) == (409, "invalid_transition")
    for body, code in (
        ({"action": "sign"}, "not_manual"),
        ({"action": "expire"}, "not_manual"),
        ({"action": "fly"}, "enum"),
    ):
        response = world.office.post(url, json=body)
        assert (response.status_code, response.json()["errors"][0]["code"]) == (422, code)

    assert world.coordinator.post(url, json={"action": "submit"}).status_code == 200
    approve = world.coordinator.post(url, json={"action": "approve"})
    assert (approve.status_code, approve.json()["code"]) == (403, "forbidden")
    assert world.teacher.post(url, json={"action": "return", "reason": "x"}).status_code == 403
    no_reason = world.office.post(url, json={"action": "return"})
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "reason_required")
    stale = world.office.post(url, json={"action": "approve", "version": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    session.expire_all()
    agreement = session.get(Agreement, created["id"])
    assert agreement is not None
    assert (agreement.status, agreement.version) == ("in_review", 2)
    events = session.scalars(
        select(AgreementEvent.action).where(AgreementEvent.agreement_id == agreement.id)
    ).all()
    assert events == ["create", "submit"]  # create, submit: nothing from the refused requests


def test_the_whole_life_cycle_by_api(world: World, session: Session) -> None:
    body = draft_body(world.partnership, (1, 5), number="AG-2026-01", auto_renew=False)
    created = world.coordinator.post(BASE, json=body).json()
    url = f"{BASE}/{created['id']}"
    obligation = world.coordinator.post(
        f"{url}/obligations",
        json={
            "party": "enterprise",
            "mode": 1,
            "description": "Training positions",
            "quantity": "20",
            "unit": "positions",
            "period": "term",
            "starts_on": body["start_date"],
            "due_on": body["end_date"],
        },
    )
    assert obligation.status_code == 201, obligation.text
    obligation_url = obligation.headers["location"]

    assert world.contact.get(url).status_code == 404  # a draft: the college's own business
    submitted = world.coordinator.post(f"{url}/transitions", json={"action": "submit"})
    assert submitted.json()["status"] == "in_review"
    assert world.contact.get(url).status_code == 404
    assert submitted.json()["allowed_actions"] == ["return"]
    approved = world.office.post(f"{url}/transitions", json={"action": "approve"}).json()
    assert (approved["status"], approved["allowed_actions"]) == ("approved", [])

    seen = world.contact.get(url)
    assert seen.status_code == 200
    assert [e["action"] for e in seen.json()["timeline"]] == ["approve"]  # not the review
    assert [a["id"] for a in world.contact.get(BASE).json()["items"]] == [created["id"]]
    assert world.contact.patch(url, json={"summary": "Ours"}).status_code == 403
    assert world.contact.post(f"{url}/transitions", json={"action": "approve"}).status_code == 403
    for_college = world.contact.post(
        f"{url}/signatures", json={"party": "college", "signatory_name": "Forged"}
    )
    assert (for_college.status_code, for_college.json()["code"]) == (403, "wrong_party")

    signed_once = world.contact.post(f"{url}/signatures", json={"signatory_name": "Director Li"})
    assert signed_once.status_code == 200, signed_once.text
    assert signed_once.json()["status"] == "approved"
    [signature] = signed_once.json()["signatures"]
    assert (signature["party"], signature["on_paper"]) == ("enterprise", False)
    again = world.contact.post(f"{url}/signatures", json={"signatory_name": "Director Li"})
    assert (again.status_code, again.json()["code"]) == (409, "already_signed")
    coordinator_signs = world.coordinator.post(f"{url}/signatures", json={"signatory_name": "X"})
    assert coordinator_signs.status_code == 403
    signed = world.office.post(f"{url}/signatures", json={"signatory_name": "Principal Wang"})
    assert signed.json()["status"] == "signed"
    assert signed.json()["signed_on"] == local_today().isoformat()

    early = world.office.post(
        f"{obligation_url}/deliveries", json={"amount": "5", "delivered_on": "2000-01-01"}
    )
    assert (early.status_code, early.json()["code"]) == (422, "before_start")
    active = world.coordinator.post(f"{url}/transitions", json={"action": "activate"}).json()
    assert active["status"] == "active"
    delivered = world.coordinator.post(
        f"{obligation_url}/deliveries",
        json={"amount": "20", "delivered_on": local_today().isoformat(), "note": "Autumn"},
    )
    assert delivered.status_code == 201, delivered.text
    assert Decimal(delivered.json()["delivered"]) == 20
    assert delivered.json()["progress"] == "on_track"
    assert world.office.get(url).json()["allowed_actions"] == ["renew", "end", "terminate"]
    assert world.coordinator.get(url).json()["allowed_actions"] == ["renew"]

    renewal = world.coordinator.post(f"{url}/renewal", json={})
    assert renewal.status_code == 201, renewal.text
    successor = renewal.json()
    assert renewal.headers["location"] == f"{BASE}/{successor['id']}"
    assert (successor["status"], successor["renews_id"]) == ("draft", created["id"])
    assert successor["start_date"] > body["end_date"]
    assert [m["terms"] for m in successor["modes"]] == [m["terms"] for m in created["modes"]]
    [copied] = successor["obligations"]
    assert copied["description"] == "Training positions"
    assert Decimal(copied["quantity"]) == 20
    assert copied["deliveries"] == []
    old = world.office.get(url).json()
    assert (old["status"], old["closed_on"]) == ("renewed", local_today().isoformat())
    assert [e["action"] for e in old["timeline"]] == [
        "create",
        "submit",
        "approve",
        "signature",
        "sign",
        "activate",
        "renew",
    ]
    again_renewed = world.coordinator.post(f"{url}/renewal", json={})
    assert (again_renewed.status_code, again_renewed.json()["code"]) == (409, "invalid_transition")


def test_the_office_records_a_signature_made_on_paper(world: World, session: Session) -> None:
    agreement = make_agreement(session, world.partnership, number="AG-P-1")
    advance(session, agreement, "approved")
    session.commit()
    url = f"{BASE}/{agreement.id}/signatures"
    online = world.office.post(url, json={"party": "enterprise", "signatory_name": "Li"})
    assert (online.status_code, online.json()["errors"][0]["code"]) == (
        422,
        "enterprise_signs_itself",
    )
    assert world.office.get(f"{BASE}/{agreement.id}").json()["signatures"] == []
    paper = world.office.post(
        url, json={"party": "enterprise", "signatory_name": "Director Li", "on_paper": True}
    )
    assert paper.status_code == 200, paper.text
    assert paper.json()["signatures"][0]["on_paper"] is True
    assert paper.json()["enterprise_signatory"] == "Director Li"
    contact_on_paper = world.contact.post(url, json={"signatory_name": "Li", "on_paper": True})
    assert contact_on_paper.status_code == 403
    done = world.office.post(url, json={"signatory_name": "Principal Wang", "version": 99})
    assert (done.status_code, done.json()["code"]) == (409, "stale_version")
    done = world.office.post(url, json={"signatory_name": "Principal Wang"})
    assert done.json()["status"] == "signed"


def test_ending_and_terminating_need_reasons(world: World, session: Session) -> None:
    agreement = make_agreement(session, world.partnership)
    advance(session, agreement, "active", today=local_today())
    session.commit()
    url = f"{BASE}/{agreement.id}/transitions"
    for action in ("end", "terminate"):
        response = world.office.post(url, json={"action": action})
        assert (response.status_code, response.json()["code"]) == (422, "reason_required")
    assert (
        world.coordinator.post(url, json={"action": "terminate", "reason": "x"}).status_code == 403
    )
    done = world.office.post(url, json={"action": "terminate", "reason": "Enterprise moved"})
    assert (done.json()["status"], done.json()["close_reason"]) == (
        "terminated",
        "Enterprise moved",
    )
    assert done.json()["allowed_actions"] == []


def test_patching_an_approved_agreement_changes_only_what_may_change(
    world: World, session: Session
) -> None:
    agreement = make_agreement(session, world.partnership)
    advance(session, agreement, "approved")
    session.commit()
    url = f"{BASE}/{agreement.id}"
    refused = world.office.patch(url, json={"title": "Other"})
    assert (refused.status_code, refused.json()["code"]) == (409, "not_editable")
    ok = world.office.patch(url, json={"summary": "Going well", "next_review_on": "2027-01-01"})
    assert ok.status_code == 200
    assert (ok.json()["title"], ok.json()["summary"]) == ("Cooperation agreement", "Going well")
    deleted = world.office.delete(url)
    assert (deleted.status_code, deleted.json()["code"]) == (409, "not_draft")
    assert world.office.get(url).status_code == 200


def test_reviews_and_notice_of_non_renewal(world: World, session: Session) -> None:
    agreement = make_agreement(session, world.partnership, auto_renew=True, review_every_months=6)
    advance(session, agreement, "active", today=local_today())
    session.commit()
    url = f"{BASE}/{agreement.id}"
    reviewed = world.coordinator.post(f"{url}/reviews", json={"held_on": "2026-06-01"})
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["next_review_on"] == "2026-12-01"
    assert reviewed.json()["timeline"][-1]["action"] == "review"
    backwards = world.office.post(
        f"{url}/reviews", json={"held_on": "2026-06-01", "next_review_on": "2026-05-01"}
    )
    assert (backwards.status_code, _fields(backwards)) == (422, ["next_review_on"])
    assert world.teacher.post(f"{url}/reviews", json={"held_on": "2026-06-01"}).status_code == 403

    assert world.coordinator.post(f"{url}/non-renewal", json={}).status_code == 403
    notice = world.office.post(f"{url}/non-renewal", json={"reason": "Moving on"})
    assert notice.status_code == 200, notice.text
    assert notice.json()["auto_renew"] is False
    twice = world.office.post(f"{url}/non-renewal", json={})
    assert (twice.status_code, twice.json()["code"]) == (409, "not_auto_renewing")


def test_other_colleges_and_enterprises_agreements_stay_hidden(
    world: World, session: Session
) -> None:
    theirs = make_agreement(session, world.other_partnership, title="Theirs")
    advance(session, theirs, "approved")
    ours = make_agreement(session, world.partnership, title="Ours")
    draft = make_agreement(session, world.partnership, title="Our draft")
    advance(session, ours, "approved")
    make_obligation(session, theirs)
    session.commit()
    url = f"{BASE}/{theirs.id}"
    for method, path, body in (
        ("GET", url, None),
        ("PATCH", url, {"summary": "x"}),
        ("DELETE", url, None),
        ("POST", f"{url}/transitions", {"action": "terminate", "reason": "x"}),
        ("POST", f"{url}/signatures", {"signatory_name": "x"}),
        ("POST", f"{url}/reviews", {"held_on": "2026-06-01"}),
        ("GET", f"{url}/obligations", None),
        ("GET", f"{url}/documents", None),
    ):
        response = world.office.request(method, path, json=body)
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "not_found"
    titles = {a["title"] for a in world.office.get(BASE, params={"per_page": 200}).json()["items"]}
    assert titles == {"Ours", "Our draft"}
    assert world.office.get(BASE, params={"college_id": theirs.college_id}).json()["items"] == []

    assert world.contact.get(f"{BASE}/{draft.id}").status_code == 404
    assert world.contact.get(url).status_code == 404
    assert world.contact.post(f"{url}/signatures", json={"signatory_name": "x"}).status_code == 404
    assert [a["title"] for a in world.contact.get(BASE).json()["items"]] == ["Ours"]
    session.expire_all()
    assert session.get(Agreement, theirs.id).summary == ""  # type: ignore[union-attr]
    assert session.get(Agreement, theirs.id).signatures == []  # type: ignore[union-attr]


def test_anonymous_and_unrelated_roles_are_turned_away(
    world: World, session: Session, app: FastAPI
) -> None:
    from fastapi.testclient import TestClient

    anonymous = TestClient(app).get(BASE)
    assert anonymous.status_code == 401
    student = client_for(app, session, make_user(session, "student", world.college))
    assert student.get(BASE).status_code == 403
