"""Pages for partnerships: list, start, edit, status changes (with a confirmation to end).

Notes are internal to the college: they are never rendered for an enterprise contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement.pages import partnership_agreements
from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.college.models import College, Department
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError, ValidationFailed
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.web import flash, render, verify_csrf
from tandem.needs.pages import needs_card
from tandem.partner import partnerships, repository
from tandem.partner.labels import status_label
from tandem.partner.models import Enterprise, Partnership, PartnershipStatus
from tandem.partner.pages import (
    choices,
    duplicate_of,
    form_errors,
    partnership_filter,
    see_other,
)
from tandem.partner.partnerships import INITIAL_STATUSES
from tandem.partner.schemas import PartnershipCreate, PartnershipUpdate, StatusChange
from tandem.people.models import Teacher, TeacherStatus

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.PARTNERSHIP_READ))]
Manager = Annotated[Actor, Depends(require(Permission.PARTNERSHIP_MANAGE))]

CREATE_FIELDS = (
    "college_id",
    "enterprise_id",
    "enterprise_uscc",
    "status",
    "department_id",
    "start_date",
    "account_manager_id",
    "tags",
    "notes",
)
EDIT_FIELDS = ("department_id", "start_date", "account_manager_id", "tags", "notes")
STATUS_FORM_FIELDS = ("status", "start_date", "reason")


def _url(partnership: Partnership) -> str:
    return f"/partnerships/{partnership.id}"


def _departments(session: Session, college_id: int | None) -> Sequence[Department]:
    stmt = select(Department).order_by(Department.college_id, Department.code)
    if college_id is not None:
        stmt = stmt.where(Department.college_id == college_id)
    return session.scalars(stmt).all()


def _teachers(session: Session, college_id: int | None) -> Sequence[Teacher]:
    stmt = (
        select(Teacher)
        .where(Teacher.status != TeacherStatus.LEFT)
        .order_by(Teacher.college_id, Teacher.name)
    )
    if college_id is not None:
        stmt = stmt.where(Teacher.college_id == college_id)
    return session.scalars(stmt).all()


def _options(session: Session, actor: Actor, college_id: int | None) -> dict[str, Any]:
    """Departments and teachers to choose from: the college's (all, for platform admins)."""
    scope = None if actor.is_platform_wide and college_id is None else college_id
    colleges = (
        session.scalars(select(College).order_by(College.code)).all()
        if actor.is_platform_wide
        else []
    )
    return {
        "departments": _departments(session, scope),
        "teachers": _teachers(session, scope),
        "colleges": colleges,
    }


# --- list ----------------------------------------------------------------------------------------


@router.get("/partnerships", response_class=HTMLResponse)
def partnership_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    status: str = "",
    department_id: str = "",
    tag: str = "",
) -> Response:
    filters = partnership_filter(status, department_id, tag)
    page = repository.list_partnerships(session, actor=actor, params=params, filters=filters)
    departments = _departments(session, actor.college_id) if actor.college_id else []
    colleges = repository.colleges_by_id(session, [p.college_id for p in page.items])
    return render(
        request,
        "partner/partnership_list.html",
        {
            "page": page,
            "params": params,
            "filters": {"status": filters.status, "department_id": department_id, "tag": tag},
            "departments": departments,
            "colleges": colleges,
            "can_manage": actor.can(Permission.PARTNERSHIP_MANAGE),
            **choices(),
        },
        block="results",
    )


# --- start a partnership -------------------------------------------------------------------------


