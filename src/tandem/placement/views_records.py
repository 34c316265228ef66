"""Pages of a placement's records: generating the tripartite agreement, confirming it (a page
the student opens on their phone, with the terms), uploading the signed scan, and recording or
removing a consent with its signed form.

The agreement and consent sections of the placement's page post here; after an action the
browser returns to that page (``/placements/{id}``) with a message. The PDF and the downloads
are the API's routes (they accept the signed-in browser)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tandem.auth.actor import Actor
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.forms import FORM_KEY, errors_by_field
from tandem.kit.i18n import N_
from tandem.kit.web import CSRF_FIELD, flash, render, verify_csrf
from tandem.partner.pages import see_other
from tandem.placement import consent, scope, tripartite
from tandem.placement.api_records import Confirmer, Manager
from tandem.placement.models import Placement
from tandem.placement.tripartite_pdf import date_zh

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
CONSENT_FIELDS = ("kind", "signer_name", "relation", "signed_on", "file")


def url_of(placement: Placement, part: str = "") -> str:
    return f"/placements/{placement.id}" + (f"#{part}" if part else "")


def flash_error(request: Request, error: AppError) -> None:
    flash(request, error.message, "error", **error.params)
    for item in error.errors:
        if item.message != error.message:
            flash(request, item.message, "error", **item.params)


def _failed(request: Request, session: Session, error: AppError) -> None:
    """Undo a failed action (the placement was found before): a refusal of the right is the
    error page's; anything else is a message on the placement's page."""
    session.rollback()
    if error.status_code == 403:
        raise error
    flash_error(request, error)


# --- the agreement -------------------------------------------------------------------------------


@router.post("/placements/{placement_id}/agreement/generate")
def agreement_generate(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    try:
        agreement = tripartite.generate(session, actor=actor, placement=placement)
    except AppError as error:
        _failed(request, session, error)
        return see_other(url_of(placement, "agreement"))
    flash(
        request,
        N_(
            "Agreement %(number)s generated: each party now confirms it, or upload the signed scan."
        ),
        number=agreement.number,
    )
    return see_other(url_of(placement, "agreement"))


def _confirm_page(
    request: Request,
    session: Session,
    actor: Actor,
    placement: Placement,
    error: AppError | None = None,
) -> Response:
    data = tripartite.section(session, actor=actor, placement=placement)
    agreement = data["agreement"]
    return render(
        request,
        "placement/records_confirm.html",
        {
            "placement": placement,
            "data": data,
            "t": agreement.terms if agreement is not None else {},
            "terms": agreement.terms.get("terms", {}) if agreement is not None else {},
            "date_zh": date_zh,
            "error": error.localised() if error is not None else "",
        },
        status_code=error.status_code if error is not None else 200,
    )


@router.get("/placements/{placement_id}/agreement/confirm", response_class=HTMLResponse)
def agreement_confirm_page(
    placement_id: int, request: Request, session: DbSession, actor: Confirmer
) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    if scope.party_of(actor, placement) is None:
        raise PermissionDenied(
            N_("Only the college, the host enterprise and the student confirm this agreement.")
        )
    return _confirm_page(request, session, actor, placement)


@router.post("/placements/{placement_id}/agreement/confirm", response_class=HTMLResponse)
def agreement_confirm(
    placement_id: int, request: Request, session: DbSession, actor: Confirmer
) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    try:
        tripartite.confirm(session, actor=actor, placement=placement)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return _confirm_page(request, session, actor, placement, error)
    flash(request, N_("You confirmed the agreement. Thank you."))
    return see_other(url_of(placement, "agreement"))


@router.post("/placements/{placement_id}/agreement/scan")
async def agreement_scan(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    limit: int = request.app.state.settings.upload_max_bytes
    upload = (await request.form()).get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed.single(
                "file", "missing", N_("Choose the signed agreement (a PDF or a scan) to upload.")
            )
        tripartite.upload_scan(
            session,
            actor=actor,
            placement=placement,
            filename=upload.filename,
            content=await upload.read(limit + 1),
            max_bytes=limit,
        )
    except AppError as error:
        _failed(request, session, error)
        return see_other(url_of(placement, "agreement"))
    flash(request, N_("Signed agreement uploaded: the agreement counts as signed."))
    return see_other(url_of(placement, "agreement"))


# --- consents ------------------------------------------------------------------------------------


def _consent_form(
    request: Request,
    session: Session,
    actor: Actor,
    placement: Placement,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    data = consent.section(session, actor=actor, placement=placement)
    return render(
        request,
        "placement/records_consent_form.html",
        {
            "placement": placement,
            "data": data,
            "values": values,
            "errors": errors,
            "today": local_today().isoformat(),
        },
        status_code=status_code,
    )


@router.get("/placements/{placement_id}/consents/new", response_class=HTMLResponse)
def consent_new(
    placement_id: int, request: Request, session: DbSession, actor: Manager, kind: str = ""
) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    if not scope.can_manage_placement(actor, placement):
        raise PermissionDenied(
            N_("Only the cooperation office (or the plan's coordinator) records consents.")
        )
    needed = consent.required(placement)
    if kind not in consent.KINDS:
        kind = next((k for k in consent.KINDS if needed[k]), consent.GUARDIAN)
    return _consent_form(request, session, actor, placement, {"kind": kind}, {})


@router.post("/placements/{placement_id}/consents/new", response_class=HTMLResponse)
async def consent_create(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    form = await request.form()
    values = {
        key: value.strip()
        for key, value in form.items()
        if key != CSRF_FIELD and isinstance(value, str)
    }
    upload = form.get("file")
    limit: int = request.app.state.settings.upload_max_bytes
    try:
        signed_on = _date(values.get("signed_on", ""))
        file = (
            (upload.filename, await upload.read(limit + 1))
            if isinstance(upload, UploadFile) and upload.filename
            else None
        )
        found = consent.record(
            session,
            actor=actor,
            placement=placement,
            kind=values.get("kind", ""),
            signer_name=values.get("signer_name", ""),
            relation=values.get("relation", ""),
            signed_on=signed_on,
            upload=file,
            max_bytes=limit,
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = {
            (name if name in CONSENT_FIELDS else FORM_KEY): message
            for name, message in errors_by_field(error).items()
        }
        return _consent_form(
            request, session, actor, placement, values, errors, status_code=error.status_code
        )
    flash(request, N_("%(kind)s recorded."), kind=consent.KIND_LABELS[found.kind])
    return see_other(url_of(placement, "consent"))


def _date(raw: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            errors=[FieldError("signed_on", "date_parsing", N_("Enter a date as YYYY-MM-DD."))]
        ) from None


@router.get("/placements/{placement_id}/consents/remove", response_class=HTMLResponse)
def consent_remove_page(
    placement_id: int, request: Request, session: DbSession, actor: Manager, kind: str = ""
) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    if not scope.can_manage_placement(actor, placement):
        raise PermissionDenied(
            N_("Only the cooperation office (or the plan's coordinator) records consents.")
        )
    data = consent.section(session, actor=actor, placement=placement)
    rows = [row for row in data["rows"] if row["recorded"] and (not kind or row["kind"] == kind)]
    return render(
        request,
        "placement/records_consent_remove.html",
        {"placement": placement, "rows": rows},
    )


@router.post("/placements/{placement_id}/consents/remove")
async def consent_remove(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    kind = (await request.form()).get("kind")
    kind = kind if isinstance(kind, str) else ""
    try:
        consent.remove(session, actor=actor, placement=placement, kind=kind)
    except AppError as error:
        _failed(request, session, error)
        return see_other(url_of(placement, "consent"))
    flash(request, N_("%(kind)s removed."), kind=consent.KIND_LABELS[kind])
    return see_other(url_of(placement, "consent"))
