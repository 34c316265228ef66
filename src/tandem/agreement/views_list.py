"""Agreement pages: the list, drafting a new agreement, editing it, deleting a draft."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement import repository, service
from tandem.agreement.deps import Manager, Reader
from tandem.agreement.lifecycle import Right
from tandem.agreement.models import Agreement, AgreementKind, AgreementStatus
from tandem.agreement.modes import Mode, check_terms
from tandem.agreement.pages import (
    FORM_FIELDS,
    ListFilter,
    agreement_payload,
    agreement_values,
    choices,
    chosen_modes,
    form_errors,
    framework_options,
    partnership_options,
    prefill_from_query,
    see_other,
    term_fieldsets,
    url_of,
)
from tandem.agreement.schemas import AgreementCreate, AgreementUpdate
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.models import Department
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError, Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_, get_language
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.models import Partnership

M = TypeVar("M", bound=BaseModel)

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


NOT_EDITABLE = N_(
    "The agreement has been approved: its terms no longer change. Renew it, or terminate it "
    "and draft a new one."
)


def _visible_partnership(
    session: Session, actor: Actor, partnership_id: int | None
) -> Partnership | None:
    """The partnership a list is narrowed to, if the actor may know of it."""
    partnership = session.get(Partnership, partnership_id) if partnership_id else None
    if partnership is None or actor.is_platform_wide:
        return partnership
    if actor.role == Role.ENTERPRISE_CONTACT:
        return partnership if partnership.enterprise_id == actor.enterprise_id else None
    return partnership if partnership.college_id == actor.college_id else None


def _departments(session: Session, college_id: int | None) -> list[Department]:
    if college_id is None:
        return []
    stmt = select(Department).where(Department.college_id == college_id).order_by(Department.code)
    return list(session.scalars(stmt))


# --- list ----------------------------------------------------------------------------------------


@router.get("/agreements", response_class=HTMLResponse)
def agreement_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    filters: ListFilter,
) -> Response:
    page = repository.list_agreements(session, actor=actor, params=params, filters=filters)
    partnership = _visible_partnership(session, actor, filters.partnership_id)
    shown = {
        "mode": str(filters.mode or ""),
        "status": filters.status,
        "kind": filters.kind,
        "department_id": str(filters.department_id or ""),
        "partnership_id": str(filters.partnership_id or ""),
        "expiring_within": str(
            filters.expiring_within if filters.expiring_within is not None else ""
        ),
    }
    return render(
        request,
        "agreement/list.html",
        {
            "page": page,
            "params": params,
            "filters": shown,
            "partnership": partnership,
            "departments": _departments(session, actor.college_id),
            "can_manage": actor.can(Permission.AGREEMENT_MANAGE)
            and actor.role != Role.ENTERPRISE_CONTACT,
            **choices(),
        },
        block="results",
    )


# --- the form (new and edit) ---------------------------------------------------------------------


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    agreement: Agreement | None,
    values: dict[str, Any],
    modes: list[int],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    college_id = agreement.college_id if agreement else actor.college_id
    return render(
        request,
        "agreement/form.html",
        {
            "agreement": agreement,
            "values": values,
            "chosen": modes,
            "errors": errors,
            "partnerships": [] if agreement else partnership_options(session, actor, college_id),
            "departments": [
                (d.id, f"{d.code} {d.name(get_language())}")
                for d in _departments(session, college_id)
            ]
            if college_id
            else _all_departments(session),
            "frameworks": framework_options(
                session, college_id, other_than=agreement.id if agreement else None
            ),
            "fieldsets": term_fieldsets(),
            **choices(),
        },
        status_code=status_code,
    )


def _all_departments(session: Session) -> list[tuple[int, str]]:
    stmt = select(Department).order_by(Department.college_id, Department.code)
    return [(d.id, f"{d.code} {d.name_en}") for d in session.scalars(stmt)]


def _validated(schema: type[M], payload: dict[str, Any]) -> M:
    """The payload checked by ``schema``; on failure the terms' own errors are reported too,
    so every field's message comes back at once."""
    try:
        return validate(schema, payload)
    except ValidationFailed as error:
        problems: list[FieldError] = list(error.errors)
        modes = set(chosen_modes(payload["modes"]))
        for key, values in payload.get("terms", {}).items():
            if key.isdigit() and int(key) in modes and int(key) in set(Mode):
                try:
                    check_terms(Mode(int(key)), values)
                except ValidationFailed as exc:
                    problems.extend(exc.errors)
        raise ValidationFailed(errors=problems) from None


