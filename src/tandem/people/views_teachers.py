"""Pages for teachers: list, detail and forms (one who leaves gets the status "left")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tandem.auth.actor import Actor
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.forms import errors_by_field, form_version, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.web import flash, render
from tandem.people import repository, service
from tandem.people.models import Teacher, TeacherStatus
from tandem.people.schemas import TeacherCreate, TeacherUpdate
from tandem.people.view_common import (
    LABELS,
    TeacherManager,
    TeacherReader,
    department_options,
    see_other,
    teacher_filters,
    without,
)

router = APIRouter()
TEACHER_INPUTS = ("staff_number", "name", "department_id", "title", "subjects", "status")


def _values(teacher: Teacher) -> dict[str, Any]:
    values = {k: getattr(teacher, k) for k in TEACHER_INPUTS} | {"version": teacher.version}
    if teacher.double_qualified:
        values["double_qualified"] = "yes"
    return values


@router.get("/teachers", response_class=HTMLResponse)
def teacher_list(
    request: Request,
    session: DbSession,
    actor: TeacherReader,
    params: ListQuery,
    department_id: str = "",
    status: str = "",
) -> Response:
    page = repository.list_teachers(
        session, actor=actor, params=params, **teacher_filters(department_id, status)
    )
    context = {
        "page": page,
        "params": params,
        "departments": department_options(session, actor),
        "department_id": department_id,
        "status": status,
        **LABELS,
    }
    return render(request, "people/teacher_list.html", context, block="results")


def _form(
    request: Request,
    session: DbSession,
    actor: Actor,
    teacher: Teacher | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    departments = department_options(session, actor, teacher.college_id if teacher else None)
    return render(
        request,
        "people/teacher_form.html",
        {
            "teacher": teacher,
            "values": values,
            "errors": errors,
            "departments": departments,
            **LABELS,
        },
        status_code=status_code,
    )


@router.get("/teachers/new", response_class=HTMLResponse)
def teacher_new(
    request: Request, session: DbSession, actor: TeacherManager, department_id: str = ""
) -> Response:
    values = {"department_id": department_id, "status": TeacherStatus.ACTIVE.value}
    return _form(request, session, actor, None, values, {})


@router.post("/teachers/new", response_class=HTMLResponse)
async def teacher_create(request: Request, session: DbSession, actor: TeacherManager) -> Response:
    values = await read_form(request)
    try:
        teacher = service.create_teacher(session, actor=actor, data=validate(TeacherCreate, values))
    except AppError as error:
        session.rollback()
        return _form(
            request, session, actor, None, values, errors_by_field(error), error.status_code
        )
    flash(request, N_("Teacher %(number)s added."), number=teacher.staff_number)
    return see_other(f"/teachers/{teacher.id}")


@router.get("/teachers/{teacher_id}", response_class=HTMLResponse)
def teacher_detail(
    teacher_id: int, request: Request, session: DbSession, actor: TeacherReader
) -> Response:
    teacher = repository.get_teacher(session, actor=actor, teacher_id=teacher_id)
    return render(request, "people/teacher_detail.html", {"teacher": teacher, **LABELS})


@router.get("/teachers/{teacher_id}/edit", response_class=HTMLResponse)
def teacher_edit(
    teacher_id: int, request: Request, session: DbSession, actor: TeacherManager
) -> Response:
    teacher = repository.get_teacher(session, actor=actor, teacher_id=teacher_id)
    return _form(request, session, actor, teacher, _values(teacher), {})


@router.post("/teachers/{teacher_id}/edit", response_class=HTMLResponse)
async def teacher_update(
    teacher_id: int, request: Request, session: DbSession, actor: TeacherManager
) -> Response:
    teacher = repository.get_teacher(session, actor=actor, teacher_id=teacher_id)
    values = await read_form(request)
    try:
        # An unticked box is not posted: validating the whole form makes it "no".
        checked = validate(TeacherCreate, without(values, "version"))
        data = TeacherUpdate(**checked.model_dump(), version=form_version(values))
        service.update_teacher(session, actor=actor, teacher=teacher, data=data)
    except AppError as error:
        session.rollback()
        return _form(
            request, session, actor, teacher, values, errors_by_field(error), error.status_code
        )
    flash(request, N_("Changes to %(number)s saved."), number=teacher.staff_number)
    return see_other(f"/teachers/{teacher.id}")
