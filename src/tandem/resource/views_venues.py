"""Venue pages: the list (search, filters in the query string, pages, Excel export), adding a
venue, the venue with the equipment placed in it, editing, and deleting with a confirmation
(refused, with the reason, while bookings, equipment or agreements refer to it).

An enterprise contact sees neither the college's remarks (on the page or in the export) nor the
name of a training base they may not see."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College
from tandem.kit import export
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.export import Field, field, local_time
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_, get_language
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.pages import see_other
from tandem.resource import scope, venues
from tandem.resource.api_venues import Manager, Reader
from tandem.resource.kinds import OWNERSHIP_LABELS, VENUE_LABELS, VENUE_STATUS_LABELS
from tandem.resource.models import Venue
from tandem.resource.schemas_venues import VenueCreate, VenueUpdate
from tandem.resource.scope import shows_internal
from tandem.resource.venue_base_pages import (
    VenueListFilter,
    base_options,
    choices,
    college_options,
    department_options,
    filter_options,
    form_errors,
    label,
    may_create,
    partnership_options,
    plain,
    shown,
)

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

FORM_FIELDS = (
    "college_id",
    "code",
    "name",
    "building",
    "kind",
    "area_m2",
    "workstations",
    "ownership",
    "partnership_id",
    "department_id",
    "base_id",
    "status",
    "note",
)


def url_of(venue: Venue) -> str:
    return f"/venues/{venue.id}"


# --- list and export -----------------------------------------------------------------------------


@router.get("/venues", response_class=HTMLResponse)
def venue_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    filters: VenueListFilter,
) -> Response:
    page = venues.list_venues(session, actor=actor, params=params, filters=filters)
    counts = venues.equipment_counts(session, actor=actor, venue_ids=[v.id for v in page.items])
    return render(
        request,
        "resource/venue_list.html",
        {
            "page": page,
            "params": params,
            "filters": shown(filters),
            "counts": counts,
            "base_of": lambda venue: _base_name(actor, venue),
            "can_create": may_create(actor),
            **filter_options(session, actor),
            **choices(),
        },
        block="results",
    )


def _base_name(actor: Actor, venue: Venue) -> str | None:
    """The name of the venue's training base, when ``actor`` may see the base."""
    base = venue.base
    return base.name if base is not None and scope.can_see(actor, base) else None


Row = tuple[Venue, int, str]  # the venue, its equipment lines, its college's code


def _rows(session: Session, actor: Actor, stmt: Any) -> Iterator[Row]:
    colleges: dict[int, str] = {}
    for chunk in export.chunks(session, stmt):
        counts = venues.equipment_counts(session, actor=actor, venue_ids=[v.id for v in chunk])
        for venue in chunk:
            if venue.college_id not in colleges:
                colleges[venue.college_id] = session.get_one(College, venue.college_id).code
            yield venue, counts.get(venue.id, 0), colleges[venue.college_id]


def _fields(actor: Actor) -> Sequence[Field[Any]]:
    language = get_language()
    fields: list[Field[Any]] = []
    if actor.college_id is None:
        fields.append(field("college", "院校", "College", lambda r: r[2]))
    fields += [
        field("code", "场地编号", "Code", lambda r: r[0].code),
        field("name", "场地名称", "Name", lambda r: export.text(r[0].name)),
        field("building", "楼宇", "Building", lambda r: export.text(r[0].building)),
        field("kind", "场地类型", "Type", lambda r: label(VENUE_LABELS, r[0].kind)),
        field("area_m2", "面积（平方米）", "Area (m²)", lambda r: r[0].area_m2),
        field("workstations", "工位数", "Workstations", lambda r: r[0].workstations),
        field("ownership", "产权", "Owner", lambda r: label(OWNERSHIP_LABELS, r[0].ownership)),
        field("enterprise", "企业", "Enterprise", lambda r: venues.enterprise_name(r[0])),
        field(
            "department",
            "二级学院",
            "Department",
            lambda r: r[0].department.name(language) if r[0].department else None,
        ),
        field("base", "实训基地", "Training base", lambda r: _base_name(actor, r[0])),
        field("status", "状态", "Status", lambda r: label(VENUE_STATUS_LABELS, r[0].status)),
        field("equipment", "设备（条）", "Equipment lines", lambda r: r[1]),
    ]
    if actor.role != Role.ENTERPRISE_CONTACT:  # the college's remarks: never for an enterprise
        fields.append(field("note", "备注", "Remarks", lambda r: export.text(r[0].note)))
    fields.append(
        field("updated_at", "最近修改", "Last changed", lambda r: local_time(r[0].updated_at))
    )
    return fields


@router.get("/venues/export.xlsx")
def venue_export(
    session: DbSession, actor: Reader, params: ListQuery, filters: VenueListFilter
) -> Response:
    stmt = venues.venues_query(actor=actor, params=params, filters=filters)
    return export.xlsx_response(
        _fields(actor), _rows(session, actor, stmt), stem="venues", title=N_("Venues")
    )


