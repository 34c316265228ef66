"""Position pages: adding a position to a plan, the position (its terms, the stored compliance
pre-check with each violation's severity, message and source, its cap and what binds),
editing, publishing (refused with the rules that bar it) and withdrawing with a reason (with
a confirmation) and the Excel export of a plan's positions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.kit import export
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError, PermissionDenied
from tandem.kit.export import Field, field, local_time
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_, get_language, gettext
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.pages import see_other
from tandem.placement import plans, positions, precheck, scope
from tandem.placement.api_plans import Reader
from tandem.placement.api_positions import Publisher
from tandem.placement.capacity import PlanCaps, plan_caps
from tandem.placement.kinds import POSITION_STATUS_LABELS, PositionStatus
from tandem.placement.models import PlacementPlan, Position
from tandem.placement.schemas_positions import PositionCreate, PositionUpdate, Withdrawal
from tandem.placement.views_plans import choices
from tandem.resource.venue_base_pages import CHECKED, form_errors, label, major_options, plain

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

FORM_FIELDS = (
    "partnership_id",
    "title",
    "location",
    "seats",
    "monthly_pay",
    "hours_per_day",
    "days_per_week",
    "shifts",
    "night_shift",
    "holiday_work",
    "labour_intensity",
    "high_risk",
    "restrictions",
    "venue_category",
    "post_staff",
    "post_wage",
    "major_ids",
    "skills",
    "description",
)
FLAGS = ("night_shift", "holiday_work", "high_risk")
LISTS = ("restrictions", "major_ids")
CATEGORY_LABELS = {
    "manufacturing": N_("Manufacturing"),
    "construction": N_("Construction"),
    "logistics": N_("Logistics"),
    "retail": N_("Retail"),
    "hospitality": N_("Hotels and hospitality"),
    "catering": N_("Catering"),
    "healthcare": N_("Health care"),
    "it_services": N_("IT services"),
    "agriculture": N_("Agriculture"),
    "office": N_("Office work"),
    "other": N_("Other"),
    "bar": N_("Bar"),
    "nightclub": N_("Nightclub"),
    "ktv": N_("KTV"),
    "bath_centre": N_("Bath centre"),
    "game_hall": N_("Game hall"),
    "internet_cafe": N_("Internet café"),
}
RESTRICTION_LABELS = {
    "minor_prohibited": N_("Work barred for minors (under 18)"),
    "female_prohibited": N_("Work barred for women"),
}
LEVEL_LABELS = {
    1: N_("Level I (light)"),
    2: N_("Level II (moderate)"),
    3: N_("Level III (heavy)"),
    4: N_("Level IV (very heavy)"),
}
SEVERITY_LABELS = {"block": N_("Bars publishing"), "warn": N_("Warning")}


def url_of(position: Position) -> str:
    return f"/positions/{position.id}"


def position_choices(plan: PlacementPlan) -> dict[str, Any]:
    categories = precheck.venue_categories(plan.ruleset)
    return {
        "category_options": [(c, label(CATEGORY_LABELS, c)) for c in categories],
        "restriction_options": [(r, label(RESTRICTION_LABELS, r)) for r in RESTRICTION_LABELS],
        "level_options": [(str(k), gettext(v)) for k, v in LEVEL_LABELS.items()],
        "category_label": lambda v: label(CATEGORY_LABELS, v),
        "restriction_label": lambda v: label(RESTRICTION_LABELS, v),
        "level_label": lambda v: gettext(LEVEL_LABELS[v]) if v in LEVEL_LABELS else "—",
        "severity_label": lambda v: label(SEVERITY_LABELS, v),
        **choices(),
    }


# --- the form ------------------------------------------------------------------------------------


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    plan: PlacementPlan,
    position: Position | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    chosen = [int(v) for v in values.get("major_ids", []) if str(v).isdigit()]
    return render(
        request,
        "placement/position_form.html",
        {
            "plan": plan,
            "position": position,
            "values": values,
            "errors": errors,
            "hosts": positions.host_options(session, actor=actor, plan=plan),
            "majors": major_options(session, plan.college_id, keep=chosen),
            "chosen_majors": chosen,
            **position_choices(plan),
        },
        status_code=status_code,
    )


async def _posted(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = dict(await read_form(request))
    form = await request.form()
    for name in LISTS:
        values[name] = [v for v in form.getlist(name) if isinstance(v, str) and v]
    for name in FLAGS:
        values[name] = values.get(name, "") in CHECKED
    payload = {k: v for k, v in values.items() if k in FORM_FIELDS}
    return values, payload


@router.get("/placement-plans/{plan_id}/positions/new", response_class=HTMLResponse)
def position_new(plan_id: int, request: Request, session: DbSession, actor: Publisher) -> Response:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    hosts = positions.host_options(session, actor=actor, plan=plan)
    values: dict[str, Any] = {"seats": "1", "major_ids": [], "restrictions": []}
    if len(hosts) == 1:
        values["partnership_id"] = hosts[0][0]
    return _form(request, session, actor, plan, None, values, {})


@router.post("/placement-plans/{plan_id}/positions/new", response_class=HTMLResponse)
async def position_create(
    plan_id: int, request: Request, session: DbSession, actor: Publisher
) -> Response:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    values, payload = await _posted(request)
    try:
        data = validate(PositionCreate, payload)
        position = positions.create_position(session, actor=actor, plan=plan, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, FORM_FIELDS)
        return _form(request, session, actor, plan, None, values, errors, error.status_code)
    flash(
        request,
        N_("Position %(name)s added: publish it when its terms are complete."),
        name=position.title,
    )
    return see_other(url_of(position))


# --- the position --------------------------------------------------------------------------------


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    position: Position,
    error: str = "",
    status_code: int = 200,
) -> Response:
    plan = position.plan
    caps = positions.caps_for(session, plan, position)
    cap = caps.positions.get(position.id)
    host_cap = caps.hosts.get(position.partnership_id)
    can_edit = scope.can_edit_position(actor, position)
    language = get_language()
    return render(
        request,
        "placement/position_detail.html",
        {
            "plan": plan,
            "position": position,
            "cap": cap,
            "cap_text": positions.explain(cap, host=False) if cap else "",
            "host_cap": host_cap,
            "host_cap_text": positions.explain(host_cap, host=True) if host_cap else "",
            "compliance": position.compliance,
            "error": error,
            "can_edit": can_edit and plan.phase in positions.EDITABLE,
            "can_publish": can_edit
            and plan.phase in positions.PUBLISHABLE
            and position.status != PositionStatus.PUBLISHED,
            "can_withdraw": can_edit and position.status != PositionStatus.WITHDRAWN,
            "majors": [m.name(language) for m in position.majors],
            **position_choices(plan),
        },
        status_code=status_code,
    )


@router.get("/positions/{position_id}", response_class=HTMLResponse)
def position_detail(
    position_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    position = positions.get_position(session, actor=actor, position_id=position_id)
    return _detail(request, session, actor, position)


# --- edit ----------------------------------------------------------------------------------------


def position_values(position: Position) -> dict[str, Any]:
    names = [n for n in positions.POSITION_FIELDS if n != "restrictions"]
    values: dict[str, Any] = {name: plain(getattr(position, name)) for name in names}
    for name in FLAGS:
        values[name] = bool(getattr(position, name))
    values["restrictions"] = list(position.restrictions or [])
    values["major_ids"] = [str(m.id) for m in position.majors]
    return values | {"version": position.version}


def _require_edit(actor: Actor, position: Position) -> None:
    if not scope.can_edit_position(actor, position):
        raise PermissionDenied()


@router.get("/positions/{position_id}/edit", response_class=HTMLResponse)
def position_edit(
    position_id: int, request: Request, session: DbSession, actor: Publisher
) -> Response:
    position = positions.get_position(session, actor=actor, position_id=position_id)
    _require_edit(actor, position)
    values = position_values(position)
    return _form(request, session, actor, position.plan, position, values, {})


@router.post("/positions/{position_id}/edit", response_class=HTMLResponse)
async def position_update(
    position_id: int, request: Request, session: DbSession, actor: Publisher
) -> Response:
    position = positions.get_position(session, actor=actor, position_id=position_id)
    plan = position.plan
    values, payload = await _posted(request)
    try:
        full = validate(PositionCreate, payload)
        data = validate(PositionUpdate, {**full.model_dump(), "version": form_version(values)})
        positions.update_position(session, actor=actor, position=position, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, FORM_FIELDS)
        return _form(request, session, actor, plan, position, values, errors, error.status_code)
    flash(request, N_("Position %(name)s saved."), name=position.title)
    return see_other(url_of(position))


# --- publish and withdraw ------------------------------------------------------------------------


@router.post("/positions/{position_id}/publish", response_class=HTMLResponse)
def position_publish(
    position_id: int, request: Request, session: DbSession, actor: Publisher
) -> Response:
    position = positions.get_position(session, actor=actor, position_id=position_id)
    try:
        positions.publish_position(session, actor=actor, position=position)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return _detail(request, session, actor, position, error.localised(), error.status_code)
    flash(request, N_("Position %(name)s published."), name=position.title)
    return see_other(url_of(position))


def _withdraw_page(
    request: Request,
    session: Session,
    position: Position,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    refusal = positions.withdraw_refusal(session, position)
    return render(
        request,
        "placement/position_withdraw.html",
        {
            "position": position,
            "plan": position.plan,
            "values": values,
            "errors": errors,
            "refusal": refusal.localised() if refusal else "",
        },
        status_code=status_code,
    )


@router.get("/positions/{position_id}/withdraw", response_class=HTMLResponse)
def position_confirm_withdraw(
    position_id: int, request: Request, session: DbSession, actor: Publisher
) -> Response:
    position = positions.get_position(session, actor=actor, position_id=position_id)
    _require_edit(actor, position)
    return _withdraw_page(request, session, position, {}, {})


@router.post("/positions/{position_id}/withdraw", response_class=HTMLResponse)
async def position_withdraw(
    position_id: int, request: Request, session: DbSession, actor: Publisher
) -> Response:
    position = positions.get_position(session, actor=actor, position_id=position_id)
    values = await read_form(request)
    try:
        data = validate(Withdrawal, {"reason": values.get("reason", "")})
        positions.withdraw_position(session, actor=actor, position=position, reason=data.reason)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, ("reason",))
        return _withdraw_page(request, session, position, values, errors, error.status_code)
    flash(request, N_("Position %(name)s withdrawn."), name=position.title)
    return see_other(f"/placement-plans/{position.plan_id}")


# --- the plan's positions as a workbook ------------------------------------------------------

Row = tuple[Position, PlanCaps]


def _fields() -> Sequence[Field[Any]]:
    def cap_text(row: Row) -> str | None:
        cap = row[1].positions.get(row[0].id)
        return positions.explain(cap, host=False) if cap else None

    def capacity(row: Row) -> int | None:
        cap = row[1].positions.get(row[0].id)
        return cap.capacity if cap else None

    return [
        field("host", "实习单位", "Host", lambda r: r[0].partnership.enterprise.name),
        field("title", "岗位", "Position", lambda r: export.text(r[0].title)),
        field("location", "地点", "Location", lambda r: export.text(r[0].location)),
        field("seats", "名额", "Seats", lambda r: r[0].seats),
        field("capacity", "可接收人数", "Capacity", capacity),
        field("binding", "限制说明", "Which limit binds", cap_text),
        field("monthly_pay", "月报酬（元）", "Monthly pay (CNY)", lambda r: r[0].monthly_pay),
        field("hours_per_day", "每日工时", "Hours a day", lambda r: r[0].hours_per_day),
        field("days_per_week", "每周天数", "Days a week", lambda r: r[0].days_per_week),
        field("labour_intensity", "劳动强度", "Labour intensity", lambda r: r[0].labour_intensity),
        field("high_risk", "高风险", "High risk", lambda r: export.yes_no(r[0].high_risk)),
        field("night_shift", "夜班", "Night shift", lambda r: export.yes_no(r[0].night_shift)),
        field("post_staff", "岗位职工数", "Staff in the post", lambda r: r[0].post_staff),
        field("post_wage", "岗位工资（元）", "Post wage (CNY)", lambda r: r[0].post_wage),
        field("skills", "技能要求", "Skills", lambda r: export.text(r[0].skills)),
        field("status", "状态", "Status", lambda r: label(POSITION_STATUS_LABELS, r[0].status)),
        field("published_at", "发布时间", "Published", lambda r: local_time(r[0].published_at)),
    ]


def _rows(session: Session, stmt: Any, caps: PlanCaps) -> Iterator[Row]:
    for chunk in export.chunks(session, stmt):
        for position in chunk:
            yield position, caps


@router.get("/placement-plans/{plan_id}/positions.xlsx")
def positions_export(
    plan_id: int, session: DbSession, actor: Reader, params: ListQuery
) -> Response:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    stmt = positions.positions_query(actor=actor, plan=plan, params=params)
    caps = plan_caps(session, plan)
    return export.xlsx_response(
        _fields(), _rows(session, stmt, caps), stem="positions", title=N_("Positions")
    )
