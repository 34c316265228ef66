"""Files kept with a placement: the signed scan of the tripartite agreement, consent forms and
insurance certificates. PDFs and images only, recognised by their first bytes (never by the name
or the browser's word), at most ``settings.upload_max_bytes``, stored with their SHA-256.

Who may read which: the college's staff who see the placement read every document; the student
reads their own placement's; an enterprise contact only the agreement's scan (consent forms
carry the guardian's details, which are the college's business). Services that store a document
check their own rights first; :func:`store` checks only the file.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement.documents import safe_filename, sniff
from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.kit.errors import NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.placement.models import Placement
from tandem.placement.models_records import PlacementDocument

TRIPARTITE_SCAN = "tripartite_scan"
GUARDIAN_CONSENT = "guardian_consent"
INFORMED_CONSENT = "informed_consent"
INSURANCE_CERTIFICATE = "insurance_certificate"
KINDS = frozenset({TRIPARTITE_SCAN, GUARDIAN_CONSENT, INFORMED_CONSENT, INSURANCE_CERTIFICATE})
# What an enterprise contact may download of a placement at their enterprise.
HOST_READABLE = frozenset({TRIPARTITE_SCAN, INSURANCE_CERTIFICATE})
KIND_LABELS = {
    TRIPARTITE_SCAN: N_("Signed tripartite agreement"),
    GUARDIAN_CONSENT: N_("Guardian consent form"),
    INFORMED_CONSENT: N_("Informed consent form"),
    INSURANCE_CERTIFICATE: N_("Insurance certificate"),
}
AUDITED = ("placement_id", "kind", "filename", "size", "sha256")


def check_file(filename: str, content: bytes, *, max_bytes: int) -> str:
    """The file's real content type; a 422 on the ``file`` field when it is empty, too large
    or not a PDF or an image."""
    if not content:
        raise ValidationFailed.single("file", "empty_file", N_("The file is empty."))
    if len(content) > max_bytes:
        raise ValidationFailed.single(
            "file",
            "file_too_large",
            N_("The file is larger than %(limit)s MB: scan it at a lower resolution or as a PDF."),
            limit=f"{max_bytes / 1048576:.0f}",
        )
    content_type = sniff(content)
    if content_type is None:
        raise ValidationFailed.single(
            "file",
            "wrong_file_type",
            N_("%(name)s is not a PDF or an image (PNG, JPEG, WebP): upload a scan or a PDF."),
            name=filename or "?",
        )
    return content_type


def store(
    session: Session,
    *,
    actor: Actor,
    placement: Placement,
    kind: str,
    filename: str,
    content: bytes,
    max_bytes: int,
) -> PlacementDocument:
    """Keep an uploaded file with the placement (audited). The caller checks the rights."""
    if kind not in KINDS:
        raise ValueError(f"unknown placement document kind {kind!r}")
    content_type = check_file(filename, content, max_bytes=max_bytes)
    document = PlacementDocument(
        college_id=placement.college_id,
        placement_id=placement.id,
        kind=kind,
        filename=safe_filename(filename or kind, content_type),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by_user_id=actor.user_id,
    )
    session.add(document)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="attach",
        entity=document,
        college_id=placement.college_id,
        after=audit.snapshot(document, AUDITED),
        summary=document.filename,
    )
    return document


def discard(session: Session, *, actor: Actor, document: PlacementDocument) -> None:
    """Delete a document that something else replaced or no longer needs (audited)."""
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity=document,
        college_id=document.college_id,
        before=audit.snapshot(document, AUDITED),
        summary=document.filename,
    )
    session.delete(document)
    session.flush()


def may_read(actor: Actor, placement: Placement, kind: str) -> bool:
    """Whether ``actor`` (who sees ``placement``) may download its documents of ``kind``."""
    if actor.role == Role.ENTERPRISE_CONTACT:
        return kind in HOST_READABLE and actor.enterprise_id == placement.enterprise_id
    if actor.role == Role.STUDENT:
        return actor.student_id == placement.student_id
    return True  # the college's staff and the platform (the caller has checked visibility)


def list_documents(
    session: Session, *, actor: Actor, placement: Placement
) -> list[PlacementDocument]:
    """The placement's documents ``actor`` may read, newest first."""
    stmt = (
        select(PlacementDocument)
        .where(PlacementDocument.placement_id == placement.id)
        .order_by(PlacementDocument.uploaded_at.desc(), PlacementDocument.id.desc())
    )
    return [d for d in session.scalars(stmt) if may_read(actor, placement, d.kind)]


def read(
    session: Session, *, actor: Actor, placement: Placement, document_id: int | None
) -> PlacementDocument:
    """One document of the placement, with its content; a 404 when there is none, a 403 when
    ``actor`` may not read its kind."""
    document = (
        session.scalar(
            select(PlacementDocument).where(
                PlacementDocument.id == document_id,
                PlacementDocument.placement_id == placement.id,
            )
        )
        if document_id is not None
        else None
    )
    if document is None:
        raise NotFound(N_("This placement has no such document."))
    if not may_read(actor, placement, document.kind):
        raise PermissionDenied(
            N_("Consent forms are kept by the college; ask the cooperation office.")
        )
    return document