async def _posted(request: Request) -> tuple[dict[str, str], list[str]]:
    values = await read_form(request)
    form = await request.form()
    modes = [v for v in form.getlist("modes") if isinstance(v, str)]
    return values, modes


@router.get("/agreements/new", response_class=HTMLResponse)
def agreement_new(
    request: Request, session: DbSession, actor: Manager, partnership_id: str = ""
) -> Response:
    if actor.role == Role.ENTERPRISE_CONTACT:
        raise PermissionDenied()
    values: dict[str, Any] = {"kind": AgreementKind.MODE.value, "notice_days": 30}
    partnership = _visible_partnership(
        session, actor, int(partnership_id) if partnership_id.isdigit() else None
    )
    if partnership is not None:
        values["partnership_id"] = partnership.id
        values["department_id"] = partnership.department_id or ""
    if actor.department_id:
        values["department_id"] = actor.department_id
    prefill, modes = prefill_from_query(request.query_params.multi_items())
    return _form(request, session, actor, None, values | prefill, modes, {})


@router.post("/agreements/new", response_class=HTMLResponse)
async def agreement_create(request: Request, session: DbSession, actor: Manager) -> Response:
    values, modes = await _posted(request)
    payload = agreement_payload(values, modes)
    payload["partnership_id"] = values.get("partnership_id")
    payload["kind"] = values.get("kind") or AgreementKind.MODE.value
    try:
        data = _validated(AgreementCreate, payload)
        agreement = service.create_agreement(session, actor=actor, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, shown=FORM_FIELDS)
        return _form(
            request,
            session,
            actor,
            None,
            values,
            chosen_modes(modes),
            errors,
            error.status_code,
        )
    flash(request, N_("Agreement “%(title)s” drafted."), title=agreement.title)
    return see_other(url_of(agreement))


def _editable(actor: Actor, agreement: Agreement) -> None:
    if not service.has_right(actor, agreement, Right.EDIT):
        raise PermissionDenied(
            N_("Department coordinators manage only their own department's agreements.")
            if actor.role == Role.DEPARTMENT_COORDINATOR
            else None
        )


@router.get("/agreements/{agreement_id}/edit", response_class=HTMLResponse)
def agreement_edit(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    _editable(actor, agreement)
    if not service.can_edit(actor, agreement):
        flash(request, NOT_EDITABLE, "warning")
        return see_other(url_of(agreement))
    values = agreement_values(agreement)
    return _form(request, session, actor, agreement, values, agreement.mode_numbers, {})


@router.post("/agreements/{agreement_id}/edit", response_class=HTMLResponse)
async def agreement_update(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    _editable(actor, agreement)
    values, modes = await _posted(request)
    payload = agreement_payload(values, modes)
    if payload["department_id"] is None and actor.role == Role.DEPARTMENT_COORDINATOR:
        payload.pop("department_id")  # a coordinator's agreement stays in their department
    if agreement.kind == AgreementKind.FRAMEWORK:
        payload.pop("terms")
    try:
        if agreement.status not in (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW):
            raise Conflict(NOT_EDITABLE, code="not_editable")
        data = _validated(AgreementUpdate, payload)
        data.version = form_version(values)
        service.update_agreement(session, actor=actor, agreement=agreement, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, shown=FORM_FIELDS)
        return _form(
            request,
            session,
            actor,
            agreement,
            values,
            chosen_modes(modes),
            errors,
            error.status_code,
        )
    flash(request, N_("Agreement “%(title)s” saved."), title=agreement.title)
    return see_other(url_of(agreement))


# --- delete a draft ------------------------------------------------------------------------------


def _deletable(actor: Actor, agreement: Agreement) -> None:
    _editable(actor, agreement)
    if agreement.status != AgreementStatus.DRAFT:
        raise Conflict(
            N_("Only a draft can be deleted; terminate an agreement instead."), code="not_draft"
        )


@router.get("/agreements/{agreement_id}/delete", response_class=HTMLResponse)
def agreement_confirm_delete(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    _deletable(actor, agreement)
    return render(
        request,
        "agreement/delete.html",
        {"agreement": agreement, "enterprise": agreement.partnership.enterprise, **choices()},
    )


@router.post("/agreements/{agreement_id}/delete", response_class=HTMLResponse)
async def agreement_delete(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    title = agreement.title
    service.delete_agreement(session, actor=actor, agreement=agreement)
    flash(request, N_("Draft agreement “%(title)s” deleted."), title=title)
    return see_other("/agreements")
