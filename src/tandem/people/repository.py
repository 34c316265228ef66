"""Every query on majors, classes, students and teachers, scoped to what the actor may see.

Platform-wide actors see every college; the college's own roles see their college; a student sees
only their own student record and nothing else here; everyone else sees nothing. A record outside
the actor's scope is "not found", so its existence is never confirmed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College, Department
from tandem.kit.crypto import cipher
from tandem.kit.errors import NotFound
from tandem.kit.i18n import N_
from tandem.kit.identifiers import normalise_code, resident_id_problem
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.people.models import Major, SchoolClass, Student, Teacher

_STAFF_ROLES = frozenset({Role.COLLEGE_ADMIN, Role.DEPARTMENT_COORDINATOR, Role.TEACHER})

MAJOR_SORTS = {
    "code": Major.code,
    "name_zh": Major.name_zh,
    "name_en": Major.name_en,
    "created_at": Major.created_at,
}
CLASS_SORTS = {
    "name": SchoolClass.name,
    "cohort_year": SchoolClass.cohort_year,
    "created_at": SchoolClass.created_at,
}
STUDENT_SORTS = {
    "student_number": Student.student_number,
    "name": Student.name,
    "birth_date": Student.birth_date,
    "status": Student.status,
    "class": SchoolClass.name,
    "cohort_year": SchoolClass.cohort_year,
    "created_at": Student.created_at,
}
TEACHER_SORTS = {
    "staff_number": Teacher.staff_number,
    "name": Teacher.name,
    "title": Teacher.title,
    "status": Teacher.status,
    "created_at": Teacher.created_at,
}


def _college_scope(actor: Actor, column: Any) -> ColumnElement[bool]:
    """Rows of the actor's college (all colleges for platform-wide actors, none for others)."""
    if actor.is_platform_wide:
        return true()
    if actor.role in _STAFF_ROLES and actor.college_id is not None:
        return column == actor.college_id  # type: ignore[no-any-return]
    return false()


def _student_scope(actor: Actor) -> ColumnElement[bool]:
    if actor.role == Role.STUDENT:
        if actor.student_id is None or actor.college_id is None:
            return false()
        return (Student.id == actor.student_id) & (Student.college_id == actor.college_id)
    return _college_scope(actor, Student.college_id)


def _search(q: str, *columns: Any) -> ColumnElement[bool]:
    """``q`` anywhere in any of ``columns``, ignoring case.

    Text without cased letters (Chinese names, digits) matches the same with or without case
    folding, so it gets the plain LIKE: ILIKE folds every row it reads, which made a search
    among 20,000 students several times slower on PostgreSQL (bench/registries/search.py).
    """
    pattern = like_pattern(q)
    if q.lower() == q.upper():
        return or_(*(column.like(pattern, escape="\\") for column in columns))
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


# --- majors -------------------------------------------------------------------------------------


def _majors(actor: Actor) -> Select[Major]:
    return (
        select(Major)
        .where(_college_scope(actor, Major.college_id))
        .options(selectinload(Major.department))
    )


def majors_query(
    *,
    actor: Actor,
    params: ListParams,
    department_id: int | None = None,
    include_archived: bool = False,
) -> Select[Major]:
    """The majors a list shows (filters, search and sort applied), before pagination."""
    stmt = _majors(actor)
    if params.q:
        stmt = stmt.where(_search(params.q, Major.code, Major.name_zh, Major.name_en))
    if department_id is not None:
        stmt = stmt.where(Major.department_id == department_id)
    if not include_archived:
        stmt = stmt.where(Major.archived_at.is_(None))
    return apply_sort(stmt, params.sort, MAJOR_SORTS, default="code")


def list_majors(
    session: Session,
    *,
    actor: Actor,
    params: ListParams,
    department_id: int | None = None,
    include_archived: bool = False,
) -> Page[Major]:
    stmt = majors_query(
        actor=actor, params=params, department_id=department_id, include_archived=include_archived
    )
    return paginate(session, stmt, params)


def get_major(session: Session, *, actor: Actor, major_id: int) -> Major:
    major = session.scalar(_majors(actor).where(Major.id == major_id))
    if major is None:
        raise NotFound(N_("No major with id %(id)s."), id=major_id)
    return major


def find_major(
    session: Session, *, actor: Actor, major_id: int, college_id: int | None = None
) -> Major | None:
    """A major the actor may refer to (optionally only in ``college_id``), or None."""
    stmt = _majors(actor).where(Major.id == major_id)
    if college_id is not None:
        stmt = stmt.where(Major.college_id == college_id)
    return session.scalar(stmt)


def find_major_by_code(session: Session, college_id: int, code: str) -> Major | None:
    return session.scalar(select(Major).where(Major.college_id == college_id, Major.code == code))


