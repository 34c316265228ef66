"""Pages for students. A full ID number never appears on a page, in a link or in a form echoed
back; only a deliberate, audited reveal shows it, once, on a page that is not cached.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.forms import errors_by_field, form_version, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.web import flash, is_htmx, render
from tandem.people import repository, service
from tandem.people.models import Student, StudentStatus
from tandem.people.schemas import StudentCreate, StudentRead, StudentUpdate, local_today
from tandem.people.view_common import (
    LABELS,
    IdRevealer,
    StudentManager,
    StudentReader,
    class_options,
    major_options,
    see_other,
    student_filters,
    without,
)

router = APIRouter()
STUDENT_INPUTS = (
    "student_number",
    "name",
    "gender",
    "birth_date",
    "class_id",
    "phone",
    "status",
    "guardian_name",
    "guardian_phone",
)


def _values(student: Student) -> dict[str, Any]:
    return {k: getattr(student, k) for k in STUDENT_INPUTS} | {"version": student.version}


def _redirect(request: Request, url: str) -> Response:
    """Go to ``url``; htmx requests get a full navigation rather than a swapped fragment."""
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return see_other(url)


@router.get("/students", response_class=HTMLResponse)
def student_list(
    request: Request,
    session: DbSession,
    actor: StudentReader,
    params: ListQuery,
    class_id: str = "",
    major_id: str = "",
    status: str = "",
    cohort: str = "",
    id_hash: str = "",
) -> Response:
    if actor.role == Role.STUDENT and actor.student_id is not None:
        return see_other(f"/students/{actor.student_id}")
    if params.q:
        digest = repository.id_lookup_hash(params.q)
        if digest is not None:
            # Searching by ID number: never render a page whose links would repeat the number.
            found = repository.list_students(
                session, actor=actor, params=params.model_copy(update={"q": ""}), id_hash=digest
            )
            if found.total == 1:
                return _redirect(request, f"/students/{found.items[0].id}")
            return _redirect(request, f"/students?id_hash={digest}")
    filters = student_filters(class_id, major_id, status, cohort, id_hash)
    page = repository.list_students(session, actor=actor, params=params, **filters)
    today = local_today()
    context = {
        "page": page,
        "rows": [StudentRead.of(s, today=today) for s in page.items],
        "params": params,
        "classes": class_options(session, actor),
        "majors": major_options(session, actor),
        "class_id": class_id,
        "major_id": major_id,
        "status": status,
        "cohort": cohort,
        "id_search": filters["id_hash"] is not None,
        **LABELS,
    }
    return render(request, "people/student_list.html", context, block="results")


def _form(
    request: Request,
    session: DbSession,
    actor: Actor,
    student: Student | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    classes = class_options(
        session,
        actor,
        student.college_id if student else None,
        keep=student.school_class if student else None,
    )
    return render(
        request,
        "people/student_form.html",
        {
            "student": student,
            # The ID number typed is never sent back: it would sit in the page's HTML.
            "values": without(values, "id_number"),
            "id_entered": bool(values.get("id_number")) and bool(errors),
            "errors": errors,
            "classes": classes,
            **LABELS,
        },
        status_code=status_code,
    )


@router.get("/students/new", response_class=HTMLResponse)
def student_new(
    request: Request, session: DbSession, actor: StudentManager, class_id: str = ""
) -> Response:
    values = {"class_id": class_id, "status": StudentStatus.ENROLLED.value}
    return _form(request, session, actor, None, values, {})


@router.post("/students/new", response_class=HTMLResponse)
async def student_create(request: Request, session: DbSession, actor: StudentManager) -> Response:
    values = await read_form(request)
    try:
        student = service.create_student(session, actor=actor, data=validate(StudentCreate, values))
    except AppError as error:
        session.rollback()
        return _form(
            request, session, actor, None, values, errors_by_field(error), error.status_code
        )
    flash(request, N_("Student %(number)s added."), number=student.student_number)
    return see_other(f"/students/{student.id}")


def _detail(
    request: Request,
    student: Student,
    revealed: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    response = render(
        request,
        "people/student_detail.html",
        {
            "student": student,
            "view": StudentRead.of(student),
            "revealed": revealed,
            "reveal_error": error,
            **LABELS,
        },
        status_code=status_code,
    )
    if revealed is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/students/{student_id}", response_class=HTMLResponse)
def student_detail(
    student_id: int, request: Request, session: DbSession, actor: StudentReader
) -> Response:
    return _detail(request, repository.get_student(session, actor=actor, student_id=student_id))


@router.post("/students/{student_id}/reveal-id", response_class=HTMLResponse)
def student_reveal_id(
    student_id: int, request: Request, session: DbSession, actor: IdRevealer
) -> Response:
    """Show the full ID number once, on this response only (not in a flash or a redirect)."""
    student = repository.get_student(session, actor=actor, student_id=student_id)
    try:
        number = service.reveal_id_number(session, actor=actor, student=student)
    except AppError as error:
        return _detail(request, student, error=error.localised(), status_code=error.status_code)
    return _detail(request, student, revealed=number)


@router.get("/students/{student_id}/edit", response_class=HTMLResponse)
def student_edit(
    student_id: int, request: Request, session: DbSession, actor: StudentManager
) -> Response:
    student = repository.get_student(session, actor=actor, student_id=student_id)
    return _form(request, session, actor, student, _values(student), {})


@router.post("/students/{student_id}/edit", response_class=HTMLResponse)
async def student_update(
    student_id: int, request: Request, session: DbSession, actor: StudentManager
) -> Response:
    student = repository.get_student(session, actor=actor, student_id=student_id)
    values = await read_form(request)
    try:
        # Every field but the ID number is on the page: check it as a whole record first.
        # A blank ID number keeps the recorded one.
        checked = validate(StudentCreate, without(values, "version"))
        fields = checked.model_dump(exclude={"id_number"})
        if checked.id_number is not None:
            fields["id_number"] = checked.id_number
        data = StudentUpdate(**fields, version=form_version(values))
        service.update_student(session, actor=actor, student=student, data=data)
    except AppError as error:
        session.rollback()
        return _form(
            request, session, actor, student, values, errors_by_field(error), error.status_code
        )
    flash(request, N_("Changes to %(number)s saved."), number=student.student_number)
    return see_other(f"/students/{student.id}")
