"""Placement pages: the list (the office: every placement with its compliance status, filters,
search, pages and the Excel export; a host contact: the interns at their enterprise), a
self-found placement (the office for any student, a student for themself), the placement
itself, a mentor's students with what needs attention first, and a student's own placements.

The changes (edit, approve, reject, status moves, overrides, check) are in
:mod:`tandem.placement.views_placement_actions`, included here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College
from tandem.kit import export
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.export import Field, field
from tandem.kit.i18n import N_, get_language
from tandem.kit.pagination import ListParams
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.pages import see_other
from tandem.people.models import Student
from tandem.placement import placement_options, placements, scope, views_placement_actions
from tandem.placement.api_placements import Reader
from tandem.placement.gate_records import load_context
from tandem.placement.kinds import PlacementSource, PlacementStatus
from tandem.placement.models import Placement
from tandem.placement.placement_pages import (
    FORM_FIELDS,
    choices,
    compliance_state,
    detail,
    posted,
    url_of,
)
from tandem.placement.recheck import INSURANCE_NOTICE_DAYS, cover_ends
from tandem.placement.schemas_placements import PlacementCreate
from tandem.resource.venue_base_pages import form_errors, label

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
MAX_MINE = 200


# --- the list ------------------------------------------------------------------------------------


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def placement_filter(
    status: str = "",
    plan_id: str = "",
    partnership_id: str = "",
    compliance: str = "",
    mine: str = "",
    source: str = "",
    pending: str = "",
) -> placements.PlacementFilter:
    """The list's filters (page and export); values that mean nothing are ignored."""
    return placements.PlacementFilter(
        status=status if status in set(PlacementStatus) else "",
        plan_id=_id(plan_id),
        partnership_id=_id(partnership_id),
        compliance=compliance if compliance in placements.COMPLIANCE_FILTERS else "",
        mine=mine in ("1", "yes", "on", "true"),
        source=source if source in set(PlacementSource) else "",
        pending=pending in ("1", "yes", "on", "true"),
    )


ListFilter = Annotated[placements.PlacementFilter, Depends(placement_filter)]


def _shown(filters: placements.PlacementFilter) -> dict[str, str]:
    return {
        "status": filters.status,
        "plan_id": "" if filters.plan_id is None else str(filters.plan_id),
        "partnership_id": "" if filters.partnership_id is None else str(filters.partnership_id),
        "compliance": filters.compliance,
        "mine": "1" if filters.mine else "",
        "source": filters.source,
        "pending": "1" if filters.pending else "",
    }


@router.get("/placements", response_class=HTMLResponse)
def placement_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    filters: ListFilter,
) -> Response:
    page = placements.list_placements(session, actor=actor, params=params, filters=filters)
    staff = scope.is_staff(actor)
    college = actor.college_id
    return render(
        request,
        "placement/placement_list.html",
        {
            "page": page,
            "params": params,
            "filters": _shown(filters),
            "staff": staff,
            "host_view": actor.role == Role.ENTERPRISE_CONTACT,
            "is_teacher": actor.teacher_id is not None,
            "plans": placement_options.plan_options(session, actor, college) if staff else [],
            "hosts": placement_options.host_options(session, college) if staff else [],
            "can_create": placements.may_propose(actor) and actor.role != Role.STUDENT,
            "counts": placement_options.counts_by_status(session, actor=actor),
            "college_names": _college_names(session, {p.college_id for p in page.items}),
            **choices(),
        },
        block="results",
    )


def _college_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    language = get_language()
    stmt = select(College).where(College.id.in_(sorted(ids)))
    return {c.id: c.name(language) for c in session.scalars(stmt)}


