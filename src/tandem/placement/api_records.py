"""JSON API of a placement's records: the tripartite agreement (generate, PDF, confirm, signed
scan), consents with their signed forms, and the list of documents.

Uploads are multipart; at most ``settings.upload_max_bytes`` + 1 bytes are read, the type is
recognised from the bytes. Downloads are attachments, never rendered inline. Another college's
placement (or, for a contact or a student, one not theirs) is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi import status as http
from sqlalchemy.orm import Session

from tandem.agreement.api_documents import content_disposition
from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession
from tandem.placement import consent, documents, scope, tripartite
from tandem.placement.models import Placement
from tandem.placement.models_records import PlacementDocument
from tandem.placement.schemas_records import (
    AgreementRead,
    AgreementStatus,
    ConfirmationRead,
    ConsentList,
    ConsentRead,
    ConsentRemove,
    DocumentList,
    DocumentRead,
)

router = APIRouter(prefix="/api/v1", tags=["placement records"])
Reader = Annotated[Actor, Depends(require(Permission.PLACEMENT_READ))]
Manager = Annotated[Actor, Depends(require(Permission.PLACEMENT_MANAGE))]
Confirmer = Annotated[Actor, Depends(require(Permission.PLACEMENT_CONFIRM))]
ONE = "/placements/{placement_id}"


def agreement_status(session: Session, actor: Actor, placement: Placement) -> AgreementStatus:
    agreement = tripartite.agreement_of(session, placement)
    read = None
    changed: list[str] = []
    if agreement is not None:
        scan = (
            session.get(PlacementDocument, agreement.scan_document_id)
            if agreement.scan_document_id is not None
            else None
        )
        read = AgreementRead(
            id=agreement.id,
            number=agreement.number,
            generated_at=agreement.generated_at,
            terms=agreement.terms,
            confirmations=[
                ConfirmationRead(party=row["party"], confirmed_at=row["at"], confirmed_by=row["by"])
                for row in tripartite.confirmations(session, agreement)
            ],
            scan=DocumentRead.model_validate(scan) if scan is not None else None,
            version=agreement.version,
        )
        changed = tripartite.terms_changed(agreement, placement)
    return AgreementStatus(
        placement_id=placement.id,
        agreement=read,
        signed=tripartite.is_signed(session, placement),
        terms_changed=changed,
        my_party=scope.party_of(actor, placement),
    )


def download(document: PlacementDocument) -> Response:
    headers = {
        "Content-Disposition": content_disposition(document.filename),
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
        "ETag": f'"{document.sha256}"',
    }
    return Response(document.content, media_type=document.content_type, headers=headers)


async def read_upload(request: Request, file: UploadFile | None) -> tuple[str, bytes] | None:
    """The uploaded file's name and at most the limit + 1 of its bytes (enough to refuse it)."""
    if file is None or not file.filename:
        return None
    limit: int = request.app.state.settings.upload_max_bytes
    return file.filename, await file.read(limit + 1)


# --- the agreement -------------------------------------------------------------------------------


@router.get(f"{ONE}/agreement", response_model=AgreementStatus, summary="A placement's agreement")
def get_agreement(placement_id: int, session: DbSession, actor: Reader) -> AgreementStatus:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    return agreement_status(session, actor, placement)


@router.post(
    f"{ONE}/agreement",
    response_model=AgreementStatus,
    summary="Generate the agreement from the placement's terms (again: clears confirmations)",
)
def generate_agreement(placement_id: int, session: DbSession, actor: Manager) -> AgreementStatus:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    tripartite.generate(session, actor=actor, placement=placement)
    return agreement_status(session, actor, placement)


@router.get(
    f"{ONE}/agreement.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
    summary="The agreement as a PDF (A4, Chinese)",
)
def agreement_pdf(placement_id: int, session: DbSession, actor: Reader) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    data = tripartite.pdf(session, placement)
    agreement = tripartite.agreement_of(session, placement)
    number = agreement.number if agreement is not None else str(placement.id)
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition(f"三方协议-{number}.pdf"),
            "Cache-Control": "private, no-cache",
        },
    )


