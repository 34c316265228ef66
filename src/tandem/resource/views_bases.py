"""Training-base pages: the list (search, filters, pages), the authorities' table of bases as
Excel, adding a base, the base with its venues and the equipment in them grouped by owner,
editing, and deleting with a confirmation (refused while venues belong to the base).

An enterprise contact sees neither the college's remarks nor its funding per student (on the
page or in the export), nor an agreement they could not open."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College
from tandem.kit import export
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.export import Field, field, yes_no
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_, get_language
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.pages import see_other
from tandem.resource import bases, scope, venues
from tandem.resource.api_venues import Manager, Reader
from tandem.resource.kinds import BASE_KIND_LABELS, BASE_STATUS_LABELS
from tandem.resource.models import TrainingBase, Venue
from tandem.resource.schemas_bases import BaseCreate, BaseUpdate
from tandem.resource.scope import shown_agreement, shows_internal
from tandem.resource.venue_base_pages import (
    CHECKED,
    BaseListFilter,
    agreement_options,
    by_owner,
    choices,
    college_options,
    department_options,
    filter_options,
    form_errors,
    label,
    major_options,
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
    "kind",
    "partnership_id",
    "agreement_id",
    "department_id",
    "address",
    "founded_on",
    "workstations",
    "host_staff_on_post",
    "projects",
    "lodging",
    "intern_subsidy_cny",
    "college_funding_per_student_cny",
    "major_ids",
    "status",
    "note",
)


def url_of(base: TrainingBase) -> str:
    return f"/training-bases/{base.id}"


# --- list and the authorities' table -------------------------------------------------------------


@router.get("/training-bases", response_class=HTMLResponse)
def base_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    filters: BaseListFilter,
) -> Response:
    page = bases.list_bases(session, actor=actor, params=params, filters=filters)
    stats = bases.base_stats(session, actor=actor, base_ids=[b.id for b in page.items])
    options = filter_options(session, actor)
    return render(
        request,
        "resource/base_list.html",
        {
            "page": page,
            "params": params,
            "filters": shown(filters),
            "stats": stats,
            "empty_stats": bases.BaseStats(),
            "can_create": may_create(actor),
            "departments": options["departments"],
            "partnerships": options["partnerships"],
            **choices(),
        },
        block="results",
    )


Row = tuple[TrainingBase, bases.BaseStats, str]  # the base, its venues' figures, venue names


def _venue_names(session: Session, actor: Actor, base_ids: list[int]) -> dict[int, list[str]]:
    stmt = (
        select(Venue.base_id, Venue.code, Venue.name)
        .where(Venue.base_id.in_(base_ids), scope.visible(Venue, actor))
        .order_by(Venue.code)
    )
    names: dict[int, list[str]] = {}
    for base_id, code, name in session.execute(stmt).all():
        if base_id is not None:
            names.setdefault(base_id, []).append(f"{code} {name}")
    return names


def _rows(session: Session, actor: Actor, stmt: Any) -> Iterator[Row]:
    for chunk in export.chunks(session, stmt):
        ids = [b.id for b in chunk]
        stats = bases.base_stats(session, actor=actor, base_ids=ids)
        names = _venue_names(session, actor, ids) if ids else {}
        for base in chunk:
            yield base, stats.get(base.id, bases.BaseStats()), "; ".join(names.get(base.id, []))


def _fields(actor: Actor, colleges: dict[int, str]) -> Sequence[Field[Any]]:
    """The columns authorities ask for about each base (DOMAIN.md); the figures of visits and
    interns come with placements. Readers of several colleges get the college's code first."""
    language = get_language()
    fields: list[Field[Any]] = []
    if actor.college_id is None:
        fields.append(field("college", "院校", "College", lambda r: colleges.get(r[0].college_id)))
    fields += [
        field("name", "基地名称", "Base name", lambda r: export.text(r[0].name)),
        field("kind", "基地类型", "Type", lambda r: label(BASE_KIND_LABELS, r[0].kind)),
        field("host", "依托单位", "Host", lambda r: venues.enterprise_name(r[0])),
        field(
            "host_staff_on_post",
            "依托单位在岗职工数",
            "Host's on-post staff",
            lambda r: r[0].host_staff_on_post,
        ),
        field("founded_on", "建立时间", "Founding date", lambda r: r[0].founded_on),
        field(
            "majors",
            "面向专业",
            "Majors served",
            lambda r: "、".join(m.name(language) for m in r[0].majors) or None,
        ),
        field("projects", "实训项目", "Projects", lambda r: export.text(r[0].projects)),
        field("lodging", "是否提供住宿", "Lodging", lambda r: yes_no(r[0].lodging)),
        field(
            "intern_subsidy_cny",
            "实习补贴（元/人·月）",
            "Intern subsidy (CNY per month)",
            lambda r: r[0].intern_subsidy_cny,
        ),
    ]
    if actor.role != Role.ENTERPRISE_CONTACT:  # the college's own figure: never for an enterprise
        fields.append(
            field(
                "college_funding_per_student_cny",
                "学校生均经费（元）",
                "College funding per student (CNY)",
                lambda r: r[0].college_funding_per_student_cny,
            )
        )
    fields += [
        field("workstations", "工位数", "Workstations", lambda r: r[0].workstations),
        field("venues", "场地", "Venues", lambda r: r[2] or None),
        field(
            "equipment_value_cny",
            "设备值（元）",
            "Equipment value (CNY)",
            lambda r: r[1].equipment_value_cny.quantize(Decimal("0.01")),
        ),
        field("status", "状态", "Status", lambda r: label(BASE_STATUS_LABELS, r[0].status)),
    ]
    return fields


