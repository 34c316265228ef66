"""JSON API for the people registry under /api/v1.

A new record's college is its parent's (a major's department, a class's major, a student's class,
a teacher's department). Platform administrators may add ``?college_id=`` to make sure the parent
belongs to that college; college roles can only choose parents in their own college.
Archiving a major or class is a change: ``PATCH {"archived": true}`` (``false`` restores it).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.pagination import PageMeta, page_meta
from tandem.people import repository, service
from tandem.people.models import StudentStatus, TeacherStatus
from tandem.people.schemas import (
    MajorCreate,
    MajorRead,
    MajorUpdate,
    RevealedId,
    SchoolClassCreate,
    SchoolClassRead,
    SchoolClassUpdate,
    StudentCreate,
    StudentRead,
    StudentUpdate,
    TeacherCreate,
    TeacherRead,
    TeacherUpdate,
    local_today,
)

router = APIRouter(prefix="/api/v1", tags=["people"])

StructureReader = Annotated[Actor, Depends(require(Permission.STRUCTURE_READ))]
StructureManager = Annotated[Actor, Depends(require(Permission.STRUCTURE_MANAGE))]
StudentReader = Annotated[Actor, Depends(require(Permission.STUDENT_READ))]
StudentManager = Annotated[Actor, Depends(require(Permission.STUDENT_MANAGE))]
IdRevealer = Annotated[Actor, Depends(require(Permission.STUDENT_REVEAL_ID))]
TeacherReader = Annotated[Actor, Depends(require(Permission.TEACHER_READ))]
TeacherManager = Annotated[Actor, Depends(require(Permission.TEACHER_MANAGE))]
CollegeChoice = Annotated[
    int | None,
    Query(description="Platform administrators: the college the new record must belong to."),
]
Archived = Annotated[bool, Query(description="Include archived records.")]


class MajorList(BaseModel):
    items: list[MajorRead]
    meta: PageMeta


class SchoolClassList(BaseModel):
    items: list[SchoolClassRead]
    meta: PageMeta


class StudentList(BaseModel):
    items: list[StudentRead]
    meta: PageMeta


class TeacherList(BaseModel):
    items: list[TeacherRead]
    meta: PageMeta


# --- majors -------------------------------------------------------------------------------------


@router.get("/majors", response_model=MajorList, summary="List majors")
def list_majors(
    session: DbSession,
    actor: StructureReader,
    params: ListQuery,
    department_id: int | None = None,
    archived: Archived = False,
) -> MajorList:
    page = repository.list_majors(
        session,
        actor=actor,
        params=params,
        department_id=department_id,
        include_archived=archived,
    )
    return MajorList(items=[MajorRead.model_validate(m) for m in page.items], meta=page_meta(page))


@router.post(
    "/majors", response_model=MajorRead, status_code=status.HTTP_201_CREATED, summary="Add a major"
)
def create_major(
    data: MajorCreate,
    session: DbSession,
    actor: StructureManager,
    response: Response,
    college_id: CollegeChoice = None,
) -> MajorRead:
    major = service.create_major(session, actor=actor, data=data, college_id=college_id)
    response.headers["Location"] = f"/api/v1/majors/{major.id}"
    return MajorRead.model_validate(major)


@router.get("/majors/{major_id}", response_model=MajorRead, summary="One major")
def get_major(major_id: int, session: DbSession, actor: StructureReader) -> MajorRead:
    return MajorRead.model_validate(repository.get_major(session, actor=actor, major_id=major_id))


@router.patch("/majors/{major_id}", response_model=MajorRead, summary="Change or archive a major")
def update_major(
    major_id: int, data: MajorUpdate, session: DbSession, actor: StructureManager
) -> MajorRead:
    major = repository.get_major(session, actor=actor, major_id=major_id)
    major = service.update_major(session, actor=actor, major=major, data=data)
    return MajorRead.model_validate(major)


# --- classes ------------------------------------------------------------------------------------


@router.get("/classes", response_model=SchoolClassList, summary="List classes")
def list_classes(
    session: DbSession,
    actor: StructureReader,
    params: ListQuery,
    major_id: int | None = None,
    cohort: int | None = None,
    archived: Archived = False,
) -> SchoolClassList:
    page = repository.list_classes(
        session,
        actor=actor,
        params=params,
        major_id=major_id,
        cohort=cohort,
        include_archived=archived,
    )
    return SchoolClassList(
        items=[SchoolClassRead.model_validate(c) for c in page.items], meta=page_meta(page)
    )


@router.post(
    "/classes",
    response_model=SchoolClassRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add a class",
)
def create_class(
    data: SchoolClassCreate,
    session: DbSession,
    actor: StructureManager,
    response: Response,
    college_id: CollegeChoice = None,
) -> SchoolClassRead:
    school_class = service.create_class(session, actor=actor, data=data, college_id=college_id)
    response.headers["Location"] = f"/api/v1/classes/{school_class.id}"
    return SchoolClassRead.model_validate(school_class)


@router.get("/classes/{class_id}", response_model=SchoolClassRead, summary="One class")
def get_class(class_id: int, session: DbSession, actor: StructureReader) -> SchoolClassRead:
    school_class = repository.get_class(session, actor=actor, class_id=class_id)
    return SchoolClassRead.model_validate(school_class)


@router.patch(
    "/classes/{class_id}", response_model=SchoolClassRead, summary="Change or archive a class"
)
def update_class(
    class_id: int, data: SchoolClassUpdate, session: DbSession, actor: StructureManager
) -> SchoolClassRead:
    school_class = repository.get_class(session, actor=actor, class_id=class_id)
    school_class = service.update_class(session, actor=actor, school_class=school_class, data=data)
    return SchoolClassRead.model_validate(school_class)


# --- students -----------------------------------------------------------------------------------


@router.get("/students", response_model=StudentList, summary="List students")
def list_students(
    session: DbSession,
    actor: StudentReader,
    params: ListQuery,
    class_id: int | None = None,
    major_id: int | None = None,
    status: StudentStatus | None = None,
    cohort: int | None = None,
) -> StudentList:
    """``q`` matches the student number or name, or a full resident ID number exactly."""
    page = repository.list_students(
        session,
        actor=actor,
        params=params,
        class_id=class_id,
        major_id=major_id,
        status=status,
        cohort=cohort,
    )
    today = local_today()
    return StudentList(
        items=[StudentRead.of(s, today=today) for s in page.items], meta=page_meta(page)
    )


@router.post(
    "/students",
    response_model=StudentRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add a student",
)
def create_student(
    data: StudentCreate,
    session: DbSession,
    actor: StudentManager,
    response: Response,
    college_id: CollegeChoice = None,
) -> StudentRead:
    student = service.create_student(session, actor=actor, data=data, college_id=college_id)
    response.headers["Location"] = f"/api/v1/students/{student.id}"
    return StudentRead.of(student)


@router.get("/students/{student_id}", response_model=StudentRead, summary="One student")
def get_student(student_id: int, session: DbSession, actor: StudentReader) -> StudentRead:
    return StudentRead.of(repository.get_student(session, actor=actor, student_id=student_id))


@router.patch("/students/{student_id}", response_model=StudentRead, summary="Change a student")
def update_student(
    student_id: int, data: StudentUpdate, session: DbSession, actor: StudentManager
) -> StudentRead:
    student = repository.get_student(session, actor=actor, student_id=student_id)
    student = service.update_student(session, actor=actor, student=student, data=data)
    return StudentRead.of(student)


@router.post(
    "/students/{student_id}/reveal-id",
    response_model=RevealedId,
    summary="Reveal a student's full ID number (audited)",
)
def reveal_id(
    student_id: int, session: DbSession, actor: IdRevealer, response: Response
) -> RevealedId:
    student = repository.get_student(session, actor=actor, student_id=student_id)
    number = service.reveal_id_number(session, actor=actor, student=student)
    response.headers["Cache-Control"] = "no-store"
    return RevealedId(id_number=number)


# --- teachers -----------------------------------------------------------------------------------


@router.get("/teachers", response_model=TeacherList, summary="List teachers")
def list_teachers(
    session: DbSession,
    actor: TeacherReader,
    params: ListQuery,
    department_id: int | None = None,
    status: TeacherStatus | None = None,
) -> TeacherList:
    page = repository.list_teachers(
        session, actor=actor, params=params, department_id=department_id, status=status
    )
    return TeacherList(
        items=[TeacherRead.model_validate(t) for t in page.items], meta=page_meta(page)
    )


@router.post(
    "/teachers",
    response_model=TeacherRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add a teacher",
)
def create_teacher(
    data: TeacherCreate,
    session: DbSession,
    actor: TeacherManager,
    response: Response,
    college_id: CollegeChoice = None,
) -> TeacherRead:
    teacher = service.create_teacher(session, actor=actor, data=data, college_id=college_id)
    response.headers["Location"] = f"/api/v1/teachers/{teacher.id}"
    return TeacherRead.model_validate(teacher)


@router.get("/teachers/{teacher_id}", response_model=TeacherRead, summary="One teacher")
def get_teacher(teacher_id: int, session: DbSession, actor: TeacherReader) -> TeacherRead:
    return TeacherRead.model_validate(
        repository.get_teacher(session, actor=actor, teacher_id=teacher_id)
    )


@router.patch(
    "/teachers/{teacher_id}",
    response_model=TeacherRead,
    summary="Change a teacher (one who leaves gets the status 'left')",
)
def update_teacher(
    teacher_id: int, data: TeacherUpdate, session: DbSession, actor: TeacherManager
) -> TeacherRead:
    teacher = repository.get_teacher(session, actor=actor, teacher_id=teacher_id)
    teacher = service.update_teacher(session, actor=actor, teacher=teacher, data=data)
    return TeacherRead.model_validate(teacher)
