"""Pages for majors and classes: lists, details, forms and archiving with confirmation."""

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
from tandem.people.models import Major, SchoolClass
from tandem.people.schemas import (
    MajorCreate,
    MajorUpdate,
    SchoolClassCreate,
    SchoolClassUpdate,
    local_today,
    year_of_study,
)
from tandem.people.view_common import (
    StructureManager,
    StructureReader,
    class_filters,
    department_options,
    major_filters,
    major_options,
    see_other,
    without,
)

router = APIRouter()


def _major_values(major: Major) -> dict[str, Any]:
    return {k: getattr(major, k) for k in ("code", "name_zh", "name_en", "department_id")} | {
        "version": major.version
    }


def _class_values(school_class: SchoolClass) -> dict[str, Any]:
    return {k: getattr(school_class, k) for k in ("name", "major_id", "cohort_year")} | {
        "version": school_class.version
    }


# --- majors -------------------------------------------------------------------------------------


@router.get("/majors", response_class=HTMLResponse)
def major_list(
    request: Request,
    session: DbSession,
    actor: StructureReader,
    params: ListQuery,
    department_id: str = "",
    archived: str = "",
) -> Response:
    page = repository.list_majors(
        session, actor=actor, params=params, **major_filters(department_id, archived)
    )
    counts = repository.class_counts(session, [m.id for m in page.items])
    context = {
        "page": page,
        "params": params,
        "counts": counts,
        "departments": department_options(session, actor),
        "department_id": department_id,
        "archived": archived,
    }
    return render(request, "people/major_list.html", context, block="results")


