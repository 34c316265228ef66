"""Equipment pages: the register (search, filters, totals, Excel export and import), a line
with its maintenance history, adding, editing and deleting lines, recording maintenance."""

from __future__ import annotations

from operator import itemgetter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission, Role
from tandem.college.models import College
from tandem.imports.columns_equipment import EQUIPMENT_COLUMNS
from tandem.imports.equipment import export_cells
from tandem.kit import export
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.web import flash, render, verify_csrf
from tandem.resource import equipment as service
from tandem.resource import maintenance
from tandem.resource.equipment_pages import (
    MAINTENANCE_FIELDS,
    ListFilter,
    choices,
    college_options,
    disclosed,
    form_errors,
    form_options,
    form_values,
    list_options,
    narrowed_to,
    payload,
    rights,
    shown_filters,
    shown_venue,
)
from tandem.resource.kinds import EquipmentStatus, Ownership
from tandem.resource.models import Equipment
from tandem.resource.schemas_equipment import EquipmentCreate, EquipmentUpdate, MaintenanceCreate

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
Manager = Annotated[Actor, Depends(require(Permission.RESOURCE_MANAGE))]


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def url_of(equipment: Equipment) -> str:
    return f"/equipment/{equipment.id}"


def _get(session: Session, actor: Actor, equipment_id: int) -> Equipment:
    return service.get_equipment(session, actor=actor, equipment_id=equipment_id)


# --- the register --------------------------------------------------------------------------------


@router.get("/equipment", response_class=HTMLResponse)
def equipment_list(
    request: Request, session: DbSession, actor: Reader, params: ListQuery, filters: ListFilter
) -> Response:
    page = service.list_equipment(session, actor=actor, params=params, filters=filters)
    return render(
        request,
        "resource/equipment_list.html",
        {
            "page": page,
            "params": params,
            "filters": shown_filters(filters),
            "narrowed": narrowed_to(session, actor, filters),
            "totals": service.totals(session, actor=actor, q=params.q, filters=filters),
            "categories": service.categories(session, actor=actor),
            "can_add": actor.can(Permission.RESOURCE_MANAGE),
            "venue_of": lambda line: shown_venue(actor, line),
            **list_options(session, actor),
            **choices(),
        },
        block="results",
    )


@router.get("/equipment/export.xlsx")
def equipment_export(
    session: DbSession, actor: Reader, params: ListQuery, filters: ListFilter
) -> Response:
    """Every matching line under the import's own headers, so the file imports again as is (an
    enterprise contact's file has no remarks column: they are the college's own)."""
    stmt = service.equipment_query(actor=actor, params=params, filters=filters)
    fields = [
        export.Field(column, itemgetter(i))
        for i, column in enumerate(EQUIPMENT_COLUMNS)
        if column.key != "note" or actor.role != Role.ENTERPRISE_CONTACT
    ]
    rows = (export_cells(e, actor=actor) for e in export.stream(session, stmt))
    return export.xlsx_response(fields, rows, stem="equipment", title=N_("Equipment"))


# --- adding and editing --------------------------------------------------------------------------


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    equipment: Equipment | None,
    college_id: int | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "resource/equipment_form.html",
        {
            "equipment": equipment,
            "college_id": college_id,
            "values": values,
            "errors": errors,
            "colleges": college_options(session)
            if actor.is_platform_wide and not equipment
            else [],
            **form_options(session, college_id),
            **choices(),
        },
        status_code=status_code,
    )


def _new_college(session: Session, actor: Actor, raw: str) -> int | None:
    """The college a new line joins: the actor's own; a platform administrator chooses it."""
    if not actor.is_platform_wide:
        return actor.college_id
    chosen = int(raw) if raw.isdigit() and len(raw) < 10 else None
    return chosen if chosen is not None and session.get(College, chosen) is not None else None


@router.get("/equipment/new", response_class=HTMLResponse)
def equipment_new(
    request: Request, session: DbSession, actor: Manager, college_id: str = ""
) -> Response:
    college = _new_college(session, actor, college_id)
    values: dict[str, Any] = {
        "ownership": Ownership.COLLEGE.value,
        "acquisition": "purchased",
        "status": EquipmentStatus.IN_USE.value,
        "quantity": 1,
        "college_id": college or "",
    }
    if actor.role == Role.DEPARTMENT_COORDINATOR and actor.department_id:
        values["department_id"] = actor.department_id
    return _form(request, session, actor, None, college, values, {})