def _college_codes(session: Session) -> dict[int, str]:
    return {c.id: c.code for c in session.scalars(select(College))}


@router.get("/training-bases/export.xlsx")
def base_export(
    session: DbSession, actor: Reader, params: ListQuery, filters: BaseListFilter
) -> Response:
    stmt = bases.bases_query(actor=actor, params=params, filters=filters)
    colleges = _college_codes(session) if actor.college_id is None else {}
    return export.xlsx_response(
        _fields(actor, colleges),
        _rows(session, actor, stmt),
        stem="training-bases",
        title=N_("Training bases"),
    )


# --- the form (new and edit) ---------------------------------------------------------------------


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    base: TrainingBase | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    college_id = base.college_id if base else actor.college_id
    chosen = [int(i) for i in values.get("major_ids", []) if str(i).isdigit()]
    return render(
        request,
        "resource/base_form.html",
        {
            "base": base,
            "values": values,
            "chosen_majors": chosen,
            "errors": errors,
            "colleges": college_options(session) if college_id is None else [],
            "departments": department_options(session, college_id),
            "partnerships": partnership_options(session, college_id),
            "agreements": agreement_options(session, college_id),
            "majors": major_options(session, college_id, keep=chosen),
            **choices(),
        },
        status_code=status_code,
    )


