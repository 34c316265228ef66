"""Agreement pages: obligations (with deliveries) and attached documents."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tandem.agreement import documents, lifecycle, obligations, repository, service
from tandem.agreement.deps import Manager, Reader
from tandem.agreement.lifecycle import Right
from tandem.agreement.models import Agreement, Obligation
from tandem.agreement.pages import choices, form_errors, number, see_other, url_of
from tandem.agreement.schemas import DeliveryCreate, ObligationCreate, ObligationUpdate
from tandem.agreement.views_detail import render_detail
from tandem.auth.actor import Actor
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, Conflict, PermissionDenied, ValidationFailed
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.web import flash, render, verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


OBLIGATION_FIELDS = (
    "party",
    "mode",
    "description",
    "quantity",
    "unit",
    "period",
    "starts_on",
    "due_on",
    "register_category",
)
FROZEN = N_("The agreement has been approved: what each side committed to no longer changes.")


def _get(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    return repository.get_agreement(session, actor=actor, agreement_id=agreement_id)


def _obligation(
    session: Session, actor: Actor, agreement: Agreement, obligation_id: int
) -> Obligation:
    return repository.get_obligation(
        session, actor=actor, agreement=agreement, obligation_id=obligation_id
    )


def _require_manage(actor: Actor, agreement: Agreement) -> None:
    if not service.has_right(actor, agreement, Right.EDIT):
        raise PermissionDenied()


# --- obligations ---------------------------------------------------------------------------------


def _obligation_form(
    request: Request,
    agreement: Agreement,
    obligation: Obligation | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "agreement/obligation_form.html",
        {
            "agreement": agreement,
            "enterprise": agreement.partnership.enterprise,
            "obligation": obligation,
            # Approved: only how it is counted against the register may change.
            "frozen": obligation is not None and agreement.status not in lifecycle.EDITABLE,
            "values": values,
            "errors": errors,
            **choices(),
        },
        status_code=status_code,
    )


def _obligation_payload(
    values: dict[str, str], *, create: bool, frozen: bool = False
) -> dict[str, Any]:
    names = OBLIGATION_FIELDS if create else OBLIGATION_FIELDS[2:]
    data: dict[str, Any] = {name: values.get(name) for name in names if values.get(name)}
    if create:
        data.setdefault("description", "")
        data.setdefault("unit", "")
    else:
        data["register_category"] = values.get("register_category", "")  # blank: not counted
    if frozen:
        data = {"register_category": data["register_category"]}
    return data


@router.get("/agreements/{agreement_id}/obligations/new", response_class=HTMLResponse)
def obligation_new(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    _require_manage(actor, agreement)
    if agreement.status in lifecycle.CLOSED:
        raise Conflict(
            N_("The agreement is closed: its obligations no longer change."), code="closed"
        )
    values: dict[str, Any] = {
        "period": "once",
        "starts_on": agreement.start_date.isoformat() if agreement.start_date else "",
        "due_on": agreement.end_date.isoformat() if agreement.end_date else "",
    }
    if len(agreement.modes) == 1:
        values["mode"] = agreement.modes[0].mode
    return _obligation_form(request, agreement, None, values, {})


@router.post("/agreements/{agreement_id}/obligations/new", response_class=HTMLResponse)
async def obligation_create(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    values = await read_form(request)
    try:
        data = validate(ObligationCreate, _obligation_payload(values, create=True))
        obligations.add_obligation(session, actor=actor, agreement=agreement, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, shown=OBLIGATION_FIELDS)
        return _obligation_form(request, agreement, None, values, errors, error.status_code)
    flash(request, N_("Obligation added."))
    return see_other(f"{url_of(agreement)}#obligations")


@router.get(
    "/agreements/{agreement_id}/obligations/{obligation_id}/edit", response_class=HTMLResponse
)
def obligation_edit(
    agreement_id: int, obligation_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    obligation = _obligation(session, actor, agreement, obligation_id)
    _require_manage(actor, agreement)
    if agreement.status in lifecycle.CLOSED:
        flash(request, FROZEN, "warning")
        return see_other(f"{url_of(agreement)}#obligations")
    values = {
        name: getattr(obligation, name)
        for name in ("party", "mode", "description", "unit", "period", "register_category")
    }
    values.update(
        quantity=number(obligation.quantity).replace(",", ""),
        starts_on=obligation.starts_on.isoformat(),
        due_on=obligation.due_on.isoformat(),
        version=obligation.version,
    )
    return _obligation_form(request, agreement, obligation, values, {})


@router.post(
    "/agreements/{agreement_id}/obligations/{obligation_id}/edit", response_class=HTMLResponse
)
async def obligation_update(
    agreement_id: int, obligation_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    obligation = _obligation(session, actor, agreement, obligation_id)
    values = await read_form(request)
    try:
        frozen = agreement.status not in lifecycle.EDITABLE
        data = validate(ObligationUpdate, _obligation_payload(values, create=False, frozen=frozen))
        data.version = form_version(values)
        obligations.update_obligation(
            session, actor=actor, agreement=agreement, obligation=obligation, data=data
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, shown=OBLIGATION_FIELDS)
        return _obligation_form(request, agreement, obligation, values, errors, error.status_code)
    flash(request, N_("Obligation saved."))
    return see_other(f"{url_of(agreement)}#obligations")


@router.post(
    "/agreements/{agreement_id}/obligations/{obligation_id}/delete", response_class=HTMLResponse
)
async def obligation_delete(
    agreement_id: int, obligation_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    obligation = _obligation(session, actor, agreement, obligation_id)
    try:
        obligations.delete_obligation(
            session, actor=actor, agreement=agreement, obligation=obligation
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return render_detail(request, session, actor, agreement, error=error)
    flash(request, N_("Obligation deleted."))
    return see_other(f"{url_of(agreement)}#obligations")


@router.post(
    "/agreements/{agreement_id}/obligations/{obligation_id}/deliveries",
    response_class=HTMLResponse,
)
async def obligation_delivery(
    agreement_id: int, obligation_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    obligation = _obligation(session, actor, agreement, obligation_id)
    values = await read_form(request)
    try:
        data = validate(
            DeliveryCreate,
            {
                "amount": values.get("amount"),
                "delivered_on": values.get("delivered_on"),
                "note": values.get("note", ""),
            },
        )
        obligations.record_delivery(
            session, actor=actor, agreement=agreement, obligation=obligation, data=data
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        forms = {
            "name": f"delivery_{obligation_id}",
            "values": values,
            "errors": form_errors(error, shown=("amount", "delivered_on", "note")),
        }
        return render_detail(request, session, actor, agreement, error=error, forms=forms)
    flash(request, N_("Delivery recorded."))
    return see_other(f"{url_of(agreement)}#obligations")


# --- documents -----------------------------------------------------------------------------------


@router.post("/agreements/{agreement_id}/documents", response_class=HTMLResponse)
async def document_upload(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    form = await request.form()
    upload = form.get("file")
    description = form.get("description")
    description = description.strip() if isinstance(description, str) else ""
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed.single(
                "file", "missing", N_("Choose a PDF or an image to attach.")
            )
        # Never read more than the limit and one byte: enough to tell that it is too large.
        content = await upload.read(documents.MAX_BYTES + 1)
        documents.attach_document(
            session,
            actor=actor,
            agreement=agreement,
            filename=upload.filename,
            content=content,
            description=description,
            max_bytes=documents.MAX_BYTES,
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        forms = {
            "name": "document",
            "values": {"description": description},
            "errors": form_errors(error, shown=("file", "description")),
        }
        return render_detail(request, session, actor, agreement, error=error, forms=forms)
    flash(request, N_("Document %(name)s attached."), name=upload.filename)
    return see_other(f"{url_of(agreement)}#documents")


_HEADER_UNSAFE = re.compile(r'[^\x20-\x7e]|["\\]')


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name as RFC 5987 ``filename*``."""
    fallback = _HEADER_UNSAFE.sub("_", filename) or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.get("/agreements/{agreement_id}/documents/{document_id}")
def document_download(
    agreement_id: int, document_id: int, session: DbSession, actor: Reader
) -> Response:
    agreement = _get(session, actor, agreement_id)
    document = repository.get_document(session, agreement=agreement, document_id=document_id)
    return Response(
        content=document.content,
        media_type=document.content_type,
        headers={
            "Content-Disposition": content_disposition(document.filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@router.post(
    "/agreements/{agreement_id}/documents/{document_id}/delete", response_class=HTMLResponse
)
async def document_delete(
    agreement_id: int, document_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    document = repository.get_document(session, agreement=agreement, document_id=document_id)
    name = document.filename
    documents.delete_document(session, actor=actor, agreement=agreement, document=document)
    flash(request, N_("Document %(name)s deleted."), name=name)
    return see_other(f"{url_of(agreement)}#documents")
