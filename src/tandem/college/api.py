"""JSON API for colleges and departments under /api/v1."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.college import repository, service
from tandem.college.schemas import (
    CollegeCreate,
    CollegeRead,
    CollegeUpdate,
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
)
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.pagination import PageMeta, page_meta

router = APIRouter(prefix="/api/v1/colleges", tags=["colleges"])

Reader = Annotated[Actor, Depends(require(Permission.COLLEGE_READ))]
Creator = Annotated[Actor, Depends(require(Permission.COLLEGE_CREATE))]
Editor = Annotated[Actor, Depends(require(Permission.COLLEGE_UPDATE))]
DepartmentManager = Annotated[Actor, Depends(require(Permission.DEPARTMENT_MANAGE))]


class CollegeList(BaseModel):
    items: list[CollegeRead]
    meta: PageMeta


class DepartmentList(BaseModel):
    items: list[DepartmentRead]
    meta: PageMeta


@router.get("", response_model=CollegeList, summary="List colleges")
def list_colleges(session: DbSession, actor: Reader, params: ListQuery) -> CollegeList:
    page = repository.list_colleges(session, actor=actor, params=params)
    return CollegeList(
        items=[CollegeRead.model_validate(c) for c in page.items], meta=page_meta(page)
    )


@router.post(
    "",
    response_model=CollegeRead,
    status_code=status.HTTP_201_CREATED,
    summary="Register a college",
)
def create_college(
    data: CollegeCreate, session: DbSession, actor: Creator, response: Response
) -> CollegeRead:
    college = service.create_college(session, actor=actor, data=data)
    response.headers["Location"] = f"/api/v1/colleges/{college.id}"
    return CollegeRead.model_validate(college)


@router.get("/{college_id}", response_model=CollegeRead, summary="One college")
def get_college(college_id: int, session: DbSession, actor: Reader) -> CollegeRead:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    return CollegeRead.model_validate(college)


@router.patch("/{college_id}", response_model=CollegeRead, summary="Change a college")
def update_college(
    college_id: int, data: CollegeUpdate, session: DbSession, actor: Editor
) -> CollegeRead:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    college = service.update_college(session, actor=actor, college=college, data=data)
    return CollegeRead.model_validate(college)


@router.get(
    "/{college_id}/departments",
    response_model=DepartmentList,
    summary="List a college's departments",
)
def list_departments(
    college_id: int, session: DbSession, actor: Reader, params: ListQuery
) -> DepartmentList:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    page = repository.list_departments(session, actor=actor, college=college, params=params)
    return DepartmentList(
        items=[DepartmentRead.model_validate(d) for d in page.items], meta=page_meta(page)
    )


@router.post(
    "/{college_id}/departments",
    response_model=DepartmentRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add a department",
)
def create_department(
    college_id: int,
    data: DepartmentCreate,
    session: DbSession,
    actor: DepartmentManager,
    response: Response,
) -> DepartmentRead:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    department = service.create_department(session, actor=actor, college=college, data=data)
    response.headers["Location"] = f"/api/v1/colleges/{college.id}/departments/{department.id}"
    return DepartmentRead.model_validate(department)


@router.get(
    "/{college_id}/departments/{department_id}",
    response_model=DepartmentRead,
    summary="One department",
)
def get_department(
    college_id: int, department_id: int, session: DbSession, actor: Reader
) -> DepartmentRead:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    department = repository.get_department(
        session, actor=actor, college=college, department_id=department_id
    )
    return DepartmentRead.model_validate(department)


@router.patch(
    "/{college_id}/departments/{department_id}",
    response_model=DepartmentRead,
    summary="Change a department",
)
def update_department(
    college_id: int,
    department_id: int,
    data: DepartmentUpdate,
    session: DbSession,
    actor: DepartmentManager,
) -> DepartmentRead:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    department = repository.get_department(
        session, actor=actor, college=college, department_id=department_id
    )
    department = service.update_department(session, actor=actor, department=department, data=data)
    return DepartmentRead.model_validate(department)


@router.delete(
    "/{college_id}/departments/{department_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an unused department",
)
def delete_department(
    college_id: int, department_id: int, session: DbSession, actor: DepartmentManager
) -> Response:
    college = repository.get_college(session, actor=actor, college_id=college_id)
    department = repository.get_department(
        session, actor=actor, college=college, department_id=department_id
    )
    service.delete_department(session, actor=actor, department=department)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