# --- the form (new and edit) ---------------------------------------------------------------------


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    venue: Venue | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    college_id = venue.college_id if venue else actor.college_id
    return render(
        request,
        "resource/venue_form.html",
        {
            "venue": venue,
            "values": values,
            "errors": errors,
            "colleges": college_options(session) if college_id is None else [],
            "departments": department_options(session, college_id),
            "partnerships": partnership_options(session, college_id),
            "bases": base_options(session, college_id),
            **choices(),
        },
        status_code=status_code,
    )


def _payload(values: dict[str, str]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in FORM_FIELDS}


@router.get("/venues/new", response_class=HTMLResponse)
def venue_new(request: Request, session: DbSession, actor: Manager, base_id: str = "") -> Response:
    values: dict[str, Any] = {"kind": "workshop", "ownership": "college", "status": "active"}
    if actor.role == Role.DEPARTMENT_COORDINATOR and actor.department_id:
        values["department_id"] = actor.department_id
    if base_id.isdigit():
        values["base_id"] = base_id
    return _form(request, session, actor, None, values, {})


@router.post("/venues/new", response_class=HTMLResponse)
async def venue_create(request: Request, session: DbSession, actor: Manager) -> Response:
    values = await read_form(request)
    try:
        data = validate(VenueCreate, _payload(values))
        venue = venues.create_venue(session, actor=actor, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, FORM_FIELDS)
        return _form(request, session, actor, None, values, errors, error.status_code)
    flash(request, N_("Venue %(name)s added."), name=f"{venue.code} {venue.name}")
    return see_other(url_of(venue))


# --- the venue -----------------------------------------------------------------------------------


@router.get("/venues/{venue_id}", response_class=HTMLResponse)
def venue_detail(venue_id: int, request: Request, session: DbSession, actor: Reader) -> Response:
    venue = venues.get_venue(session, actor=actor, venue_id=venue_id)
    equipment = venues.equipment_in(session, actor=actor, venue_ids=[venue.id])
    base = venue.base if venue.base is not None and scope.can_see(actor, venue.base) else None
    return render(
        request,
        "resource/venue_detail.html",
        {
            "venue": venue,
            "college": session.get(College, venue.college_id),
            "base": base,
            "equipment": equipment,
            "can_manage": scope.can_manage(actor, venue),
            "show_internal": shows_internal(actor, venue.college_id),
            **choices(),
        },
    )


# --- edit ----------------------------------------------------------------------------------------


def venue_values(venue: Venue) -> dict[str, Any]:
    values = {name: plain(getattr(venue, name)) for name in venues.VENUE_FIELDS}
    return values | {"version": venue.version}


@router.get("/venues/{venue_id}/edit", response_class=HTMLResponse)
def venue_edit(venue_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    venue = venues.get_venue(session, actor=actor, venue_id=venue_id)
    venues.require_manage(actor, venue)
    return _form(request, session, actor, venue, venue_values(venue), {})


@router.post("/venues/{venue_id}/edit", response_class=HTMLResponse)
async def venue_update(
    venue_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    venue = venues.get_venue(session, actor=actor, venue_id=venue_id)
    values = await read_form(request)
    try:
        # Every field is on the form: the same checks as adding; a blank optional one is cleared.
        payload = _payload(values)
        payload.pop("college_id", None)
        full = validate(VenueCreate, payload)
        data = VenueUpdate(**full.model_dump(exclude={"college_id"}), version=form_version(values))
        venues.update_venue(session, actor=actor, venue=venue, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, FORM_FIELDS)
        return _form(request, session, actor, venue, values, errors, error.status_code)
    flash(request, N_("Venue %(name)s saved."), name=f"{venue.code} {venue.name}")
    return see_other(url_of(venue))


# --- delete --------------------------------------------------------------------------------------


def _confirm(request: Request, session: Session, venue: Venue, status_code: int = 200) -> Response:
    use = venues.venue_use(session, venue)
    return render(
        request,
        "resource/venue_delete.html",
        {
            "venue": venue,
            "use": use,
            "refusal": venues.delete_refusal(use).localised() if use.in_use else "",
        },
        status_code=status_code,
    )


@router.get("/venues/{venue_id}/delete", response_class=HTMLResponse)
def venue_confirm_delete(
    venue_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    venue = venues.get_venue(session, actor=actor, venue_id=venue_id)
    venues.require_manage(actor, venue)
    return _confirm(request, session, venue)


@router.post("/venues/{venue_id}/delete", response_class=HTMLResponse)
def venue_delete(venue_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    venue = venues.get_venue(session, actor=actor, venue_id=venue_id)
    name = f"{venue.code} {venue.name}"
    try:
        venues.delete_venue(session, actor=actor, venue=venue)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return _confirm(request, session, venue, error.status_code)
    flash(request, N_("Venue %(name)s deleted."), name=name)
    return see_other("/venues")
