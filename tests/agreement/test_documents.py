"""Attached documents: real PDFs and images only, size-limited, stored with their SHA-256."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement import documents
from tandem.agreement.models import AgreementDocument
from tandem.kit.errors import ValidationFailed
from tests.agreement.helpers import make_agreement, partnership_for
from tests.factories import ACTOR, make_college

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"MZ\x90\x00", None),
        (b"hello", None),
    ],
)
def test_the_type_comes_from_the_first_bytes(content: bytes, expected: str | None) -> None:
    assert documents.sniff(content) == expected


def test_a_pdf_is_stored_with_its_hash_and_a_safe_name(session: Session) -> None:
    agreement = make_agreement(session, partnership_for(session, make_college(session)))
    document = documents.attach_document(
        session, actor=ACTOR, agreement=agreement, filename="../../合作协议 v2?.pdf", content=PDF
    )
    assert document.content_type == "application/pdf"
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.filename == "合作协议 v2_.pdf"
    assert document.size == len(PDF)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"just text pretending", "wrong_file_type"),
        (b"%PDF-" + b"x" * 2000, "file_too_large"),
    ],
)
def test_wrong_files_are_refused_and_nothing_is_stored(
    session: Session, content: bytes, code: str
) -> None:
    agreement = make_agreement(session, partnership_for(session, make_college(session)))
    with pytest.raises(ValidationFailed) as caught:
        documents.attach_document(
            session,
            actor=ACTOR,
            agreement=agreement,
            filename="x.pdf",
            content=content,
            max_bytes=1024,
        )
    assert caught.value.errors[0].code == code
    assert session.scalar(select(func.count()).select_from(AgreementDocument)) == 0
