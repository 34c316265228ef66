"""Placement plan pages: the list (search, filters, pages), adding a plan, the plan (phase
stepper with the calendar and what each role does now, the numbers, the positions with their
capacity and which limit binds, and each role's next step), editing, moving the phase (with a
confirmation), deleting a draft (with a confirmation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.compliance.ruleset import available
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_, get_language, gettext
from tandem.kit.pagination import ListParams
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.pages import see_other
from tandem.people.models import SchoolClass
from tandem.placement import plans, positions, scope
from tandem.placement.api_plans import Manager, Reader
from tandem.placement.capacity import PlanCaps, plan_caps
from tandem.placement.kinds import (
    PHASE_LABELS,
    PLAN_KIND_LABELS,
    POSITION_STATUS_LABELS,
    Phase,
    PlanKind,
    PositionStatus,
)
from tandem.placement.models import PlacementPlan
from tandem.placement.schemas_plans import CALENDAR, PlanCreate, PlanUpdate
from tandem.resource.venue_base_pages import (
    college_options,
    department_options,
    form_errors,
    label,
    major_options,
    money,
    number,
    plain,
)

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

FORM_FIELDS = (
    "college_id",
    "name",
    "kind",
    "department_id",
    "ruleset",
    "term_start",
    "term_end",
    "max_preferences",
    "min_year_of_study",
    "min_age",
    *CALENDAR,
    "note",
    "major_ids",
    "class_ids",
)
LISTS = ("major_ids", "class_ids")

# What each role does in each phase (shown beside the stepper).
TODO: dict[Phase, list[tuple[str, str]]] = {
    Phase.DRAFT: [
        (N_("Cooperation office"), N_("Prepare the plan, then open it for positions.")),
    ],
    Phase.POSITIONS: [
        (N_("Hosts"), N_("Publish the positions you offer: seats, pay, hours and terms.")),
        (N_("Cooperation office"), N_("Publish positions for hosts that send them on paper.")),
        (N_("Students"), N_("Wait for the positions; ranking opens next.")),
    ],
    Phase.STUDENT_RANKING: [
        (N_("Students"), N_("Rank the positions you would like, your first choice first.")),
        (N_("Hosts"), N_("Positions can still be corrected or added.")),
        (N_("Cooperation office"), N_("Follow how many students have ranked.")),
    ],
    Phase.HOST_RANKING: [
        (N_("Hosts"), N_("Rank your applicants for each position.")),
        (N_("Students"), N_("Wait for the allocation.")),
    ],
    Phase.ALLOCATION: [
        (N_("Cooperation office"), N_("Run a round, look at the preview and publish it.")),
        (N_("Students"), N_("Wait for the results.")),
        (N_("Hosts"), N_("Wait for the results.")),
    ],
    Phase.RESULTS: [
        (N_("Everyone"), N_("See who is placed where, and why.")),
        (
            N_("Cooperation office"),
            N_("Open a second round for the students not yet placed, or close the plan."),
        ),
    ],
    Phase.CLOSED: [(N_("Everyone"), N_("The plan is closed."))],
}


def url_of(plan: PlacementPlan) -> str:
    return f"/placement-plans/{plan.id}"


def choices() -> dict[str, Any]:
    """Translated options and the label helpers for the placement templates."""
    return {
        "kind_options": [(k.value, label(PLAN_KIND_LABELS, k)) for k in PlanKind],
        "phase_options": [(p.value, label(PHASE_LABELS, p)) for p in Phase],
        "position_status_options": [
            (s.value, label(POSITION_STATUS_LABELS, s)) for s in PositionStatus
        ],
        "kind_label": lambda v: label(PLAN_KIND_LABELS, v),
        "phase_label": lambda v: label(PHASE_LABELS, v),
        "phase_badge": lambda v: {"results": "ok", "closed": "", "draft": ""}.get(v, "warn"),
        "position_status_label": lambda v: label(POSITION_STATUS_LABELS, v),
        "position_status_badge": lambda v: {"published": "ok", "withdrawn": "bad"}.get(v, ""),
        "number": number,
        "money": money,
        "tr": gettext,
    }


# --- list ----------------------------------------------------------------------------------------


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def plan_filter(kind: str = "", phase: str = "", department_id: str = "") -> plans.PlanFilter:
    return plans.PlanFilter(
        kind=kind if kind in set(PlanKind) else "",
        phase=phase if phase in set(Phase) else "",
        department_id=_id(department_id),
    )


PlanListFilter = Annotated[plans.PlanFilter, Depends(plan_filter)]


def may_create(actor: Actor) -> bool:
    return actor.can(Permission.PLAN_MANAGE) and (
        actor.is_platform_wide or actor.college_id is not None
    )


@router.get("/placement-plans", response_class=HTMLResponse)
def plan_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    filters: PlanListFilter,
) -> Response:
    page = plans.list_plans(session, actor=actor, params=params, filters=filters)
    shown = {
        "kind": filters.kind,
        "phase": filters.phase,
        "department_id": "" if filters.department_id is None else str(filters.department_id),
    }
    departments = department_options(session, actor.college_id) if scope.is_staff(actor) else []
    return render(
        request,
        "placement/plan_list.html",
        {
            "page": page,
            "params": params,
            "filters": shown,
            "departments": departments if actor.college_id is not None else [],
            "can_create": may_create(actor),
            "language": get_language(),
            **choices(),
        },
        block="results",
    )


# --- the form ------------------------------------------------------------------------------------


def class_options(
    session: Session, college_id: int | None, keep: Sequence[int] = ()
) -> list[tuple[int, str]]:
    stmt = select(SchoolClass).order_by(SchoolClass.cohort_year.desc(), SchoolClass.name)
    if college_id is not None:
        stmt = stmt.where(SchoolClass.college_id == college_id)
    kept = set(keep)
    return [
        (c.id, f"{c.name} ({c.cohort_year})")
        for c in session.scalars(stmt)
        if c.archived_at is None or c.id in kept
    ]


def _chosen(values: Mapping[str, Any], name: str) -> list[int]:
    return [int(v) for v in values.get(name, []) if str(v).isdigit()]


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    plan: PlacementPlan | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    college_id = plan.college_id if plan else actor.college_id
    if college_id is None and values.get("college_id", "").isdigit():
        college_id = int(values["college_id"])
    majors, classes = _chosen(values, "major_ids"), _chosen(values, "class_ids")
    return render(
        request,
        "placement/plan_form.html",
        {
            "plan": plan,
            "values": values,
            "errors": errors,
            "chosen_majors": majors,
            "chosen_classes": classes,
            "colleges": college_options(session) if actor.college_id is None else [],
            "departments": department_options(session, college_id) if college_id else [],
            "majors": major_options(session, college_id, keep=majors) if college_id else [],
            "classes": class_options(session, college_id, keep=classes) if college_id else [],
            "rulesets": [(name, name) for name in available()],
            **choices(),
        },
        status_code=status_code,
    )


async def _posted(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form as shown again (values) and as the schema takes it (payload)."""
    values: dict[str, Any] = dict(await read_form(request))
    form = await request.form()
    for name in LISTS:
        values[name] = [v for v in form.getlist(name) if isinstance(v, str) and v]
    payload = {k: v for k, v in values.items() if k in FORM_FIELDS}
    return values, payload