@router.post("/equipment/new", response_class=HTMLResponse)
async def equipment_create(request: Request, session: DbSession, actor: Manager) -> Response:
    values = await read_form(request)
    college = _new_college(session, actor, values.get("college_id", ""))
    try:
        data = validate(EquipmentCreate, payload(values, create=True))
        created = service.create_equipment(session, actor=actor, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error)
        return _form(request, session, actor, None, college, values, errors, error.status_code)
    flash(request, N_("%(tag)s added to the register."), tag=created.asset_tag)
    return see_other(url_of(created))


@router.get("/equipment/{equipment_id}/edit", response_class=HTMLResponse)
def equipment_edit(
    equipment_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    found = _get(session, actor, equipment_id)
    service.require_manage(actor, found)
    return _form(request, session, actor, found, found.college_id, form_values(found), {})


@router.post("/equipment/{equipment_id}/edit", response_class=HTMLResponse)
async def equipment_update(
    equipment_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    found = _get(session, actor, equipment_id)
    service.require_manage(actor, found)
    values = await read_form(request)
    try:
        data = validate(EquipmentUpdate, payload(values, create=False))
        data.version = form_version(values)
        service.update_equipment(session, actor=actor, equipment=found, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error)
        return _form(
            request, session, actor, found, found.college_id, values, errors, error.status_code
        )
    flash(request, N_("%(tag)s saved."), tag=found.asset_tag)
    return see_other(url_of(found))


# --- one line, and its maintenance ---------------------------------------------------------------


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    equipment: Equipment,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    history = maintenance.records_of(session, equipment=equipment)
    today = local_today()
    return render(
        request,
        "resource/equipment_detail.html",
        {
            "equipment": equipment,
            "college": session.get(College, equipment.college_id),
            "enterprise": equipment.partnership.enterprise if equipment.partnership else None,
            "history": history,
            "form": form or {"values": {"done_on": today.isoformat()}, "errors": {}},
            "today": today.isoformat(),
            "booked": service.booking_count(session, equipment),
            **rights(actor, equipment),
            **disclosed(actor, equipment),
            **choices(),
        },
        status_code=status_code,
    )


@router.get("/equipment/{equipment_id}", response_class=HTMLResponse)
def equipment_detail(
    equipment_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    return _detail(request, session, actor, _get(session, actor, equipment_id))


@router.post("/equipment/{equipment_id}/maintenance", response_class=HTMLResponse)
async def maintenance_add(
    equipment_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    found = _get(session, actor, equipment_id)
    service.require_manage(actor, found)
    values = await read_form(request)
    data_in: dict[str, Any] = {k: values[k] for k in MAINTENANCE_FIELDS if k in values}
    data_in.setdefault("kind", "")
    data_in.setdefault("done_on", "")
    try:
        data = validate(MaintenanceCreate, data_in)
        maintenance.add_record(session, actor=actor, equipment=found, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        session.refresh(found)
        form = {"values": values, "errors": form_errors(error, MAINTENANCE_FIELDS)}
        return _detail(request, session, actor, found, form, error.status_code)
    flash(request, N_("Maintenance recorded for %(tag)s."), tag=found.asset_tag)
    return see_other(f"{url_of(found)}#maintenance")


@router.post(
    "/equipment/{equipment_id}/maintenance/{record_id}/delete", response_class=HTMLResponse
)
def maintenance_delete(
    equipment_id: int, record_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    found = _get(session, actor, equipment_id)
    record = maintenance.get_record(session, equipment=found, record_id=record_id)
    maintenance.delete_record(session, actor=actor, equipment=found, record=record)
    flash(request, N_("Maintenance record deleted."))
    return see_other(f"{url_of(found)}#maintenance")


# --- deleting ------------------------------------------------------------------------------------


def _confirm(
    request: Request,
    session: Session,
    equipment: Equipment,
    error: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "resource/equipment_delete.html",
        {
            "equipment": equipment,
            "booked": service.booking_count(session, equipment),
            "records": len(equipment.maintenance),
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/equipment/{equipment_id}/delete", response_class=HTMLResponse)
def equipment_confirm_delete(
    equipment_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    found = _get(session, actor, equipment_id)
    service.require_manage(actor, found)
    return _confirm(request, session, found)


@router.post("/equipment/{equipment_id}/delete", response_class=HTMLResponse)
def equipment_delete(
    equipment_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    found = _get(session, actor, equipment_id)
    tag = found.asset_tag
    try:
        service.delete_equipment(session, actor=actor, equipment=found)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return _confirm(request, session, found, error.localised(), error.status_code)
    flash(request, N_("%(tag)s deleted from the register."), tag=tag)
    return see_other("/equipment")
