"""Documents attached to an agreement: PDFs and images only, recognised by their first bytes
(never by the name or the browser's word), limited in size, stored with their SHA-256."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from sqlalchemy.orm import Session

from tandem.agreement.lifecycle import Right
from tandem.agreement.models import Agreement, AgreementDocument
from tandem.agreement.service import has_right
from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.kit.errors import PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def sniff(content: bytes) -> str | None:
    """The content type the bytes really have, if it is one we accept."""
    for magic, content_type in SIGNATURES:
        if content.startswith(magic):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def safe_filename(name: str, content_type: str) -> str:
    """The name without folders or characters that upset file systems or headers."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .") or "document"
    if "." not in base:
        base += EXTENSIONS.get(content_type, "")
    return base[-200:]


def attach_document(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    filename: str,
    content: bytes,
    description: str = "",
    max_bytes: int = MAX_BYTES,
) -> AgreementDocument:
    if not has_right(actor, agreement, Right.EDIT):
        raise PermissionDenied()
    if not content:
        raise ValidationFailed.single("file", "empty_file", N_("The file is empty."))
    if len(content) > max_bytes:
        raise ValidationFailed.single(
            "file",
            "file_too_large",
            N_("The file is %(size)s MB; attach files of at most %(limit)s MB."),
            size=f"{len(content) / 1048576:.1f}",
            limit=max_bytes // 1048576,
        )
    content_type = sniff(content)
    if content_type is None:
        raise ValidationFailed.single(
            "file",
            "wrong_file_type",
            N_("%(name)s is not a PDF or an image (PNG, JPEG, WebP): attach a scan or a PDF."),
            name=filename,
        )
    if len(description) > 300:
        raise ValidationFailed.single(
            "description",
            "string_too_long",
            N_("Enter at most %(max_length)s characters."),
            max_length=300,
        )
    document = AgreementDocument(
        agreement_id=agreement.id,
        college_id=agreement.college_id,
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        description=description.strip(),
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
        college_id=agreement.college_id,
        after=audit.snapshot(document, ("agreement_id", "filename", "size", "sha256")),
        summary=document.filename,
    )
    return document


def delete_document(
    session: Session, *, actor: Actor, agreement: Agreement, document: AgreementDocument
) -> None:
    if not has_right(actor, agreement, Right.EDIT):
        raise PermissionDenied()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity=document,
        college_id=agreement.college_id,
        before=audit.snapshot(document, ("agreement_id", "filename", "size", "sha256")),
        summary=document.filename,
    )
    session.delete(document)
    session.flush()
