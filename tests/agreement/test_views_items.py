"""The agreement pages' obligations (committed vs delivered) and documents (sniffed, capped,
downloaded byte for byte)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement import documents
from tandem.agreement.models import Agreement, AgreementDocument, Obligation
from tandem.partner.models import Partnership
from tests.agreement.helpers import advance, make_agreement
from tests.agreement.test_views import FUTURE, PAST, TODAY, Browser, post_from
from tests.factories import ACTOR
from tests.partner.helpers import make_contact_user

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def upload(
    client: TestClient, agreement: Agreement, name: str, content: bytes, description: str = ""
):  # type: ignore[no-untyped-def]
    page = f"/agreements/{agreement.id}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert token
    return client.post(
        f"{page}/documents",
        data={"csrf_token": token.group(1), "description": description},
        files={"file": (name, content, "application/pdf")},
        follow_redirects=False,
    )


def document_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AgreementDocument)) or 0


# --- documents -----------------------------------------------------------------------------------


def test_a_pdf_is_attached_and_downloaded_byte_for_byte(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = make_agreement(session, partnership)
    session.commit()
    response = upload(office, agreement, "合同 scan.pdf", PDF, "Signed original")
    assert response.status_code == 303, response.text
    document = session.scalars(
        select(AgreementDocument).where(AgreementDocument.agreement_id == agreement.id)
    ).one()
    html = office.get(f"/agreements/{agreement.id}").text
    link = f'href="/agreements/{agreement.id}/documents/{document.id}"'
    assert link in html
    assert "Signed original" in html
    assert "合同 scan.pdf" in html

    download = office.get(f"/agreements/{agreement.id}/documents/{document.id}")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('合同 scan.pdf')}" in disposition
    disposition.encode("ascii")  # the header itself stays ASCII

    page = f"/agreements/{agreement.id}"
    deleted = post_from(office, page, f"{page}/documents/{document.id}/delete")
    assert deleted.status_code == 303
    assert document_count(session) == 0


def test_a_text_file_named_pdf_is_refused(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = make_agreement(session, partnership)
    session.commit()
    response = upload(office, agreement, "contract.pdf", b"Just some text, not a PDF.\n")
    assert response.status_code == 422
    error = re.search(r'<p class="error" id="e-file">([^<]*)</p>', response.text)
    assert error
    assert "contract.pdf is not a PDF or an image" in error.group(1)
    assert document_count(session) == 0


def test_an_oversized_file_is_refused(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = make_agreement(session, partnership)
    session.commit()
    too_big = b"%PDF-1.7\n" + b"0" * documents.MAX_BYTES
    response = upload(office, agreement, "huge.pdf", too_big)
    assert response.status_code == 422
    assert "attach files of at most 10 MB" in response.text
    assert document_count(session) == 0


def test_uploading_without_a_file_says_so(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = make_agreement(session, partnership)
    session.commit()
    page = f"/agreements/{agreement.id}"
    response = post_from(office, page, f"{page}/documents", {"description": "nothing"})
    assert response.status_code == 422
    assert "Choose a PDF or an image to attach." in response.text


def test_an_enterprise_contact_downloads_but_does_not_attach(
    session: Session, partnership: Partnership, browser: Browser
) -> None:
    agreement = advance(session, make_agreement(session, partnership), "approved")
    document = documents.attach_document(
        session,
        actor=ACTOR,
        agreement=agreement,
        filename="annex.pdf",
        content=PDF,
    )
    contact = browser(make_contact_user(session, partnership.enterprise))
    session.commit()
    assert contact.get(f"/agreements/{agreement.id}/documents/{document.id}").content == PDF
    html = contact.get(f"/agreements/{agreement.id}").text
    assert 'enctype="multipart/form-data"' not in html
    assert upload(contact, agreement, "mine.pdf", PDF).status_code == 403


# --- obligations ---------------------------------------------------------------------------------


def test_obligations_are_added_delivered_and_their_progress_shown(
    session: Session, partnership: Partnership, office: TestClient
) -> None:
    agreement = make_agreement(session, partnership, start_date=PAST, end_date=FUTURE)
    session.commit()
    page = f"/agreements/{agreement.id}"
    new = f"{page}/obligations/new"
    bad = post_from(
        office,
        new,
        new,
        {
            "party": "enterprise",
            "description": "Training positions",
            "quantity": "-3",
            "unit": "positions",
            "period": "once",
            "starts_on": PAST.isoformat(),
            "due_on": (TODAY - timedelta(days=10)).isoformat(),
        },
    )
    assert bad.status_code == 422
    assert 'id="e-quantity"' in bad.text
    assert 'value="Training positions"' in bad.text

    data = {
        "party": "enterprise",
        "mode": "1",
        "description": "Training positions",
        "quantity": "20",
        "unit": "positions",
        "period": "once",
        "starts_on": PAST.isoformat(),
        "due_on": (TODAY - timedelta(days=10)).isoformat(),
    }
    assert post_from(office, new, new, data).status_code == 303
    obligation = session.scalars(
        select(Obligation).where(Obligation.agreement_id == agreement.id)
    ).one()
    assert obligation.mode == 1
    assert obligation.party == "enterprise"

    edit = f"{page}/obligations/{obligation.id}/edit"
    form = office.get(edit).text
    assert 'value="20"' in form
    saved = post_from(office, edit, edit, {**data, "quantity": "30", "version": "1"})
    assert saved.status_code == 303, saved.text
    session.refresh(obligation)
    assert obligation.quantity == 30

    # Before signature nothing is delivered yet.
    deliver = f"{page}/obligations/{obligation.id}/deliveries"
    early = post_from(office, page, deliver, {"amount": "5", "delivered_on": TODAY.isoformat()})
    assert early.status_code == 409
    assert "Deliveries are recorded once the agreement is signed." in early.text

    session.expire_all()
    advance(session, session.get(Agreement, agreement.id), "active", today=TODAY)  # type: ignore[arg-type]
    session.commit()
    assert (
        post_from(
            office,
            page,
            deliver,
            {"amount": "12", "delivered_on": TODAY.isoformat(), "note": "Term 1"},
        ).status_code
        == 303
    )
    html = office.get(page).text
    row = html[html.index(f'id="obligation-{obligation.id}"') :]
    assert '<progress max="100" value="40"' in row  # 12 of 30
    assert "Behind" in row
    assert "short by 18" in row
    assert "Term 1" in row

    before_start = post_from(
        office,
        page,
        deliver,
        {"amount": "1", "delivered_on": (PAST - timedelta(days=1)).isoformat()},
    )
    assert before_start.status_code == 422
    assert f'id="de{obligation.id}-delivered_on"' in before_start.text

    post_from(office, page, deliver, {"amount": "18", "delivered_on": TODAY.isoformat()})
    html = office.get(page).text
    row = html[html.index(f'id="obligation-{obligation.id}"') :]
    assert '<progress max="100" value="100"' in row
    assert "Met" in row

    # Once approved, commitments no longer change.
    refused = post_from(office, page, f"{page}/obligations/{obligation.id}/delete")
    assert refused.status_code == 409
    assert session.scalar(select(Obligation.id).where(Obligation.id == obligation.id))
