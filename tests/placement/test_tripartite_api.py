"""The agreement through the API and the pages: generate, confirm by each party (the student
on the confirmation page), the PDF, the signed scan (type and size checked), and who sees what."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.placement import tripartite
from tandem.placement.models import Placement
from tests.conftest import csrf_from
from tests.factories import bearer
from tests.placement.records_helpers import PDF, PNG, add_placement
from tests.placement.world import PlacementWorld

Client = Callable[[str], TestClient]


@pytest.fixture
def as_user(app: FastAPI, session: Session, world: PlacementWorld) -> Client:
    def make(name: str) -> TestClient:
        return TestClient(
            app, headers={"Accept-Language": "en", **bearer(session, world.users[name])}
        )

    return make


@pytest.fixture
def placement(session: Session, world: PlacementWorld) -> Placement:
    found = add_placement(session, world.positions[0], world.seniors[0])
    session.commit()
    return found


def _url(placement: Placement, tail: str = "") -> str:
    return f"/api/v1/placements/{placement.id}/agreement{tail}"


def test_generate_confirm_and_download(
    as_user: Client, world: PlacementWorld, placement: Placement
) -> None:
    office = as_user("office")
    assert office.get(_url(placement)).json()["agreement"] is None
    assert as_user("teacher").post(_url(placement)).status_code == 403
    created = office.post(_url(placement))
    assert created.status_code == 200
    body = created.json()
    assert body["agreement"]["number"].endswith(f"-{placement.id:06d}")
    assert body["signed"] is False
    assert body["my_party"] == "college"
    assert as_user("coordinator").post(_url(placement, "/confirm")).status_code == 403
    for name, party in (("student", "student"), ("contact1", "host"), ("office", "college")):
        response = as_user(name).post(_url(placement, "/confirm"))
        assert response.status_code == 200, response.text
        assert response.json()["my_party"] == party
    again = as_user("student").post(_url(placement, "/confirm"))
    assert again.status_code == 409
    assert again.json()["code"] == "already_confirmed"
    status = as_user("teacher").get(_url(placement)).json()
    assert status["signed"] is True
    assert {c["party"]: bool(c["confirmed_at"]) for c in status["agreement"]["confirmations"]} == {
        "college": True,
        "host": True,
        "student": True,
    }
    pdf = as_user("student").get(_url(placement, ".pdf"))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]


def test_scan_upload_checks_the_file(
    as_user: Client, world: PlacementWorld, placement: Placement, app: FastAPI
) -> None:
    office = as_user("office")
    office.post(_url(placement))
    text = office.post(
        _url(placement, "/scan"), files={"file": ("a.pdf", b"hello", "application/pdf")}
    )
    assert text.status_code == 422
    assert text.json()["errors"][0]["code"] == "wrong_file_type"
    missing = office.post(_url(placement, "/scan"))
    assert missing.status_code == 422
    app.state.settings = app.state.settings.model_copy(update={"upload_max_bytes": 40})
    large = office.post(_url(placement, "/scan"), files={"file": ("big.png", PNG + b"\0" * 40)})
    assert large.status_code == 422
    assert large.json()["errors"][0]["code"] == "file_too_large"
    app.state.settings = app.state.settings.model_copy(update={"upload_max_bytes": 1 << 20})
    assert (
        as_user("contact1").post(_url(placement, "/scan"), files={"file": ("s.pdf", PDF)})
    ).status_code == 403
    done = office.post(_url(placement, "/scan"), files={"file": ("签字版.pdf", PDF)})
    assert done.status_code == 201
    assert done.json()["kind"] == "tripartite_scan"
    assert office.get(_url(placement)).json()["signed"] is True
    download = as_user("contact1").get(_url(placement, "/scan"))
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["x-content-type-options"] == "nosniff"
    documents = as_user("contact1").get(f"/api/v1/placements/{placement.id}/documents").json()
    assert [d["kind"] for d in documents["items"]] == ["tripartite_scan"]


def test_others_see_nothing(
    as_user: Client, world: PlacementWorld, placement: Placement, session: Session
) -> None:
    as_user("office").post(_url(placement))
    for name in ("other_office", "contact2"):
        assert as_user(name).get(_url(placement)).status_code == 404
        assert as_user(name).get(_url(placement, ".pdf")).status_code == 404
        assert as_user(name).post(_url(placement, "/confirm")).status_code == 404
    classmate = add_placement(session, world.positions[1], world.seniors[1])
    session.commit()
    assert as_user("student").get(_url(classmate)).status_code == 404
    assert as_user("student").post(_url(classmate, "/confirm")).status_code == 404
    assert as_user("other_office").post(_url(placement)).status_code == 404


def test_pages_generate_and_the_student_confirms_on_the_page(
    browser: Callable[..., TestClient],
    world: PlacementWorld,
    placement: Placement,
    session: Session,
) -> None:
    office = browser(world.users["office"])
    token = csrf_from(office.get(f"/placements/{placement.id}/consents/new").text)
    generated = office.post(
        f"/placements/{placement.id}/agreement/generate",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert generated.status_code == 303
    assert generated.headers["location"] == f"/placements/{placement.id}#agreement"
    student = browser(world.users["student"])
    page = student.get(f"/placements/{placement.id}/agreement/confirm")
    assert page.status_code == 200
    assert placement.title in page.text
    assert "Confirm the agreement" in page.text
    confirmed = student.post(
        f"/placements/{placement.id}/agreement/confirm",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    session.expire_all()
    agreement = tripartite.agreement_of(session, placement)
    assert agreement is not None
    assert agreement.student_confirmed_at is not None
    twice = student.post(
        f"/placements/{placement.id}/agreement/confirm",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert twice.status_code == 409
    assert "already confirmed" in twice.text
    # A teacher reads the placement but confirms for no party.
    assert (
        browser(world.users["teacher"])
        .get(f"/placements/{placement.id}/agreement/confirm")
        .status_code
        == 403
    )


def test_scan_page_refuses_a_text_file_with_a_message(
    browser: Callable[..., TestClient],
    world: PlacementWorld,
    placement: Placement,
    session: Session,
) -> None:
    office = browser(world.users["office"])
    tripartite.generate(session, actor=world.actor("office"), placement=placement)
    session.commit()
    token = csrf_from(office.get(f"/placements/{placement.id}/consents/new").text)
    refused = office.post(
        f"/placements/{placement.id}/agreement/scan",
        data={"csrf_token": token},
        files={"file": ("notes.txt", b"plain text")},
        follow_redirects=False,
    )
    assert refused.status_code == 303
    session.expire_all()
    assert tripartite.agreement_of(session, placement).scan_document_id is None  # type: ignore[union-attr]
    stored = office.post(
        f"/placements/{placement.id}/agreement/scan",
        data={"csrf_token": token},
        files={"file": ("scan.png", PNG)},
        follow_redirects=False,
    )
    assert stored.status_code == 303
    session.expire_all()
    assert tripartite.is_signed(session, placement)


def test_the_placement_page_shows_the_sections_by_role(
    browser: Callable[..., TestClient],
    world: PlacementWorld,
    placement: Placement,
    session: Session,
) -> None:
    page = browser(world.users["office"]).get(f"/placements/{placement.id}")
    assert page.status_code == 200
    assert 'id="agreement"' in page.text
    assert 'id="consent"' in page.text
    assert "Generate the agreement" in page.text
    assert "Record a consent" in page.text
    tripartite.generate(session, actor=world.actor("office"), placement=placement)
    session.commit()
    student = browser(world.users["student"]).get(f"/placements/{placement.id}").text
    assert f"/placements/{placement.id}/agreement/confirm" in student
    assert "Generate again" not in student
    assert "Record a consent" not in student
    contact = browser(world.users["contact1"]).get(f"/placements/{placement.id}").text
    assert f"/placements/{placement.id}/agreement/confirm" in contact
    assert "The consent forms are kept by the college." in contact
