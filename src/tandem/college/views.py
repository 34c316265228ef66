"""Pages for colleges and departments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.college import repository, service
from tandem.college.models import College, Department
from tandem.college.schemas import (
    CollegeCreate,
    CollegeUpdate,
    DepartmentCreate,
    DepartmentUpdate,
)
from tandem.kit import export
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.export import field, local_time
from tandem.kit.forms import errors_by_field, form_version, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.web import flash, render, verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.COLLEGE_READ))]
Creator = Annotated[Actor, Depends(require(Permission.COLLEGE_CREATE))]
Editor = Annotated[Actor, Depends(require(Permission.COLLEGE_UPDATE))]
DepartmentManager = Annotated[Actor, Depends(require(Permission.DEPARTMENT_MANAGE))]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


COLLEGE_FIELDS = (
    field("code", "代码", "Code"),
    field("name_zh", "中文名称", "Name (Chinese)"),
    field("name_en", "英文名称", "Name (English)"),
    field("region_code", "行政区划代码", "Region code"),
    field("created_at", "登记时间", "Registered", lambda c: local_time(c.created_at)),
)
DEPARTMENT_FIELDS = COLLEGE_FIELDS[:3]


def _college_values(college: College) -> dict[str, Any]:
    return {k: getattr(college, k) for k in ("code", "name_zh", "name_en", "region_code")} | {
        "version": college.version
    }


def _department_values(department: Department) -> dict[str, Any]:
    return {k: getattr(department, k) for k in ("code", "name_zh", "name_en")} | {
        "version": department.version
    }


@router.get("/colleges", response_class=HTMLResponse)
def college_list(
    request: Request, session: DbSession, actor: Reader, params: ListQuery
) -> Response:
    page = repository.list_colleges(session, actor=actor, params=params)
    return render(request, "college/list.html", {"page": page, "params": params}, block="results")


@router.get("/colleges/export.xlsx")
def college_export(session: DbSession, actor: Reader, params: ListQuery) -> Response:
    stmt = repository.colleges_query(actor=actor, params=params)
    rows = export.stream(session, stmt)
    return export.xlsx_response(COLLEGE_FIELDS, rows, stem="colleges", title=N_("Colleges"))


@router.get("/colleges/{college_id}/departments/export.xlsx")
def department_export(
    college_id: int, session: DbSession, actor: Reader, params: ListQuery
) -> Response:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    rows = export.stream(session, repository.departments_query(college=college, params=params))
    return export.xlsx_response(
        DEPARTMENT_FIELDS, rows, stem=f"departments-{college.code}", title=N_("Departments")
    )


@router.get("/colleges/new", response_class=HTMLResponse)
def college_new(request: Request, actor: Creator) -> Response:
    return render(request, "college/form.html", {"values": {}, "errors": {}, "college": None})


@router.post("/colleges/new", response_class=HTMLResponse)
async def college_create(request: Request, session: DbSession, actor: Creator) -> Response:
    values = await read_form(request)
    try:
        college = service.create_college(session, actor=actor, data=validate(CollegeCreate, values))
    except AppError as error:
        session.rollback()
        return render(
            request,
            "college/form.html",
            {"values": values, "errors": errors_by_field(error), "college": None},
            status_code=error.status_code,
        )
    flash(request, N_("College %(code)s registered."), code=college.code)
    return _see_other(f"/colleges/{college.id}")


@router.get("/colleges/{college_id}", response_class=HTMLResponse)
def college_detail(
    college_id: int,
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
) -> Response:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    departments = repository.list_departments(session, actor=actor, college=college, params=params)
    return render(
        request,
        "college/detail.html",
        {"college": college, "page": departments, "params": params},
        block="departments",
    )


@router.get("/colleges/{college_id}/edit", response_class=HTMLResponse)
def college_edit(college_id: int, request: Request, session: DbSession, actor: Editor) -> Response:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    return render(
        request,
        "college/form.html",
        {"values": _college_values(college), "errors": {}, "college": college},
    )


@router.post("/colleges/{college_id}/edit", response_class=HTMLResponse)
async def college_update(
    college_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    values = await read_form(request)
    try:
        # Every field is required on the page, so validate as a full record first.
        fields = {k: v for k, v in values.items() if k != "version"}
        checked = validate(CollegeCreate, {**fields, "code": college.code})
        data = CollegeUpdate(**checked.model_dump(exclude={"code"}), version=form_version(values))
        service.update_college(session, actor=actor, college=college, data=data)
    except AppError as error:
        session.rollback()
        return render(
            request,
            "college/form.html",
            {
                "values": values | {"code": college.code},
                "errors": errors_by_field(error),
                "college": college,
            },
            status_code=error.status_code,
        )
    flash(request, N_("Changes to %(code)s saved."), code=college.code)
    return _see_other(f"/colleges/{college.id}")


@router.get("/colleges/{college_id}/departments/new", response_class=HTMLResponse)
def department_new(
    college_id: int, request: Request, session: DbSession, actor: DepartmentManager
) -> Response:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    return render(
        request,
        "college/department_form.html",
        {"college": college, "department": None, "values": {}, "errors": {}},
    )


@router.post("/colleges/{college_id}/departments/new", response_class=HTMLResponse)
async def department_create(
    college_id: int, request: Request, session: DbSession, actor: DepartmentManager
) -> Response:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    values = await read_form(request)
    try:
        department = service.create_department(
            session, actor=actor, college=college, data=validate(DepartmentCreate, values)
        )
    except AppError as error:
        session.rollback()
        return render(
            request,
            "college/department_form.html",
            {
                "college": college,
                "department": None,
                "values": values,
                "errors": errors_by_field(error),
            },
            status_code=error.status_code,
        )
    flash(request, N_("Department %(code)s added."), code=department.code)
    return _see_other(f"/colleges/{college.id}")


def _load_department(
    session: DbSession, actor: Actor, college_id: int, department_id: int
) -> tuple[College, Department]:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    department = repository.get_department(
        session, actor=actor, college=college, department_id=department_id
    )
    return college, department


@router.get("/colleges/{college_id}/departments/{department_id}/edit", response_class=HTMLResponse)
def department_edit(
    college_id: int,
    department_id: int,
    request: Request,
    session: DbSession,
    actor: DepartmentManager,
) -> Response:
    college, department = _load_department(session, actor, college_id, department_id)
    return render(
        request,
        "college/department_form.html",
        {
            "college": college,
            "department": department,
            "values": _department_values(department),
            "errors": {},
        },
    )


@router.post("/colleges/{college_id}/departments/{department_id}/edit", response_class=HTMLResponse)
async def department_update(
    college_id: int,
    department_id: int,
    request: Request,
    session: DbSession,
    actor: DepartmentManager,
) -> Response:
    college, department = _load_department(session, actor, college_id, department_id)
    values = await read_form(request)
    try:
        fields = {k: v for k, v in values.items() if k != "version"}
        checked = validate(DepartmentCreate, {**fields, "code": department.code})
        data = DepartmentUpdate(
            **checked.model_dump(exclude={"code"}), version=form_version(values)
        )
        service.update_department(session, actor=actor, department=department, data=data)
    except AppError as error:
        session.rollback()
        return render(
            request,
            "college/department_form.html",
            {
                "college": college,
                "department": department,
                "values": values | {"code": department.code},
                "errors": errors_by_field(error),
            },
            status_code=error.status_code,
        )
    flash(request, N_("Changes to %(code)s saved."), code=department.code)
    return _see_other(f"/colleges/{college.id}")


@router.get(
    "/colleges/{college_id}/departments/{department_id}/delete", response_class=HTMLResponse
)
def department_confirm_delete(
    college_id: int,
    department_id: int,
    request: Request,
    session: DbSession,
    actor: DepartmentManager,
) -> Response:
    college, department = _load_department(session, actor, college_id, department_id)
    return render(
        request,
        "college/department_delete.html",
        {"college": college, "department": department, "errors": {}},
    )


@router.post(
    "/colleges/{college_id}/departments/{department_id}/delete", response_class=HTMLResponse
)
def department_delete(
    college_id: int,
    department_id: int,
    request: Request,
    session: DbSession,
    actor: DepartmentManager,
) -> Response:
    college, department = _load_department(session, actor, college_id, department_id)
    code = department.code
    try:
        service.delete_department(session, actor=actor, department=department)
    except AppError as error:
        session.rollback()
        return render(
            request,
            "college/department_delete.html",
            {"college": college, "department": department, "errors": errors_by_field(error)},
            status_code=error.status_code,
        )
    flash(request, N_("Department %(code)s deleted."), code=code)
    return _see_other(f"/colleges/{college.id}")