def class_counts(session: Session, major_ids: Sequence[int]) -> dict[int, int]:
    """How many classes (archived ones included) each major has."""
    if not major_ids:
        return {}
    rows = session.execute(
        select(SchoolClass.major_id, func.count())
        .where(SchoolClass.major_id.in_(major_ids))
        .group_by(SchoolClass.major_id)
    ).all()
    return {major_id: count for major_id, count in rows}


# --- classes ------------------------------------------------------------------------------------


def _classes(actor: Actor) -> Select[SchoolClass]:
    return (
        select(SchoolClass)
        .where(_college_scope(actor, SchoolClass.college_id))
        .options(selectinload(SchoolClass.major))
    )


def classes_query(
    *,
    actor: Actor,
    params: ListParams,
    major_id: int | None = None,
    cohort: int | None = None,
    include_archived: bool = False,
) -> Select[SchoolClass]:
    """The classes a list shows (filters, search and sort applied), before pagination."""
    stmt = _classes(actor)
    if params.q:
        stmt = stmt.where(_search(params.q, SchoolClass.name))
    if major_id is not None:
        stmt = stmt.where(SchoolClass.major_id == major_id)
    if cohort is not None:
        stmt = stmt.where(SchoolClass.cohort_year == cohort)
    if not include_archived:
        stmt = stmt.where(SchoolClass.archived_at.is_(None))
    return apply_sort(stmt, params.sort, CLASS_SORTS, default="name")


def list_classes(
    session: Session,
    *,
    actor: Actor,
    params: ListParams,
    major_id: int | None = None,
    cohort: int | None = None,
    include_archived: bool = False,
) -> Page[SchoolClass]:
    stmt = classes_query(
        actor=actor,
        params=params,
        major_id=major_id,
        cohort=cohort,
        include_archived=include_archived,
    )
    return paginate(session, stmt, params)


def get_class(session: Session, *, actor: Actor, class_id: int) -> SchoolClass:
    school_class = session.scalar(_classes(actor).where(SchoolClass.id == class_id))
    if school_class is None:
        raise NotFound(N_("No class with id %(id)s."), id=class_id)
    return school_class


def find_class(
    session: Session, *, actor: Actor, class_id: int, college_id: int | None = None
) -> SchoolClass | None:
    stmt = _classes(actor).where(SchoolClass.id == class_id)
    if college_id is not None:
        stmt = stmt.where(SchoolClass.college_id == college_id)
    return session.scalar(stmt)


def find_class_by_name(session: Session, college_id: int, name: str) -> SchoolClass | None:
    return session.scalar(
        select(SchoolClass).where(SchoolClass.college_id == college_id, SchoolClass.name == name)
    )


def student_count(session: Session, class_id: int) -> int:
    return session.scalar(select(func.count()).where(Student.class_id == class_id)) or 0


# --- students -----------------------------------------------------------------------------------


def _students(actor: Actor) -> Select[Student]:
    return (
        select(Student)
        .join(Student.school_class)
        .where(_student_scope(actor))
        .options(selectinload(Student.school_class).selectinload(SchoolClass.major))
    )


def id_lookup_hash(text: str) -> str | None:
    """The keyed hash of a full resident ID number typed as ``text``; None if it is not one."""
    number = normalise_code(text)
    if resident_id_problem(number) is not None:
        return None
    return cipher().lookup_hash(number)


def students_query(
    *,
    actor: Actor,
    params: ListParams,
    class_id: int | None = None,
    major_id: int | None = None,
    status: str | None = None,
    cohort: int | None = None,
    id_hash: str | None = None,
) -> Select[Student]:
    """Students; ``q`` matches number or name, or a full ID number exactly (by its keyed hash)."""
    stmt = _students(actor)
    if params.q:
        digest = id_lookup_hash(params.q)
        if digest is not None:  # an ID number: exact match only, never a LIKE on it
            stmt = stmt.where(
                or_(
                    Student.id_number_hash == digest,
                    Student.student_number == normalise_code(params.q),
                )
            )
        else:
            stmt = stmt.where(_search(params.q, Student.student_number, Student.name))
    if id_hash is not None:
        stmt = stmt.where(Student.id_number_hash == id_hash)
    if class_id is not None:
        stmt = stmt.where(Student.class_id == class_id)
    if major_id is not None:
        stmt = stmt.where(SchoolClass.major_id == major_id)
    if status:
        stmt = stmt.where(Student.status == status)
    if cohort is not None:
        stmt = stmt.where(SchoolClass.cohort_year == cohort)
    return apply_sort(stmt, params.sort, STUDENT_SORTS, default="student_number")


def list_students(
    session: Session,
    *,
    actor: Actor,
    params: ListParams,
    class_id: int | None = None,
    major_id: int | None = None,
    status: str | None = None,
    cohort: int | None = None,
    id_hash: str | None = None,
) -> Page[Student]:
    stmt = students_query(
        actor=actor,
        params=params,
        class_id=class_id,
        major_id=major_id,
        status=status,
        cohort=cohort,
        id_hash=id_hash,
    )
    return paginate(session, stmt, params)