@router.get("/placement-plans/new", response_class=HTMLResponse)
def plan_new(request: Request, session: DbSession, actor: Manager) -> Response:
    values: dict[str, Any] = {
        "kind": "post",
        "ruleset": "cn-2021",
        "max_preferences": "5",
        "major_ids": [],
        "class_ids": [],
    }
    if actor.role == Role.DEPARTMENT_COORDINATOR and actor.department_id:
        values["department_id"] = actor.department_id
    return _form(request, session, actor, None, values, {})


@router.post("/placement-plans/new", response_class=HTMLResponse)
async def plan_create(request: Request, session: DbSession, actor: Manager) -> Response:
    values, payload = await _posted(request)
    try:
        data = validate(PlanCreate, payload)
        plan = plans.create_plan(session, actor=actor, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, FORM_FIELDS)
        return _form(request, session, actor, None, values, errors, error.status_code)
    flash(request, N_("Placement plan %(name)s added (in draft)."), name=plan.name)
    return see_other(url_of(plan))


# --- the plan ------------------------------------------------------------------------------------


def next_steps(actor: Actor, plan: PlacementPlan) -> list[tuple[str, str]]:
    """(link, text) for what ``actor`` does next in the plan."""
    base = url_of(plan)
    phase = Phase(plan.phase)
    steps: list[tuple[str, str]] = []
    if actor.role == Role.STUDENT and phase in (Phase.STUDENT_RANKING, Phase.HOST_RANKING):
        steps.append((f"{base}/my-preferences", gettext(N_("My preferences"))))
    if actor.role == Role.ENTERPRISE_CONTACT and phase in (
        Phase.STUDENT_RANKING,
        Phase.HOST_RANKING,
    ):
        steps.append((f"{base}/applicants", gettext(N_("Rank my applicants"))))
    office = actor.role != Role.ENTERPRISE_CONTACT and scope.can_manage_plan(actor, plan)
    if office and phase == Phase.HOST_RANKING and actor.can(Permission.APPLICANT_RANK):
        steps.append((f"{base}/applicants", gettext(N_("Applicants"))))
    if scope.can_manage_plan(actor, plan) and phase in (
        Phase.ALLOCATION,
        Phase.RESULTS,
        Phase.CLOSED,
    ):
        steps.append((f"{base}/rounds", gettext(N_("Allocation rounds"))))
    if phase in (Phase.RESULTS, Phase.CLOSED):
        steps.append((f"{base}/results", gettext(N_("Results"))))
    return steps


def position_rows(
    session: Session, actor: Actor, plan: PlacementPlan, params: ListParams, caps: PlanCaps
) -> list[dict[str, Any]]:
    stmt = positions.positions_query(actor=actor, plan=plan, params=params)
    rows = []
    for position in session.scalars(stmt.limit(500)):
        cap = caps.positions.get(position.id)
        rows.append(
            {
                "position": position,
                "cap": cap,
                "explanation": positions.explain(cap, host=False) if cap else "",
            }
        )
    return rows


