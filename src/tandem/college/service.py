"""Business rules for colleges and departments. Flush and audit; the caller commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.college import repository
from tandem.college.models import College, Department
from tandem.college.schemas import (
    CollegeCreate,
    CollegeUpdate,
    DepartmentCreate,
    DepartmentUpdate,
)
from tandem.kit.errors import (
    Conflict,
    FieldError,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from tandem.kit.i18n import N_

COLLEGE_FIELDS = ("code", "name_zh", "name_en", "region_code")
DEPARTMENT_FIELDS = ("code", "name_zh", "name_en")


def check_version(record: Any, expected: int | None) -> None:
    """Refuse an edit made to an older version of the record (optimistic concurrency)."""
    if expected is not None and expected != record.version:
        raise StaleVersion()


def _duplicate(field: str, message: str, **params: Any) -> Conflict:
    return Conflict(
        message,
        code="duplicate",
        errors=[FieldError(field, "duplicate", message, params)],
        **params,
    )


def create_college(session: Session, *, actor: Actor, data: CollegeCreate) -> College:
    if repository.find_college_by_code(session, data.code) is not None:
        raise _duplicate(
            "code", N_("A college with code %(value)s already exists."), value=data.code
        )
    college = College(**data.model_dump())
    session.add(college)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=college,
        college_id=college.id,
        after=audit.snapshot(college, COLLEGE_FIELDS),
        summary=college.code,
    )
    return college


def update_college(
    session: Session, *, actor: Actor, college: College, data: CollegeUpdate
) -> College:
    check_version(college, data.version)
    before = audit.snapshot(college, COLLEGE_FIELDS)
    for name, value in data.model_dump(exclude_unset=True, exclude={"version"}).items():
        if value is not None:
            setattr(college, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity=college,
        college_id=college.id,
        before=before,
        after=audit.snapshot(college, COLLEGE_FIELDS),
        summary=college.code,
    )
    return college


def create_department(
    session: Session, *, actor: Actor, college: College, data: DepartmentCreate
) -> Department:
    if repository.find_department_by_code(session, college, data.code) is not None:
        raise _duplicate(
            "code",
            N_("This college already has a department with code %(value)s."),
            value=data.code,
        )
    department = Department(college_id=college.id, **data.model_dump())
    session.add(department)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=department,
        college_id=college.id,
        after=audit.snapshot(department, DEPARTMENT_FIELDS),
        summary=department.code,
    )
    return department


def update_department(
    session: Session, *, actor: Actor, department: Department, data: DepartmentUpdate
) -> Department:
    check_version(department, data.version)
    before = audit.snapshot(department, DEPARTMENT_FIELDS)
    for name, value in data.model_dump(exclude_unset=True, exclude={"version"}).items():
        if value is not None:
            setattr(department, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity=department,
        college_id=department.college_id,
        before=before,
        after=audit.snapshot(department, DEPARTMENT_FIELDS),
        summary=department.code,
    )
    return department


def delete_department(session: Session, *, actor: Actor, department: Department) -> None:
    """Delete a department nothing refers to; one still in use is refused and kept."""
    before = audit.snapshot(department, DEPARTMENT_FIELDS)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity=department,
        college_id=department.college_id,
        before=before,
        summary=department.code,
    )
    try:
        with session.begin_nested():
            session.delete(department)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            N_("Department %(value)s is still in use by other records; move them first."),
            code="in_use",
            value=department.code,
        ) from exc


def college_of_new_record(session: Session, *, actor: Actor, college_id: int | None) -> int:
    """The college a new record goes to: the actor's own, or (platform-wide) the one named;
    naming another college is refused without confirming it exists."""
    if actor.is_platform_wide:
        if college_id is None or session.get(College, college_id) is None:
            raise ValidationFailed.single(
                "college_id", "unknown_record", N_("Choose the college the record belongs to.")
            )
        return college_id
    if actor.college_id is None:
        raise PermissionDenied()
    if college_id is not None and college_id != actor.college_id:
        raise ValidationFailed.single(
            "college_id",
            "other_college",
            N_("You can add records only to your own college: leave the college out."),
        )
    return actor.college_id