def _create_form(
    request: Request,
    session: Session,
    actor: Actor,
    enterprise: Enterprise | None,
    values: dict[str, Any],
    errors: dict[str, str],
    duplicate: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    initial = [(s.value, status_label(s)) for s in INITIAL_STATUSES]
    return render(
        request,
        "partner/partnership_form.html",
        {
            "partnership": None,
            "enterprise": enterprise,
            "values": values,
            "errors": errors,
            "duplicate": duplicate,
            "initial_status_options": initial,
            **_options(session, actor, actor.college_id),
            **choices(),
        },
        status_code=status_code,
    )


@router.get("/partnerships/new", response_class=HTMLResponse)
def partnership_new(
    request: Request, session: DbSession, actor: Manager, enterprise_id: int | None = None
) -> Response:
    enterprise = session.get(Enterprise, enterprise_id) if enterprise_id else None
    values: dict[str, Any] = {"status": PartnershipStatus.PROSPECT.value}
    if actor.department_id:
        values["department_id"] = actor.department_id
    return _create_form(request, session, actor, enterprise, values, {})


@router.post("/partnerships/new", response_class=HTMLResponse)
async def partnership_create(request: Request, session: DbSession, actor: Manager) -> Response:
    values = await read_form(request)
    enterprise_id = values.get("enterprise_id", "")
    enterprise = session.get(Enterprise, int(enterprise_id)) if enterprise_id.isdigit() else None
    try:
        if enterprise is None:
            enterprise = _by_uscc(session, values.get("enterprise_uscc", ""))
        payload = {k: v for k, v in values.items() if k in CREATE_FIELDS and k != "enterprise_uscc"}
        data = validate(PartnershipCreate, {**payload, "enterprise_id": enterprise.id})
        partnership = partnerships.create_partnership(session, actor=actor, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, shown=CREATE_FIELDS)
        if "enterprise_id" in errors and "enterprise_id" not in values:
            errors["enterprise_uscc"] = errors.pop("enterprise_id")
        fixed = enterprise if "enterprise_id" in values else None
        return _create_form(
            request,
            session,
            actor,
            fixed,
            values,
            errors,
            duplicate_of(error),
            error.status_code,
        )
    flash(request, N_("Partnership with %(name)s started."), name=partnership.enterprise.name)
    return see_other(_url(partnership))


def _by_uscc(session: Session, uscc: str) -> Enterprise:
    enterprise = repository.find_enterprise_by_uscc(session, uscc) if uscc else None
    if enterprise is None:
        raise ValidationFailed.single(
            "enterprise_uscc",
            "unknown_record",
            N_("No enterprise with this code is registered yet: register it first."),
        )
    return enterprise


# --- detail, edit and status ---------------------------------------------------------------------


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    partnership: Partnership,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    manage = actor.can(Permission.PARTNERSHIP_MANAGE) and partnerships.can_manage(
        actor, partnership
    )
    return render(
        request,
        "partner/partnership_detail.html",
        {
            "partnership": partnership,
            "enterprise": partnership.enterprise,
            "college": session.get(College, partnership.college_id),
            "show_notes": partnerships.can_see_notes(actor, partnership),
            "can_manage": manage,
            "next_statuses": partnerships.allowed_next(partnership.status) if manage else (),
            "timeline": repository.status_timeline(session, partnership=partnership),
            "values": values or {},
            "errors": errors or {},
            **choices(),
            **partnership_agreements(session, actor, partnership),
            **needs_card(session, actor, partnership),
        },
        status_code=status_code,
    )


@router.get("/partnerships/{partnership_id}", response_class=HTMLResponse)
def partnership_detail(
    partnership_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    return _detail(request, session, actor, partnership)


def _edit_form(
    request: Request,
    session: Session,
    actor: Actor,
    partnership: Partnership,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "partner/partnership_form.html",
        {
            "partnership": partnership,
            "enterprise": partnership.enterprise,
            "values": values,
            "errors": errors,
            "duplicate": None,
            **_options(session, actor, partnership.college_id),
            **choices(),
        },
        status_code=status_code,
    )


@router.get("/partnerships/{partnership_id}/edit", response_class=HTMLResponse)
def partnership_edit(
    partnership_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    values = {
        "department_id": partnership.department_id or "",
        "start_date": partnership.start_date.isoformat() if partnership.start_date else "",
        "account_manager_id": partnership.account_manager_id or "",
        "tags": ", ".join(partnership.tags or []),
        "notes": partnership.notes,
        "version": partnership.version,
    }
    return _edit_form(request, session, actor, partnership, values, {})


@router.post("/partnerships/{partnership_id}/edit", response_class=HTMLResponse)
async def partnership_update(
    partnership_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    values = await read_form(request)
    try:
        # Every field is shown: a blank one is cleared.
        data = validate(
            PartnershipUpdate,
            {
                "department_id": values.get("department_id") or None,
                "start_date": values.get("start_date") or None,
                "account_manager_id": values.get("account_manager_id") or None,
                "tags": values.get("tags", ""),
                "notes": values.get("notes", ""),
            },
        )
        data.version = form_version(values)
        partnerships.update_partnership(session, actor=actor, partnership=partnership, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, shown=EDIT_FIELDS)
        return _edit_form(request, session, actor, partnership, values, errors, error.status_code)
    flash(request, N_("Partnership with %(name)s saved."), name=partnership.enterprise.name)
    return see_other(_url(partnership))


async def _change_status(
    request: Request, session: Session, actor: Actor, partnership_id: int, *, template: str
) -> Response:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    values = await read_form(request)
    if template == "end":
        values["status"] = PartnershipStatus.ENDED.value
    try:
        data = validate(StatusChange, {k: v for k, v in values.items() if k in STATUS_FORM_FIELDS})
        data.version = form_version(values)
        partnerships.change_status(session, actor=actor, partnership=partnership, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        # The status is a button, not a field: its message goes to the top of the page.
        errors = form_errors(error, shown=("reason",) if template == "end" else ("start_date",))
        if template == "end":
            return _end_page(request, partnership, values, errors, error.status_code)
        return _detail(
            request,
            session,
            actor,
            partnership,
            values=values,
            errors=errors,
            status_code=error.status_code,
        )
    flash(
        request,
        N_("The partnership with %(name)s is now %(status)s."),
        name=partnership.enterprise.name,
        status=status_label(partnership.status),
    )
    return see_other(_url(partnership))


@router.post("/partnerships/{partnership_id}/status", response_class=HTMLResponse)
async def partnership_status(
    partnership_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    return await _change_status(request, session, actor, partnership_id, template="detail")


def _end_page(
    request: Request,
    partnership: Partnership,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "partner/partnership_end.html",
        {
            "partnership": partnership,
            "enterprise": partnership.enterprise,
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


@router.get("/partnerships/{partnership_id}/end", response_class=HTMLResponse)
def partnership_confirm_end(
    partnership_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    values = {"status": PartnershipStatus.ENDED.value, "version": partnership.version}
    return _end_page(request, partnership, values, {})


@router.post("/partnerships/{partnership_id}/end", response_class=HTMLResponse)
async def partnership_end(
    partnership_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    return await _change_status(request, session, actor, partnership_id, template="end")