def _fields() -> Sequence[Field[Any]]:
    def mentor(p: Placement) -> str | None:
        return p.school_mentor.name if p.school_mentor else None

    def blocking(p: Placement) -> int | None:
        return (p.compliance or {}).get("blocking") if p.checked_at else None

    def warnings(p: Placement) -> int | None:
        return (p.compliance or {}).get("open_warnings") if p.checked_at else None

    labels = choices()
    return [
        field("student_number", "学号", "Student number", lambda p: p.student.student_number),
        field("student", "学生", "Student", lambda p: p.student.name),
        field("host", "实习单位", "Host", lambda p: p.partnership.enterprise.name),
        field("title", "岗位", "Post", lambda p: export.text(p.title)),
        field("plan", "实习计划", "Plan", lambda p: p.plan.name if p.plan else None),
        field("start_on", "开始日期", "Start", lambda p: p.start_on),
        field("end_on", "结束日期", "End", lambda p: p.end_on),
        field("status", "状态", "Status", lambda p: labels["status_label"](p.status)),
        field(
            "compliance",
            "合规状态",
            "Compliance",
            lambda p: labels["compliance_label"](compliance_state(p)),
        ),
        field("blocking", "阻止项", "Blocking items", blocking),
        field("open_warnings", "未处理警告", "Open warnings", warnings),
        field("monthly_pay", "月报酬（元）", "Monthly pay (CNY)", lambda p: p.monthly_pay),
        field("school_mentor", "校内导师", "School mentor", mentor),
        field(
            "enterprise_mentor",
            "企业导师",
            "Enterprise mentor",
            lambda p: export.text(p.enterprise_mentor_name),
        ),
        field("source", "来源", "Source", lambda p: labels["source_label"](p.source)),
        field(
            "approved",
            "已审批",
            "Approved",
            lambda p: export.yes_no(p.source != "self_found" or p.approved_at is not None),
        ),
        field(
            "ended_reason", "提前结束原因", "Ended early because", lambda p: p.ended_reason or None
        ),
    ]


@router.get("/placements/export.xlsx")
def placement_export(
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    filters: ListFilter,
) -> Response:
    stmt = placements.placements_query(actor=actor, params=params, filters=filters)
    return export.audited_xlsx_response(
        request, session, actor, _fields(), stmt, stem="placements", title=N_("Placements")
    )


# --- a self-found placement ----------------------------------------------------------------------


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    placement: Placement | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    student_id = actor.student_id if actor.role == Role.STUDENT else None
    college = placement.college_id if placement else actor.college_id
    if student_id is not None and college is None:
        college = session.get_one(Student, student_id).college_id
    office = actor.role != Role.STUDENT
    return render(
        request,
        "placement/placement_form.html",
        {
            "placement": placement,
            "values": values,
            "errors": errors,
            "office": office,
            "students": placement_options.student_options(session, college)
            if office and not placement
            else [],
            "hosts": placement_options.host_options(session, college) if not placement else [],
            "plans": placement_options.plan_options(session, actor, college)
            if not placement
            else [],
            "mentors": placement_options.mentor_options(session, college) if office else [],
            "terms_fixed": placement is not None and placement.status == PlacementStatus.ACTIVE,
            **choices(),
        },
        status_code=status_code,
    )


def _require_propose(actor: Actor) -> None:
    if not placements.may_propose(actor):
        from tandem.kit.errors import PermissionDenied

        raise PermissionDenied()


@router.get("/placements/new", response_class=HTMLResponse)
def placement_new(request: Request, session: DbSession, actor: Reader) -> Response:
    _require_propose(actor)
    values: dict[str, Any] = {"kind": "post", "pay_cycle_days": "30", "paid_in_money": True}
    return _form(request, session, actor, None, values, {})


@router.post("/placements/new", response_class=HTMLResponse)
async def placement_create(request: Request, session: DbSession, actor: Reader) -> Response:
    _require_propose(actor)
    values, payload = await posted(request)
    if actor.role == Role.STUDENT:
        payload.pop("student_id", None)
        payload.pop("school_mentor_id", None)
        payload.pop("note", None)
    try:
        from tandem.kit.forms import validate

        data = validate(PlacementCreate, payload)
        placement = placements.create_placement(session, actor=actor, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, FORM_FIELDS)
        return _form(request, session, actor, None, values, errors, error.status_code)
    flash(
        request,
        N_("Placement at %(host)s recorded: it waits for the cooperation office's approval."),
        host=placement.partnership.enterprise.name,
    )
    return see_other(url_of(placement))