def get_student(session: Session, *, actor: Actor, student_id: int) -> Student:
    student = session.scalar(_students(actor).where(Student.id == student_id))
    if student is None:
        raise NotFound(N_("No student with id %(id)s."), id=student_id)
    return student


def find_student_by_number(session: Session, college_id: int, number: str) -> Student | None:
    return session.scalar(
        select(Student).where(Student.college_id == college_id, Student.student_number == number)
    )


def find_student_by_id_hash(session: Session, college_id: int, digest: str) -> Student | None:
    return session.scalar(
        select(Student).where(Student.college_id == college_id, Student.id_number_hash == digest)
    )


# --- teachers -----------------------------------------------------------------------------------


def _teachers(actor: Actor) -> Select[Teacher]:
    return (
        select(Teacher)
        .where(_college_scope(actor, Teacher.college_id))
        .options(selectinload(Teacher.department))
    )


def teachers_query(
    *,
    actor: Actor,
    params: ListParams,
    department_id: int | None = None,
    status: str | None = None,
) -> Select[Teacher]:
    """The teachers a list shows (filters, search and sort applied), before pagination."""
    stmt = _teachers(actor)
    if params.q:
        stmt = stmt.where(_search(params.q, Teacher.staff_number, Teacher.name, Teacher.subjects))
    if department_id is not None:
        stmt = stmt.where(Teacher.department_id == department_id)
    if status:
        stmt = stmt.where(Teacher.status == status)
    return apply_sort(stmt, params.sort, TEACHER_SORTS, default="staff_number")


def list_teachers(
    session: Session,
    *,
    actor: Actor,
    params: ListParams,
    department_id: int | None = None,
    status: str | None = None,
) -> Page[Teacher]:
    stmt = teachers_query(actor=actor, params=params, department_id=department_id, status=status)
    return paginate(session, stmt, params)


def get_teacher(session: Session, *, actor: Actor, teacher_id: int) -> Teacher:
    teacher = session.scalar(_teachers(actor).where(Teacher.id == teacher_id))
    if teacher is None:
        raise NotFound(N_("No teacher with id %(id)s."), id=teacher_id)
    return teacher


def find_teacher_by_staff_number(session: Session, college_id: int, number: str) -> Teacher | None:
    return session.scalar(
        select(Teacher).where(Teacher.college_id == college_id, Teacher.staff_number == number)
    )


# --- references and choices ---------------------------------------------------------------------


def find_department(
    session: Session, *, actor: Actor, department_id: int, college_id: int | None = None
) -> Department | None:
    """A department the actor may refer to (optionally only in ``college_id``), or None."""
    stmt = select(Department).where(
        Department.id == department_id, _college_scope(actor, Department.college_id)
    )
    if college_id is not None:
        stmt = stmt.where(Department.college_id == college_id)
    return session.scalar(stmt)


def department_choices(session: Session, *, actor: Actor) -> list[Department]:
    return list(
        session.scalars(
            select(Department)
            .where(_college_scope(actor, Department.college_id))
            .order_by(Department.college_id, Department.code)
        ).all()
    )


def major_choices(session: Session, *, actor: Actor, include_archived: bool = False) -> list[Major]:
    stmt = select(Major).where(_college_scope(actor, Major.college_id))
    if not include_archived:
        stmt = stmt.where(Major.archived_at.is_(None))
    return list(session.scalars(stmt.order_by(Major.college_id, Major.code)).all())


def class_choices(
    session: Session, *, actor: Actor, include_archived: bool = False
) -> list[SchoolClass]:
    stmt = select(SchoolClass).where(_college_scope(actor, SchoolClass.college_id))
    if not include_archived:
        stmt = stmt.where(SchoolClass.archived_at.is_(None))
    stmt = stmt.order_by(
        SchoolClass.college_id, SchoolClass.cohort_year.desc(), SchoolClass.name
    ).options(selectinload(SchoolClass.major))
    return list(session.scalars(stmt).all())


def college_codes(session: Session, *, actor: Actor) -> dict[int, str]:
    """College codes by id, to label choices for platform-wide actors (empty for others)."""
    if not actor.is_platform_wide:
        return {}
    return {c.id: c.code for c in session.scalars(select(College)).all()}


def headcounts(session: Session, *, actor: Actor) -> dict[str, int]:
    """Enrolled students and teachers in service that the actor may see (for the home page)."""
    students = _students(actor).where(Student.status == "enrolled").subquery()
    teachers = _teachers(actor).where(Teacher.status == "active").subquery()
    return {
        "students": session.scalar(select(func.count()).select_from(students)) or 0,
        "teachers": session.scalar(select(func.count()).select_from(teachers)) or 0,
    }
