"""Files kept with a placement: recognised by their bytes, limited in size, named safely,
audited, and readable only by who may (contacts: the agreement's scan, not consent forms)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.errors import NotFound, PermissionDenied, ValidationFailed
from tandem.placement import documents
from tandem.placement.models import Placement
from tests.placement.records_helpers import PDF, PNG, add_placement
from tests.placement.world import PlacementWorld

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


@pytest.fixture
def placement(session: Session, world: PlacementWorld) -> Placement:
    return add_placement(session, world.positions[0], world.seniors[0])


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
)
def test_pdfs_and_images_are_accepted(content: bytes, expected: str) -> None:
    assert documents.check_file("x", content, max_bytes=1000) == expected


@pytest.mark.parametrize(
    ("name", "content", "limit", "code"),
    [
        ("empty.pdf", b"", 1000, "empty_file"),
        ("fake.pdf", b"<html>not a pdf</html>", 1000, "wrong_file_type"),
        ("doc.docx", b"PK\x03\x04 word", 1000, "wrong_file_type"),
        ("big.pdf", PDF + b"x" * 2000, 1000, "file_too_large"),
    ],
)
def test_other_files_are_refused(name: str, content: bytes, limit: int, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        documents.check_file(name, content, max_bytes=limit)
    assert [(e.field, e.code) for e in caught.value.errors] == [("file", code)]


def test_store_names_safely_and_audits(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    stored = documents.store(
        session,
        actor=world.actor("office"),
        placement=placement,
        kind=documents.TRIPARTITE_SCAN,
        filename="../../etc/协议:扫描",
        content=PDF,
        max_bytes=1000,
    )
    assert stored.filename == "协议_扫描.pdf"
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (stored.college_id, stored.uploaded_by_user_id) == (
        placement.college_id,
        world.users["office"].id,
    )
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "placement_document")
    ).one()
    assert entry.action == "attach"
    assert entry.summary == "协议_扫描.pdf"
    with pytest.raises(ValueError, match="unknown placement document kind"):
        documents.store(
            session,
            actor=world.actor("office"),
            placement=placement,
            kind="anything",
            filename="a.pdf",
            content=PDF,
            max_bytes=1000,
        )


def test_who_reads_which_document(
    session: Session, world: PlacementWorld, placement: Placement
) -> None:
    office = world.actor("office")
    scan, form = (
        documents.store(
            session,
            actor=office,
            placement=placement,
            kind=kind,
            filename=f"{kind}.pdf",
            content=PDF,
            max_bytes=1000,
        )
        for kind in (documents.TRIPARTITE_SCAN, documents.GUARDIAN_CONSENT)
    )
    assert {d.id for d in documents.list_documents(session, actor=office, placement=placement)} == {
        scan.id,
        form.id,
    }
    student = world.actor("student")
    assert len(documents.list_documents(session, actor=student, placement=placement)) == 2
    contact = world.actor("contact1")
    assert [
        d.id for d in documents.list_documents(session, actor=contact, placement=placement)
    ] == [scan.id]
    assert (
        documents.read(session, actor=contact, placement=placement, document_id=scan.id).content
        == PDF
    )
    with pytest.raises(PermissionDenied):
        documents.read(session, actor=contact, placement=placement, document_id=form.id)
    other = add_placement(session, world.positions[1], world.seniors[1])
    with pytest.raises(NotFound):  # a document of another placement
        documents.read(session, actor=office, placement=other, document_id=scan.id)
    assert not documents.may_read(world.actor("contact2"), placement, documents.TRIPARTITE_SCAN)