def _major_form(
    request: Request,
    session: DbSession,
    actor: Actor,
    major: Major | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    departments = department_options(session, actor, major.college_id if major else None)
    return render(
        request,
        "people/major_form.html",
        {"major": major, "values": values, "errors": errors, "departments": departments},
        status_code=status_code,
    )


@router.get("/majors/new", response_class=HTMLResponse)
def major_new(
    request: Request, session: DbSession, actor: StructureManager, department_id: str = ""
) -> Response:
    return _major_form(request, session, actor, None, {"department_id": department_id}, {})


@router.post("/majors/new", response_class=HTMLResponse)
async def major_create(request: Request, session: DbSession, actor: StructureManager) -> Response:
    values = await read_form(request)
    try:
        major = service.create_major(session, actor=actor, data=validate(MajorCreate, values))
    except AppError as error:
        session.rollback()
        return _major_form(
            request, session, actor, None, values, errors_by_field(error), error.status_code
        )
    flash(request, N_("Major %(code)s added."), code=major.code)
    return see_other(f"/majors/{major.id}")


@router.get("/majors/{major_id}", response_class=HTMLResponse)
def major_detail(
    major_id: int, request: Request, session: DbSession, actor: StructureReader, params: ListQuery
) -> Response:
    major = repository.get_major(session, actor=actor, major_id=major_id)
    classes = repository.list_classes(
        session, actor=actor, params=params, major_id=major.id, include_archived=True
    )
    return render(
        request,
        "people/major_detail.html",
        {"major": major, "page": classes, "params": params},
        block="results",
    )


@router.get("/majors/{major_id}/edit", response_class=HTMLResponse)
def major_edit(
    major_id: int, request: Request, session: DbSession, actor: StructureManager
) -> Response:
    major = repository.get_major(session, actor=actor, major_id=major_id)
    return _major_form(request, session, actor, major, _major_values(major), {})


@router.post("/majors/{major_id}/edit", response_class=HTMLResponse)
async def major_update(
    major_id: int, request: Request, session: DbSession, actor: StructureManager
) -> Response:
    major = repository.get_major(session, actor=actor, major_id=major_id)
    values = await read_form(request)
    try:
        checked = validate(MajorCreate, {**without(values, "version"), "code": major.code})
        data = MajorUpdate(**checked.model_dump(exclude={"code"}), version=form_version(values))
        service.update_major(session, actor=actor, major=major, data=data)
    except AppError as error:
        session.rollback()
        return _major_form(
            request,
            session,
            actor,
            major,
            values | {"code": major.code},
            errors_by_field(error),
            error.status_code,
        )
    flash(request, N_("Changes to %(code)s saved."), code=major.code)
    return see_other(f"/majors/{major.id}")


@router.get("/majors/{major_id}/archive", response_class=HTMLResponse)
def major_confirm_archive(
    major_id: int, request: Request, session: DbSession, actor: StructureManager
) -> Response:
    major = repository.get_major(session, actor=actor, major_id=major_id)
    return render(request, "people/archive.html", {"major": major, "school_class": None})


@router.post("/majors/{major_id}/archive", response_class=HTMLResponse)
def major_archive(
    major_id: int, request: Request, session: DbSession, actor: StructureManager
) -> Response:
    major = repository.get_major(session, actor=actor, major_id=major_id)
    service.archive_major(session, actor=actor, major=major)
    flash(request, N_("Major %(code)s archived."), code=major.code)
    return see_other(f"/majors/{major.id}")


@router.post("/majors/{major_id}/restore", response_class=HTMLResponse)
def major_restore(
    major_id: int, request: Request, session: DbSession, actor: StructureManager
) -> Response:
    major = repository.get_major(session, actor=actor, major_id=major_id)
    service.restore_major(session, actor=actor, major=major)
    flash(request, N_("Major %(code)s restored."), code=major.code)
    return see_other(f"/majors/{major.id}")


# --- classes ------------------------------------------------------------------------------------


@router.get("/classes", response_class=HTMLResponse)
def class_list(
    request: Request,
    session: DbSession,
    actor: StructureReader,
    params: ListQuery,
    major_id: str = "",
    cohort: str = "",
    archived: str = "",
) -> Response:
    page = repository.list_classes(
        session, actor=actor, params=params, **class_filters(major_id, cohort, archived)
    )
    context = {
        "page": page,
        "params": params,
        "majors": major_options(session, actor),
        "major_id": major_id,
        "cohort": cohort,
        "archived": archived,
        "today": local_today(),
        "year_of_study": year_of_study,
    }
    return render(request, "people/class_list.html", context, block="results")


def _class_form(
    request: Request,
    session: DbSession,
    actor: Actor,
    school_class: SchoolClass | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    majors = major_options(
        session,
        actor,
        school_class.college_id if school_class else None,
        keep=school_class.major if school_class else None,
    )
    return render(
        request,
        "people/class_form.html",
        {"school_class": school_class, "values": values, "errors": errors, "majors": majors},
        status_code=status_code,
    )


@router.get("/classes/new", response_class=HTMLResponse)
def class_new(
    request: Request, session: DbSession, actor: StructureManager, major_id: str = ""
) -> Response:
    return _class_form(request, session, actor, None, {"major_id": major_id}, {})


@router.post("/classes/new", response_class=HTMLResponse)
async def class_create(request: Request, session: DbSession, actor: StructureManager) -> Response:
    values = await read_form(request)
    try:
        school_class = service.create_class(
            session, actor=actor, data=validate(SchoolClassCreate, values)
        )
    except AppError as error:
        session.rollback()
        return _class_form(
            request, session, actor, None, values, errors_by_field(error), error.status_code
        )
    flash(request, N_("Class %(name)s added."), name=school_class.name)
    return see_other(f"/classes/{school_class.id}")


@router.get("/classes/{class_id}", response_class=HTMLResponse)
def class_detail(
    class_id: int, request: Request, session: DbSession, actor: StructureReader
) -> Response:
    school_class = repository.get_class(session, actor=actor, class_id=class_id)
    return render(
        request,
        "people/class_detail.html",
        {
            "school_class": school_class,
            "students": repository.student_count(session, school_class.id),
            "year": year_of_study(school_class.cohort_year, local_today()),
        },
    )


@router.get("/classes/{class_id}/edit", response_class=HTMLResponse)
def class_edit(
    class_id: int, request: Request, session: DbSession, actor: StructureManager
) -> Response:
    school_class = repository.get_class(session, actor=actor, class_id=class_id)
    return _class_form(request, session, actor, school_class, _class_values(school_class), {})


@router.post("/classes/{class_id}/edit", response_class=HTMLResponse)
async def class_update(
    class_id: int, request: Request, session: DbSession, actor: StructureManager
) -> Response:
    school_class = repository.get_class(session, actor=actor, class_id=class_id)
    values = await read_form(request)
    try:
        checked = validate(SchoolClassCreate, without(values, "version"))
        data = SchoolClassUpdate(**checked.model_dump(), version=form_version(values))
        service.update_class(session, actor=actor, school_class=school_class, data=data)
    except AppError as error:
        session.rollback()
        return _class_form(
            request,
            session,
            actor,
            school_class,
            values,
            errors_by_field(error),
            error.status_code,
        )
    flash(request, N_("Changes to %(name)s saved."), name=school_class.name)
    return see_other(f"/classes/{school_class.id}")


@router.get("/classes/{class_id}/archive", response_class=HTMLResponse)
def class_confirm_archive(
    class_id: int, request: Request, session: DbSession, actor: StructureManager
) -> Response:
    school_class = repository.get_class(session, actor=actor, class_id=class_id)
    return render(request, "people/archive.html", {"major": None, "school_class": school_class})


@router.post("/classes/{class_id}/archive", response_class=HTMLResponse)
def class_archive(
    class_id: int, request: Request, session: DbSession, actor: StructureManager
) -> Response:
    school_class = repository.get_class(session, actor=actor, class_id=class_id)
    service.archive_class(session, actor=actor, school_class=school_class)
    flash(request, N_("Class %(name)s archived."), name=school_class.name)
    return see_other(f"/classes/{school_class.id}")


@router.post("/classes/{class_id}/restore", response_class=HTMLResponse)
def class_restore(
    class_id: int, request: Request, session: DbSession, actor: StructureManager
) -> Response:
    school_class = repository.get_class(session, actor=actor, class_id=class_id)
    try:
        service.restore_class(session, actor=actor, school_class=school_class)
    except AppError as error:
        session.rollback()
        flash(request, error.message, "error", **error.params)
        return see_other(f"/classes/{school_class.id}")
    flash(request, N_("Class %(name)s restored."), name=school_class.name)
    return see_other(f"/classes/{school_class.id}")