@router.get("/placement-plans/{plan_id}", response_class=HTMLResponse)
def plan_detail(
    plan_id: int, request: Request, session: DbSession, actor: Reader, params: ListQuery
) -> Response:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    caps = plan_caps(session, plan)
    rows = position_rows(session, actor, plan, params, caps)
    names = {r["position"].partnership_id: r["position"].partnership.enterprise.name for r in rows}
    hosts = [
        (names[host_id], cap, positions.explain(cap, host=True))
        for host_id, cap in sorted(caps.hosts.items())
        if host_id in names
    ]
    language = get_language()
    return render(
        request,
        "placement/plan_detail.html",
        {
            "plan": plan,
            "summary": plans.summary(session, plan),
            "todo": TODO.get(Phase(plan.phase), []),
            "rows": rows,
            "hosts": hosts,
            "params": params,
            "steps": next_steps(actor, plan),
            "can_manage": scope.can_manage_plan(actor, plan),
            "can_add": positions.may_add(actor, plan),
            "moves": plans.allowed_moves(plan.phase),
            "is_staff": scope.is_staff(actor),
            "majors": [m.name(language) for m in plan.majors],
            "classes": [c.name for c in plan.classes],
            **choices(),
        },
    )


# --- edit ----------------------------------------------------------------------------------------


def plan_values(plan: PlacementPlan) -> dict[str, Any]:
    values: dict[str, Any] = {name: plain(getattr(plan, name)) for name in plans.PLAN_FIELDS}
    values["major_ids"] = [str(m.id) for m in plan.majors]
    values["class_ids"] = [str(c.id) for c in plan.classes]
    return values | {"version": plan.version}


@router.get("/placement-plans/{plan_id}/edit", response_class=HTMLResponse)
def plan_edit(plan_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    plans.require_manage(actor, plan)
    return _form(request, session, actor, plan, plan_values(plan), {})


@router.post("/placement-plans/{plan_id}/edit", response_class=HTMLResponse)
async def plan_update(
    plan_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    values, payload = await _posted(request)
    try:
        payload.pop("college_id", None)
        full = validate(PlanCreate, payload)
        data = validate(
            PlanUpdate,
            {**full.model_dump(exclude={"college_id"}), "version": form_version(values)},
        )
        plans.update_plan(session, actor=actor, plan=plan, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, FORM_FIELDS)
        return _form(request, session, actor, plan, values, errors, error.status_code)
    flash(request, N_("Placement plan %(name)s saved."), name=plan.name)
    return see_other(url_of(plan))


# --- phase ---------------------------------------------------------------------------------------


def _phase_page(
    request: Request, plan: PlacementPlan, error: str = "", status_code: int = 200
) -> Response:
    return render(
        request,
        "placement/plan_phase.html",
        {"plan": plan, "moves": plans.allowed_moves(plan.phase), "error": error, **choices()},
        status_code=status_code,
    )


@router.get("/placement-plans/{plan_id}/phase", response_class=HTMLResponse)
def plan_phase_confirm(
    plan_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    plans.require_manage(actor, plan)
    return _phase_page(request, plan)


@router.post("/placement-plans/{plan_id}/phase", response_class=HTMLResponse)
async def plan_phase_move(
    plan_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    values = await read_form(request)
    target = values.get("phase", "")
    try:
        if target not in set(Phase):
            plans.require_manage(actor, plan)
            return _phase_page(request, plan, gettext(N_("Choose the phase to move to.")), 422)
        notified = plans.move_phase(
            session,
            actor=actor,
            plan=plan,
            phase=Phase(target),
            settings=request.app.state.settings,
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return _phase_page(request, plan, error.localised(), error.status_code)
    flash(
        request,
        N_("The plan is now in phase %(phase)s; %(count)s people were told."),
        phase=gettext(PHASE_LABELS[Phase(target)]),
        count=notified,
    )
    return see_other(url_of(plan))


# --- delete --------------------------------------------------------------------------------------


def _confirm(
    request: Request, session: Session, plan: PlacementPlan, status_code: int = 200
) -> Response:
    refusal = plans.delete_refusal(plan, plans.position_count(session, plan))
    return render(
        request,
        "placement/plan_delete.html",
        {"plan": plan, "refusal": refusal.localised() if refusal else ""},
        status_code=status_code,
    )


@router.get("/placement-plans/{plan_id}/delete", response_class=HTMLResponse)
def plan_confirm_delete(
    plan_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    plans.require_manage(actor, plan)
    return _confirm(request, session, plan)


@router.post("/placement-plans/{plan_id}/delete", response_class=HTMLResponse)
def plan_delete(plan_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    name = plan.name
    try:
        plans.delete_plan(session, actor=actor, plan=plan)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return _confirm(request, session, plan, error.status_code)
    flash(request, N_("Placement plan %(name)s deleted."), name=name)
    return see_other("/placement-plans")