# --- one placement -------------------------------------------------------------------------------


@router.get("/placements/{placement_id}", response_class=HTMLResponse)
def placement_detail(
    placement_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    placement = placements.get_placement(session, actor=actor, placement_id=placement_id)
    return detail(request, session, actor, placement)


router.include_router(views_placement_actions.router)


# --- a mentor's students -------------------------------------------------------------------------


def attention(session: Session, items: Sequence[Placement], today: date) -> dict[int, list[str]]:
    """What needs a mentor's attention, per placement (untranslated reasons)."""
    context = load_context(session, [p for p in items if p.status == PlacementStatus.ACTIVE])
    found: dict[int, list[str]] = {}
    for p in items:
        reasons: list[str] = []
        state = compliance_state(p)
        if p.status in (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY):
            found[p.id] = reasons
            continue
        if state == "blocked":
            reasons.append(N_("Blocked by the compliance check"))
        elif state == "needs_override":
            reasons.append(N_("A warning is not overridden"))
        if p.status == PlacementStatus.ACTIVE:
            ends = cover_ends(context.insurance.get(p.id, []), today)
            if (
                ends is not None
                and ends < p.end_on
                and ends - today <= timedelta(days=INSURANCE_NOTICE_DAYS)
            ):
                reasons.append(N_("Insurance ends within 14 days"))
        if p.status in (PlacementStatus.DRAFT, PlacementStatus.READY) and p.start_on <= today:
            reasons.append(N_("Not started although the start date has passed"))
        found[p.id] = reasons
    return found


@router.get("/my-students", response_class=HTMLResponse)
def my_students(request: Request, session: DbSession, actor: Reader) -> Response:
    items: list[Placement] = []
    if actor.teacher_id is not None:
        params = ListParams(per_page=MAX_MINE, sort="start_on")
        found = placements.list_placements(
            session, actor=actor, params=params, filters=placements.PlacementFilter(mine=True)
        )
        items = list(found.items)
    today = local_today()
    reasons = attention(session, items, today)
    closed = (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY)
    items.sort(key=lambda p: (p.status in closed, -len(reasons[p.id]), p.start_on, p.id))
    return render(
        request,
        "placement/placement_mentor.html",
        {
            "items": items,
            "reasons": reasons,
            "bound": actor.teacher_id is not None,
            "needing": sum(1 for p in items if reasons[p.id]),
            **choices(),
        },
    )


# --- a student's own -----------------------------------------------------------------------------


@router.get("/my-placement", response_class=HTMLResponse)
def my_placement(request: Request, session: DbSession, actor: Reader) -> Response:
    items: list[Placement] = []
    sections: dict[int, Any] = {}
    if actor.role == Role.STUDENT and actor.student_id is not None:
        params = ListParams(per_page=50, sort="-start_on")
        items = list(placements.list_placements(session, actor=actor, params=params).items)
        try:
            from tandem.placement import tripartite
        except ImportError:  # pragma: no cover - the agreement module is another part's
            tripartite = None  # type: ignore[assignment]
        for p in items:
            if tripartite is not None:
                sections[p.id] = tripartite.section(session, actor=actor, placement=p)
    return render(
        request,
        "placement/placement_mine.html",
        {
            "items": items,
            "agreements": sections,
            "is_student": actor.role == Role.STUDENT and actor.student_id is not None,
            "can_propose": placements.may_propose(actor) and actor.role == Role.STUDENT,
            "language": get_language(),
            "kind_text": lambda v: label({}, v),
            **choices(),
        },
    )