async def _posted(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form as shown again (values) and as the schema takes it (payload)."""
    values: dict[str, Any] = dict(await read_form(request))
    form = await request.form()
    values["major_ids"] = [v for v in form.getlist("major_ids") if isinstance(v, str) and v]
    payload = {k: v for k, v in values.items() if k in FORM_FIELDS}
    payload["lodging"] = values.get("lodging", "") in CHECKED
    return values, payload


@router.get("/training-bases/new", response_class=HTMLResponse)
def base_new(request: Request, session: DbSession, actor: Manager) -> Response:
    values: dict[str, Any] = {"kind": "off_campus", "status": "active", "major_ids": []}
    if actor.role == Role.DEPARTMENT_COORDINATOR and actor.department_id:
        values["department_id"] = actor.department_id
    return _form(request, session, actor, None, values, {})


@router.post("/training-bases/new", response_class=HTMLResponse)
async def base_create(request: Request, session: DbSession, actor: Manager) -> Response:
    values, payload = await _posted(request)
    try:
        data = validate(BaseCreate, payload)
        base = bases.create_base(session, actor=actor, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, FORM_FIELDS)
        return _form(request, session, actor, None, values, errors, error.status_code)
    flash(request, N_("Training base %(name)s added."), name=f"{base.code} {base.name}")
    return see_other(url_of(base))


# --- the base ------------------------------------------------------------------------------------


@router.get("/training-bases/{base_id}", response_class=HTMLResponse)
def base_detail(base_id: int, request: Request, session: DbSession, actor: Reader) -> Response:
    base = bases.get_base(session, actor=actor, base_id=base_id)
    base_venues = bases.venues_of(session, actor=actor, base=base)
    equipment = venues.equipment_in(session, actor=actor, venue_ids=[v.id for v in base_venues])
    groups = by_owner(equipment)
    stats = bases.base_stats(session, actor=actor, base_ids=[base.id]).get(
        base.id, bases.BaseStats()
    )
    return render(
        request,
        "resource/base_detail.html",
        {
            "base": base,
            "college": session.get(College, base.college_id),
            "venues": base_venues,
            "venue_names": {v.id: f"{v.code} {v.name}" for v in base_venues},
            "groups": groups,
            "stats": stats,
            "equipment_total": sum((g.total for g in groups), Decimal(0)),
            "can_manage": scope.can_manage(actor, base),
            "agreement": shown_agreement(actor, base.agreement),
            "show_internal": shows_internal(actor, base.college_id),
            **choices(),
        },
    )


# --- edit ----------------------------------------------------------------------------------------


def base_values(base: TrainingBase) -> dict[str, Any]:
    values: dict[str, Any] = {name: plain(getattr(base, name)) for name in bases.BASE_FIELDS}
    values["lodging"] = "yes" if base.lodging else ""
    values["major_ids"] = [m.id for m in base.majors]
    return values | {"version": base.version}


@router.get("/training-bases/{base_id}/edit", response_class=HTMLResponse)
def base_edit(base_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    base = bases.get_base(session, actor=actor, base_id=base_id)
    venues.require_manage(actor, base)
    return _form(request, session, actor, base, base_values(base), {})


@router.post("/training-bases/{base_id}/edit", response_class=HTMLResponse)
async def base_update(
    base_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    base = bases.get_base(session, actor=actor, base_id=base_id)
    values, payload = await _posted(request)
    try:
        # Every field is on the form: the same checks as adding; a blank optional one is cleared.
        payload.pop("college_id", None)
        full = validate(BaseCreate, payload)
        data = BaseUpdate(**full.model_dump(exclude={"college_id"}), version=form_version(values))
        bases.update_base(session, actor=actor, base=base, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, FORM_FIELDS)
        return _form(request, session, actor, base, values, errors, error.status_code)
    flash(request, N_("Training base %(name)s saved."), name=f"{base.code} {base.name}")
    return see_other(url_of(base))


# --- delete --------------------------------------------------------------------------------------


def _confirm(
    request: Request, session: Session, base: TrainingBase, status_code: int = 200
) -> Response:
    use = bases.base_use(session, base)
    return render(
        request,
        "resource/base_delete.html",
        {
            "base": base,
            "use": use,
            "refusal": bases.delete_refusal(use).localised() if use.in_use else "",
        },
        status_code=status_code,
    )


@router.get("/training-bases/{base_id}/delete", response_class=HTMLResponse)
def base_confirm_delete(
    base_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    base = bases.get_base(session, actor=actor, base_id=base_id)
    venues.require_manage(actor, base)
    return _confirm(request, session, base)


@router.post("/training-bases/{base_id}/delete", response_class=HTMLResponse)
def base_delete(base_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    base = bases.get_base(session, actor=actor, base_id=base_id)
    name = f"{base.code} {base.name}"
    try:
        bases.delete_base(session, actor=actor, base=base)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return _confirm(request, session, base, error.status_code)
    flash(request, N_("Training base %(name)s deleted."), name=name)
    return see_other("/training-bases")
