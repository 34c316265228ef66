"""Consents: recording one with its signed form, replacing it, removing it, when each kind is
required, the checks of the form and the file, and who may see them (API and pages)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tandem.placement import consent
from tandem.placement.models import Placement
from tandem.placement.models_records import Consent, PlacementDocument
from tests.conftest import csrf_from
from tests.factories import bearer
from tests.placement.records_helpers import PDF, PNG, add_placement, minor_birth
from tests.placement.world import PlacementWorld

SIGNED = date(2026, 1, 5)


@pytest.fixture
def placement(session: Session, world: PlacementWorld) -> Placement:
    return add_placement(session, world.positions[0], world.seniors[0])


def _record(
    session: Session, world: PlacementWorld, placement: Placement, **changes: object
) -> Consent:
    data: dict[str, object] = {
        "actor": world.actor("office"),
        "placement": placement,
        "kind": "guardian",
        "signer_name": "李华",
        "relation": "母亲",
        "signed_on": SIGNED,
        "upload": ("同意书.pdf", PDF),
        "max_bytes": 1 << 20,
        **changes,
    }
    return consent.record(session, **data)  # type: ignore[arg-type]


def test_record_replace_and_remove(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    assert not consent.has_consent(session, placement, "guardian")
    first = _record(session, world, placement)
    assert consent.has_consent(session, placement, "guardian")
    assert not consent.has_consent(session, placement, "informed")
    form = session.get_one(PlacementDocument, first.document_id)
    assert (form.kind, form.filename, form.content_type) == (
        "guardian_consent",
        "同意书.pdf",
        "application/pdf",
    )
    assert placement.checked_at is not None  # the gate re-ran
    second = _record(
        session, world, placement, signer_name="李强", relation="父亲", upload=("f.png", PNG)
    )
    assert second.id == first.id
    assert session.scalar(select(func.count()).select_from(Consent)) == 1
    assert session.get(PlacementDocument, form.id) is None  # the replaced form is gone
    update = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "placement_consent", AuditEntry.action == "update"
        )
    ).one()
    assert update.changes["signer_name"] == ["李华", "李强"]
    assert update.changes["relation"] == ["母亲", "父亲"]
    assert consent.consent_kinds(session, [placement.id]) == {placement.id: {"guardian"}}
    consent.remove(session, actor=world.actor("office"), placement=placement, kind="guardian")
    assert not consent.has_consent(session, placement, "guardian")
    assert session.scalar(select(func.count()).select_from(PlacementDocument)) == 0
    with pytest.raises(NotFound):
        consent.remove(session, actor=world.actor("office"), placement=placement, kind="guardian")


def test_only_the_office_records(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    for name in ("teacher", "student", "contact1"):
        with pytest.raises(PermissionDenied):
            _record(session, world, placement, actor=world.actor(name))
    _record(session, world, placement, actor=world.actor("coordinator"))
    with pytest.raises(PermissionDenied):
        consent.remove(session, actor=world.actor("teacher"), placement=placement, kind="guardian")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"kind": "parent"}, "kind", "unknown_consent_kind"),
        ({"signer_name": "  "}, "signer_name", "missing"),
        ({"signed_on": None}, "signed_on", "missing"),
        ({"signed_on": "tomorrow"}, "signed_on", "date_in_future"),
        ({"upload": None}, "file", "missing"),
        ({"upload": ("a.txt", b"just text")}, "file", "wrong_file_type"),
        ({"upload": ("a.pdf", b"")}, "file", "empty_file"),
        ({"upload": ("big.pdf", PDF + b"x" * 100), "max_bytes": 60}, "file", "file_too_large"),
    ],
)
def test_the_form_and_file_are_checked(
    session: Session,
    world: PlacementWorld,
    placement: Placement,
    changes: dict[str, object],
    field: str,
    code: str,
) -> None:
    if changes.get("signed_on") == "tomorrow":
        changes = {**changes, "signed_on": local_today() + timedelta(days=1)}
    with pytest.raises(ValidationFailed) as caught:
        _record(session, world, placement, **changes)
    assert [(e.field, e.code) for e in caught.value.errors] == [(field, code)]
    assert session.scalar(select(func.count()).select_from(Consent)) == 0


def test_which_consents_are_required(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    assert consent.required(placement) == {"guardian": False, "informed": False}
    world.seniors[0].birth_date = minor_birth(placement)
    world.plan.requires_informed_consent = True
    session.flush()
    assert consent.required(placement) == {"guardian": True, "informed": True}
    section = consent.section(session, actor=world.actor("office"), placement=placement)
    assert section["missing"] == ["Guardian consent", "Informed consent"]
    assert section["rows"][0]["reason"] == "The student is under 18 on the start date."
    assert section["can"]["record"]
    _record(session, world, placement)
    _record(session, world, placement, kind="informed", signer_name="学生", relation="本人")
    section = consent.section(session, actor=world.actor("office"), placement=placement)
    assert section["missing"] == []
    contact = consent.section(session, actor=world.actor("contact1"), placement=placement)
    assert not contact["visible"]
    assert contact["rows"][0]["consent"] is None
    assert contact["rows"][0]["recorded"]
    assert not contact["can"]["record"]


# --- API and pages -------------------------------------------------------------------------------


@pytest.fixture
def as_user(app: FastAPI, session: Session, world: PlacementWorld) -> Callable[[str], TestClient]:
    def make(name: str) -> TestClient:
        return TestClient(
            app, headers={"Accept-Language": "en", **bearer(session, world.users[name])}
        )

    return make


def test_consents_through_the_api(
    as_user: Callable[[str], TestClient],
    world: PlacementWorld,
    placement: Placement,
    session: Session,
) -> None:
    session.commit()
    url = f"/api/v1/placements/{placement.id}/consents"
    form = {
        "kind": "guardian",
        "signer_name": "李华",
        "relation": "母亲",
        "signed_on": "2026-01-05",
    }
    assert (
        as_user("teacher").post(url, data=form, files={"file": ("c.pdf", PDF)}).status_code == 403
    )
    assert (
        as_user("other_office").post(url, data=form, files={"file": ("c.pdf", PDF)}).status_code
        == 404
    )
    bad = as_user("office").post(url, data=form, files={"file": ("c.txt", b"text")})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "file"
    created = as_user("office").post(url, data=form, files={"file": ("c.pdf", PDF)})
    assert created.status_code == 201, created.text
    assert created.json()["signer_name"] == "李华"
    listed = as_user("student").get(url).json()
    assert [c["kind"] for c in listed["items"]] == ["guardian"]
    assert listed["required"] == {"guardian": False, "informed": False}
    assert as_user("contact1").get(url).status_code == 403
    assert as_user("contact2").get(url).status_code == 404
    form_url = f"/api/v1/placements/{placement.id}/consent-form"
    assert as_user("student").get(form_url, params={"kind": "guardian"}).content == PDF
    assert as_user("contact1").get(form_url, params={"kind": "guardian"}).status_code == 403
    assert as_user("office").get(form_url, params={"kind": "informed"}).status_code == 404
    assert as_user("office").get(form_url).status_code == 422
    documents = as_user("contact1").get(f"/api/v1/placements/{placement.id}/documents").json()
    assert documents["items"] == []  # consent forms are not the host's
    removed = as_user("office").post(f"{url}/remove", json={"kind": "guardian"})
    assert removed.status_code == 204
    assert as_user("office").post(f"{url}/remove", json={"kind": "guardian"}).status_code == 404
    assert as_user("office").get(url).json()["items"] == []


def test_consent_pages(
    browser: Callable[..., TestClient],
    world: PlacementWorld,
    placement: Placement,
    session: Session,
) -> None:
    world.seniors[0].birth_date = minor_birth(placement)
    session.commit()
    office = browser(world.users["office"])
    page = office.get(f"/placements/{placement.id}/consents/new")
    assert page.status_code == 200
    assert "The student is under 18 on the start date." in page.text
    token = csrf_from(page.text)
    wrong = office.post(
        f"/placements/{placement.id}/consents/new",
        data={
            "csrf_token": token,
            "kind": "guardian",
            "signer_name": "",
            "signed_on": "2026-01-05",
        },
        files={"file": ("c.pdf", PDF)},
    )
    assert wrong.status_code == 422
    assert "Enter the name of who signed the form." in wrong.text
    done = office.post(
        f"/placements/{placement.id}/consents/new",
        data={
            "csrf_token": token,
            "kind": "guardian",
            "signer_name": "李华",
            "relation": "母亲",
            "signed_on": "2026-01-05",
        },
        files={"file": ("c.pdf", PDF)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/placements/{placement.id}#consent"
    session.expire_all()
    assert consent.has_consent(session, placement, "guardian")
    confirm = office.get(f"/placements/{placement.id}/consents/remove?kind=guardian")
    assert confirm.status_code == 200
    assert "李华" in confirm.text
    removed = office.post(
        f"/placements/{placement.id}/consents/remove",
        data={"csrf_token": csrf_from(confirm.text), "kind": "guardian"},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    session.expire_all()
    assert not consent.has_consent(session, placement, "guardian")
    assert (
        browser(world.users["teacher"]).get(f"/placements/{placement.id}/consents/new").status_code
        == 403
    )


@pytest.mark.parametrize("status", ["completed", "ended_early"])
def test_the_consent_of_an_ended_placement_stays(
    session: Session, world: PlacementWorld, placement: Placement, status: str
) -> None:
    _record(session, world, placement)
    placement.status = status
    session.flush()
    with pytest.raises(Conflict) as refused:
        consent.remove(session, actor=world.actor("office"), placement=placement, kind="guardian")
    assert refused.value.code == "placement_closed"
    assert "has ended" in str(refused.value)
    assert consent.has_consent(session, placement, "guardian")
