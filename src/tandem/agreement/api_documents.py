"""JSON API for the documents attached to an agreement (scans and PDFs).

Uploads are multipart (``file`` and ``description``). At most :data:`documents.MAX_BYTES` + 1
bytes are read, so an oversized file is refused without holding all of it in memory; the type
is recognised from the bytes themselves. Downloads are always attachments, never rendered inline.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi import status as http

from tandem.agreement import documents, repository
from tandem.agreement.api_read import DocumentList, documents_read
from tandem.agreement.deps import Manager, Reader
from tandem.agreement.schemas import DocumentRead
from tandem.kit.deps import DbSession
from tandem.kit.errors import ValidationFailed
from tandem.kit.i18n import N_

router = APIRouter(prefix="/api/v1", tags=["agreement"])
MANY = "/agreements/{agreement_id}/documents"
ONE = f"{MANY}/{{document_id}}"
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(filename: str) -> str:
    """An attachment with an ASCII stand-in name and the real (UTF-8) name for browsers."""
    fallback = _NOT_ASCII_SAFE.sub("_", filename).strip("_") or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.get(MANY, response_model=DocumentList, summary="The documents attached to an agreement")
def list_documents(agreement_id: int, session: DbSession, actor: Reader) -> DocumentList:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    return documents_read(session, agreement)


@router.post(
    MANY,
    response_model=DocumentRead,
    status_code=http.HTTP_201_CREATED,
    summary="Attach a PDF or an image (PNG, JPEG, WebP) to an agreement (multipart form)",
)
def upload_document(
    agreement_id: int,
    response: Response,
    session: DbSession,
    actor: Manager,
    file: Annotated[UploadFile | None, File(description="The PDF or image.")] = None,
    description: Annotated[str, Form(description="What the document is.")] = "",
) -> DocumentRead:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    if file is None or not file.filename:
        raise ValidationFailed.single("file", "missing", N_("Choose a file to attach."))
    limit = documents.MAX_BYTES
    content = file.file.read(limit + 1)
    document = documents.attach_document(
        session,
        actor=actor,
        agreement=agreement,
        filename=file.filename,
        content=content,
        description=description,
        max_bytes=limit,
    )
    response.headers["Location"] = f"/api/v1{ONE}".format(
        agreement_id=agreement.id, document_id=document.id
    )
    return DocumentRead.model_validate(document)


@router.get(ONE, response_model=DocumentRead, summary="One document's description (no content)")
def get_document(
    agreement_id: int, document_id: int, session: DbSession, actor: Reader
) -> DocumentRead:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    document = repository.get_document(session, agreement=agreement, document_id=document_id)
    return DocumentRead.model_validate(document)


@router.get(
    f"{ONE}/content",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}},
        304: {"description": "Not modified (If-None-Match matched the ETag, the SHA-256)."},
    },
    summary="Download a document (as an attachment; the ETag is its SHA-256)",
)
def download_document(
    agreement_id: int, document_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    document = repository.get_document(session, agreement=agreement, document_id=document_id)
    etag = f'"{document.sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if etag in (tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")):
        return Response(status_code=http.HTTP_304_NOT_MODIFIED, headers=headers)
    headers["Content-Disposition"] = content_disposition(document.filename)
    return Response(document.content, media_type=document.content_type, headers=headers)


@router.delete(
    ONE,
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove a document from an agreement",
)
def delete_document(
    agreement_id: int, document_id: int, session: DbSession, actor: Manager
) -> Response:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    document = repository.get_document(session, agreement=agreement, document_id=document_id)
    documents.delete_document(session, actor=actor, agreement=agreement, document=document)
    return Response(status_code=http.HTTP_204_NO_CONTENT)
