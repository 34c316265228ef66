"""The agreement API's obligations (with deliveries and standing) and documents (upload with
the type sniffed and the size limited, download as an attachment with its SHA-256 as ETag)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement import documents, steps
from tandem.agreement.models import Agreement, AgreementDocument, Obligation, Party
from tandem.agreement.schemas import SignatureCreate
from tandem.kit.dates import local_today
from tests.agreement.api_world import BASE, World, build
from tests.agreement.helpers import END, START, advance, make_agreement, make_obligation
from tests.factories import ACTOR

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def world(app: FastAPI, session: Session) -> World:
    return build(app, session)


@pytest.fixture
def draft(world: World, session: Session) -> Agreement:
    agreement = make_agreement(session, world.partnership, modes=(1, 4))
    session.commit()
    return agreement


def _count(session: Session, model: type[Any]) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def obligation_body(**fields: Any) -> dict[str, Any]:
    body = {
        "party": "college",
        "mode": 1,
        "description": "Workshop space",
        "quantity": "300",
        "unit": "sqm",
        "period": "once",
        "starts_on": START.isoformat(),
        "due_on": "2026-06-30",
    }
    body.update(fields)
    return body


# --- obligations ---------------------------------------------------------------------------------


def test_obligations_are_added_read_changed_and_removed(
    world: World, draft: Agreement, session: Session
) -> None:
    url = f"{BASE}/{draft.id}/obligations"
    created = world.coordinator.post(url, json=obligation_body())
    assert created.status_code == 201, created.text
    body = created.json()
    one = f"{url}/{body['id']}"
    assert created.headers["location"] == one
    assert (body["party"], body["mode"], body["unit"], body["progress"]) == (
        "college",
        1,
        "sqm",
        "behind",  # 300 m² were due by the end of June 2026
    )
    assert Decimal(body["committed"]) == 300
    assert world.office.get(one).json()["description"] == "Workshop space"
    listed = world.teacher.get(url).json()["items"]
    assert [o["id"] for o in listed] == [body["id"]]
    assert world.office.get(f"{BASE}/{draft.id}").json()["obligations"][0]["id"] == body["id"]

    changed = world.office.patch(one, json={"quantity": "250", "version": 1})
    assert changed.status_code == 200, changed.text
    assert Decimal(changed.json()["quantity"]) == 250
    assert changed.json()["version"] == 2
    stale = world.office.patch(one, json={"quantity": "1", "version": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    backwards = world.office.patch(one, json={"due_on": "2025-01-01"})
    assert (backwards.status_code, backwards.json()["errors"][0]["field"]) == (422, "due_on")
    assert Decimal(world.office.get(one).json()["quantity"]) == 250

    assert world.teacher.delete(one).status_code == 403
    assert world.office.delete(one).status_code == 204
    assert world.office.get(one).status_code == 404
    assert _count(session, Obligation) == 0


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"quantity": "-5"}, "quantity", "greater_than"),
        ({"quantity": "0"}, "quantity", "greater_than"),
        ({"quantity": "many"}, "quantity", "decimal_parsing"),
        ({"due_on": "2025-12-31"}, None, "dates_out_of_order"),
        ({"mode": 3}, "mode", "mode_not_chosen"),
        ({"mode": 8}, "mode", "less_than_equal"),
        ({"party": "government"}, "party", "enum"),
        ({"unit": ""}, "unit", "missing"),
    ],
)
def test_bad_obligations_are_refused_and_nothing_is_stored(
    world: World,
    draft: Agreement,
    session: Session,
    changes: dict[str, Any],
    field: str | None,
    code: str,
) -> None:
    response = world.office.post(f"{BASE}/{draft.id}/obligations", json=obligation_body(**changes))
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["code"] == code
    assert error["field"] == field or field is None
    assert _count(session, Obligation) == 0


def test_deliveries_count_once_signed_and_commitments_freeze_on_approval(
    world: World, session: Session
) -> None:
    agreement = make_agreement(session, world.partnership)
    obligation = make_obligation(session, agreement, quantity=Decimal(10), period="once")
    advance(session, agreement, "approved")
    session.commit()
    one = f"{BASE}/{agreement.id}/obligations/{obligation.id}"
    delivery = {"amount": "4", "delivered_on": "2026-02-01"}
    too_soon = world.office.post(f"{one}/deliveries", json=delivery)
    assert (too_soon.status_code, too_soon.json()["code"]) == (409, "not_signed")
    frozen = world.office.patch(one, json={"quantity": "5"})
    assert (frozen.status_code, frozen.json()["code"]) == (409, "not_editable")
    assert world.office.delete(one).status_code == 409

    for party in (Party.COLLEGE, Party.ENTERPRISE):
        data = SignatureCreate(party=party, signatory_name="Signer", on_paper=True)
        steps.sign(session, actor=ACTOR, agreement=agreement, data=data)
    session.commit()
    for amount in ("-1", "0"):
        bad = world.office.post(f"{one}/deliveries", json={**delivery, "amount": amount})
        assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "amount")
    assert world.teacher.post(f"{one}/deliveries", json=delivery).status_code == 403
    assert world.contact.post(f"{one}/deliveries", json=delivery).status_code == 403
    recorded = world.coordinator.post(f"{one}/deliveries", json={**delivery, "note": "Lab"})
    assert recorded.status_code == 201, recorded.text
    body = recorded.json()
    assert Decimal(body["delivered"]) == 4
    assert Decimal(body["committed"]) == 10
    [entry] = body["deliveries"]
    assert (entry["note"], entry["source"]) == ("Lab", "manual")
    assert body["progress"] == ("behind" if local_today() >= END else "on_track")
    seen = world.contact.get(f"{BASE}/{agreement.id}/obligations").json()["items"]
    assert Decimal(seen[0]["delivered"]) == 4


# --- documents -----------------------------------------------------------------------------------


def _upload(client: Any, agreement: Agreement, name: str, content: bytes, **data: str) -> Any:
    return client.post(
        f"{BASE}/{agreement.id}/documents",
        files={"file": (name, content, "application/octet-stream")},
        data=data,
    )


def test_documents_are_uploaded_listed_downloaded_and_removed(
    world: World, draft: Agreement, session: Session
) -> None:
    uploaded = _upload(world.coordinator, draft, "合作协议.pdf", PDF, description="Signed scan")
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    url = f"{BASE}/{draft.id}/documents/{body['id']}"
    assert uploaded.headers["location"] == url
    assert (body["filename"], body["content_type"], body["size"]) == (
        "合作协议.pdf",
        "application/pdf",
        len(PDF),
    )
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["description"] == "Signed scan"
    assert [d["id"] for d in world.teacher.get(f"{BASE}/{draft.id}/documents").json()["items"]] == [
        body["id"]
    ]
    assert world.office.get(url).json()["sha256"] == body["sha256"]
    assert world.office.get(f"{BASE}/{draft.id}").json()["documents"][0]["id"] == body["id"]

    download = world.teacher.get(f"{url}/content")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["etag"] == f'"{body["sha256"]}"'
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('合作协议.pdf')}" in disposition
    cached = world.teacher.get(f"{url}/content", headers={"If-None-Match": f'"{body["sha256"]}"'})
    assert (cached.status_code, cached.content) == (304, b"")

    png = _upload(world.office, draft, "photo", PNG)
    assert (png.json()["filename"], png.json()["content_type"]) == ("photo.png", "image/png")
    assert world.teacher.delete(url).status_code == 403
    assert world.office.delete(url).status_code == 204
    assert world.office.get(f"{url}/content").status_code == 404
    assert _count(session, AgreementDocument) == 1


def test_wrong_missing_and_oversized_files_are_refused(
    world: World, draft: Agreement, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _upload(world.office, draft, "contract.pdf", b"This is not really a PDF")
    assert (text.status_code, text.json()["code"]) == (422, "wrong_file_type")
    assert "contract.pdf" in text.json()["detail"]
    empty = _upload(world.office, draft, "empty.pdf", b"")
    assert (empty.status_code, empty.json()["code"]) == (422, "empty_file")
    missing = world.office.post(f"{BASE}/{draft.id}/documents", data={"description": "x"})
    assert (missing.status_code, missing.json()["errors"][0]["field"]) == (422, "file")
    long = _upload(world.office, draft, "a.pdf", PDF, description="x" * 301)
    assert (long.status_code, long.json()["errors"][0]["field"]) == (422, "description")

    monkeypatch.setattr(documents, "MAX_BYTES", 64)
    read: list[int] = []
    original = documents.attach_document

    def spy(*args: Any, **kwargs: Any) -> Any:
        read.append(len(kwargs["content"]))
        return original(*args, **kwargs)

    monkeypatch.setattr(documents, "attach_document", spy)
    large = _upload(world.office, draft, "large.pdf", PDF + b"0" * 10_000)
    assert (large.status_code, large.json()["code"]) == (422, "file_too_large")
    assert read == [65]  # never more than the limit and one byte
    assert _upload(world.office, draft, "small.pdf", PDF).status_code == 201
    assert _count(session, AgreementDocument) == 1


def test_documents_follow_the_agreements_scope(world: World, session: Session) -> None:
    ours = make_agreement(session, world.partnership)
    advance(session, ours, "approved")
    theirs = make_agreement(session, world.other_partnership)
    advance(session, theirs, "approved")
    draft = make_agreement(session, world.partnership)
    ids = {}
    for agreement in (ours, theirs, draft):
        document = documents.attach_document(
            session, actor=ACTOR, agreement=agreement, filename="scan.pdf", content=PDF
        )
        ids[agreement.id] = document.id
    session.commit()

    def content(agreement: Agreement) -> str:
        return f"{BASE}/{agreement.id}/documents/{ids[agreement.id]}/content"

    assert world.contact.get(content(ours)).content == PDF
    assert world.contact.get(content(draft)).status_code == 404
    assert world.contact.get(content(theirs)).status_code == 404
    assert world.office.get(content(theirs)).status_code == 404
    assert world.office.delete(content(theirs).removesuffix("/content")).status_code == 404
    wrong_pair = f"{BASE}/{ours.id}/documents/{ids[theirs.id]}/content"
    assert world.office.get(wrong_pair).status_code == 404
    assert (
        world.contact.post(
            f"{BASE}/{ours.id}/documents", files={"file": ("x.pdf", PDF)}
        ).status_code
        == 403
    )
    assert _upload(world.office, theirs, "x.pdf", PDF).status_code == 404
    assert _count(session, AgreementDocument) == 3