@router.post(
    f"{ONE}/agreement/confirm",
    response_model=AgreementStatus,
    summary="Confirm the agreement for the caller's party (college, host or student)",
)
def confirm_agreement(placement_id: int, session: DbSession, actor: Confirmer) -> AgreementStatus:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    tripartite.confirm(session, actor=actor, placement=placement)
    return agreement_status(session, actor, placement)


@router.post(
    f"{ONE}/agreement/scan",
    response_model=DocumentRead,
    status_code=http.HTTP_201_CREATED,
    summary="Upload the signed agreement (PDF or image; multipart ``file``)",
)
async def upload_scan(
    placement_id: int,
    request: Request,
    session: DbSession,
    actor: Manager,
    file: Annotated[UploadFile | None, File(description="The signed agreement.")] = None,
) -> DocumentRead:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    upload = await read_upload(request, file)
    document = tripartite.upload_scan(
        session,
        actor=actor,
        placement=placement,
        filename=upload[0] if upload else "",
        content=upload[1] if upload else b"",
        max_bytes=request.app.state.settings.upload_max_bytes,
    )
    return DocumentRead.model_validate(document)


@router.get(
    f"{ONE}/agreement/scan",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}},
    summary="Download the signed agreement",
)
def download_scan(placement_id: int, session: DbSession, actor: Reader) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    return download(tripartite.scan_of(session, actor=actor, placement=placement))


# --- consents and documents ----------------------------------------------------------------------


@router.get(f"{ONE}/consents", response_model=ConsentList, summary="A placement's consents")
def list_consents(placement_id: int, session: DbSession, actor: Reader) -> ConsentList:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    items = consent.list_consents(session, actor=actor, placement=placement)
    return ConsentList(
        items=[ConsentRead.model_validate(item) for item in items],
        required=consent.required(placement),
    )


@router.post(
    f"{ONE}/consents",
    response_model=ConsentRead,
    status_code=http.HTTP_201_CREATED,
    summary="Record a consent with its signed form (multipart; replaces one of the same kind)",
)
async def record_consent(
    placement_id: int,
    request: Request,
    session: DbSession,
    actor: Manager,
    kind: Annotated[str, Form(description="guardian or informed")] = "",
    signer_name: Annotated[str, Form(description="Who signed the form.")] = "",
    relation: Annotated[str, Form(description="The signer's relation: 父亲, 母亲, 本人…")] = "",
    signed_on: Annotated[date | None, Form(description="The day it was signed.")] = None,
    file: Annotated[UploadFile | None, File(description="The signed form.")] = None,
) -> ConsentRead:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    found = consent.record(
        session,
        actor=actor,
        placement=placement,
        kind=kind,
        signer_name=signer_name,
        relation=relation,
        signed_on=signed_on,
        upload=await read_upload(request, file),
        max_bytes=request.app.state.settings.upload_max_bytes,
    )
    return ConsentRead.model_validate(found)


@router.post(
    f"{ONE}/consents/remove",
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove a consent recorded in error (and its form)",
)
def remove_consent(
    placement_id: int, data: ConsentRemove, session: DbSession, actor: Manager
) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    consent.remove(session, actor=actor, placement=placement, kind=data.kind)
    return Response(status_code=http.HTTP_204_NO_CONTENT)


@router.get(
    f"{ONE}/consent-form",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}},
    summary="Download a consent's signed form (``?kind=guardian`` or ``informed``)",
)
def download_consent_form(
    placement_id: int, session: DbSession, actor: Reader, kind: str = ""
) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    return download(consent.form_of(session, actor=actor, placement=placement, kind=kind))


@router.get(
    f"{ONE}/documents",
    response_model=DocumentList,
    summary="The files kept with a placement that the caller may read",
)
def list_documents(placement_id: int, session: DbSession, actor: Reader) -> DocumentList:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    items = documents.list_documents(session, actor=actor, placement=placement)
    return DocumentList(items=[DocumentRead.model_validate(d) for d in items])
