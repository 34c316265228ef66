"""Business rules for majors, classes, students and teachers. Flush and audit; the caller commits.

Every reference (department, major, class) is looked up within what the actor may see and within
the record's college, so a record can never point into another college. A resident ID number is
kept encrypted, with a keyed hash for exact lookups and a masked form for display; it never
appears in an error message or an audit entry, and each reveal of it is audited.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission
from tandem.college.models import Department
from tandem.college.service import check_version
from tandem.kit.crypto import cipher
from tandem.kit.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.identifiers import age_on, id_birth_date, mask_resident_id
from tandem.kit.orm import utcnow
from tandem.people import repository
from tandem.people.models import Major, SchoolClass, Student, Teacher
from tandem.people.schemas import (
    ADULT_AGE,
    GUARDIAN_REQUIRED,
    ID_BIRTH_MISMATCH,
    MajorCreate,
    MajorUpdate,
    SchoolClassCreate,
    SchoolClassUpdate,
    StudentCreate,
    StudentUpdate,
    TeacherCreate,
    TeacherUpdate,
    local_today,
)

MAJOR_FIELDS = ("code", "name_zh", "name_en", "department_id", "archived_at")
CLASS_FIELDS = ("name", "major_id", "cohort_year", "archived_at")
STUDENT_FIELDS = (
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
ID_NUMBER = "id_number"  # audited as "(changed)" only, never with a value
TEACHER_FIELDS = (
    "staff_number",
    "name",
    "department_id",
    "title",
    "subjects",
    "status",
    "double_qualified",
)
UNKNOWN_DEPARTMENT = N_("Choose a department of this college.")
UNKNOWN_MAJOR = N_("Choose a major of this college.")
UNKNOWN_CLASS = N_("Choose a class of this college.")
# What each record type audits, and the field that names it in the audit log.
_AUDITED: dict[type, tuple[tuple[str, ...], str]] = {
    Major: (MAJOR_FIELDS, "code"),
    SchoolClass: (CLASS_FIELDS, "name"),
    Student: (STUDENT_FIELDS, "student_number"),
    Teacher: (TEACHER_FIELDS, "staff_number"),
}


def _field_error(field: str, code: str, message: str, **params: Any) -> ValidationFailed:
    return ValidationFailed.single(field, code, message, **params)


def _duplicate(field: str, message: str, **params: Any) -> Conflict:
    error = FieldError(field, "duplicate", message, params)
    return Conflict(message, code="duplicate", errors=[error], **params)


def _department(
    session: Session, actor: Actor, department_id: int, college_id: int | None
) -> Department:
    department = repository.find_department(
        session, actor=actor, department_id=department_id, college_id=college_id
    )
    if department is None:
        raise _field_error("department_id", "unknown_department", UNKNOWN_DEPARTMENT)
    return department


def _usable_major(session: Session, actor: Actor, major_id: int, college_id: int | None) -> Major:
    major = repository.find_major(session, actor=actor, major_id=major_id, college_id=college_id)
    if major is None:
        raise _field_error("major_id", "unknown_major", UNKNOWN_MAJOR)
    if major.archived_at is not None:
        raise _field_error(
            "major_id",
            "archived_major",
            N_("Major %(major)s is archived: restore it first, or choose another major."),
            major=major.code,
        )
    return major


def _usable_class(
    session: Session, actor: Actor, class_id: int, college_id: int | None
) -> SchoolClass:
    school_class = repository.find_class(
        session, actor=actor, class_id=class_id, college_id=college_id
    )
    if school_class is None:
        raise _field_error("class_id", "unknown_class", UNKNOWN_CLASS)
    if school_class.archived_at is not None:
        raise _field_error(
            "class_id",
            "archived_class",
            N_("Class %(name)s is archived: restore it first, or choose another class."),
            name=school_class.name,
        )
    return school_class


def _snapshot(record: Any) -> dict[str, Any]:
    """The audited fields; a student's ID number only as its hash (audited as "changed")."""
    if isinstance(record, Student):
        return audit.snapshot(record, STUDENT_FIELDS) | {ID_NUMBER: record.id_number_hash}
    return audit.snapshot(record, _AUDITED[type(record)][0])


def _audit(
    session: Session, actor: Actor, action: str, record: Any, before: dict[str, Any] | None
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=record,
        college_id=record.college_id,
        before=before,
        after=_snapshot(record),
        sensitive=(ID_NUMBER,),
        summary=getattr(record, _AUDITED[type(record)][1]),
    )


def _set_archived(
    session: Session, actor: Actor, record: Major | SchoolClass, archived: bool
) -> None:
    if (record.archived_at is not None) == archived:
        return
    before = _snapshot(record)
    record.archived_at = utcnow() if archived else None
    session.flush()
    _audit(session, actor, "archive" if archived else "restore", record, before)


# --- majors -------------------------------------------------------------------------------------


def create_major(
    session: Session, *, actor: Actor, data: MajorCreate, college_id: int | None = None
) -> Major:
    """Add a major to the college of its department (``college_id`` narrows the choice)."""
    department = _department(session, actor, data.department_id, college_id)
    if repository.find_major_by_code(session, department.college_id, data.code) is not None:
        raise _duplicate(
            "code", N_("This college already has a major with code %(value)s."), value=data.code
        )
    major = Major(college_id=department.college_id, **data.model_dump())
    session.add(major)
    session.flush()
    _audit(session, actor, "create", major, None)
    return major


def update_major(session: Session, *, actor: Actor, major: Major, data: MajorUpdate) -> Major:
    check_version(major, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "archived"})
    if changes:
        before = _snapshot(major)
        if changes.get("department_id") not in (None, major.department_id):
            major.department = _department(
                session, actor, changes["department_id"], major.college_id
            )
        for name, value in changes.items():
            if value is not None:
                setattr(major, name, value)
        session.flush()
        _audit(session, actor, "update", major, before)
    if data.archived is not None:
        _set_archived(session, actor, major, data.archived)
    return major


def archive_major(session: Session, *, actor: Actor, major: Major) -> Major:
    """Hide a major from lists and choices; its classes and students stay as they are."""
    _set_archived(session, actor, major, True)
    return major


def restore_major(session: Session, *, actor: Actor, major: Major) -> Major:
    _set_archived(session, actor, major, False)
    return major


# --- classes ------------------------------------------------------------------------------------


def _check_class_name(
    session: Session, college_id: int, name: str, own: SchoolClass | None = None
) -> None:
    found = repository.find_class_by_name(session, college_id, name)
    if found is not None and found is not own:
        raise _duplicate(
            "name", N_("This college already has a class named %(value)s."), value=name
        )


def create_class(
    session: Session, *, actor: Actor, data: SchoolClassCreate, college_id: int | None = None
) -> SchoolClass:
    """Add a class to a major that is not archived (its college is the major's)."""
    major = _usable_major(session, actor, data.major_id, college_id)
    _check_class_name(session, major.college_id, data.name)
    school_class = SchoolClass(college_id=major.college_id, major=major, **data.model_dump())
    session.add(school_class)
    session.flush()
    _audit(session, actor, "create", school_class, None)
    return school_class


def update_class(
    session: Session, *, actor: Actor, school_class: SchoolClass, data: SchoolClassUpdate
) -> SchoolClass:
    check_version(school_class, data.version)
    changes = {
        name: value
        for name, value in data.model_dump(
            exclude_unset=True, exclude={"version", "archived"}
        ).items()
        if value is not None
    }
    if changes:
        before = _snapshot(school_class)
        if "major_id" in changes and changes["major_id"] != school_class.major_id:
            school_class.major = _usable_major(
                session, actor, changes["major_id"], school_class.college_id
            )
        if "name" in changes:
            _check_class_name(session, school_class.college_id, changes["name"], school_class)
        for name, value in changes.items():
            setattr(school_class, name, value)
        session.flush()
        _audit(session, actor, "update", school_class, before)
    if data.archived is True:
        archive_class(session, actor=actor, school_class=school_class)
    elif data.archived is False:
        restore_class(session, actor=actor, school_class=school_class)
    return school_class


def archive_class(session: Session, *, actor: Actor, school_class: SchoolClass) -> SchoolClass:
    """Hide a class from lists and choices; its students keep it."""
    _set_archived(session, actor, school_class, True)
    return school_class


def restore_class(session: Session, *, actor: Actor, school_class: SchoolClass) -> SchoolClass:
    """Bring a class back; refused while its major is archived."""
    if school_class.archived_at is not None and school_class.major.archived_at is not None:
        raise Conflict(
            N_("Major %(major)s of this class is archived: restore the major first."),
            code="archived_major",
            major=school_class.major.code,
        )
    _set_archived(session, actor, school_class, False)
    return school_class


# --- students -----------------------------------------------------------------------------------


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Enum members as their plain values, as the columns store them."""
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in values.items()}


def _id_columns(number: str | None) -> dict[str, str | None]:
    """The stored forms of a resident ID number: encrypted, keyed hash, masked."""
    if number is None:
        return {"id_number_encrypted": None, "id_number_hash": None, "id_number_masked": None}
    data_cipher = cipher()
    return {
        "id_number_encrypted": data_cipher.encrypt(number),
        "id_number_hash": data_cipher.lookup_hash(number),
        "id_number_masked": mask_resident_id(number),
    }


def _person_errors(
    *,
    birth_date: date,
    id_number: str | None,
    guardian_name: str,
    guardian_phone: str,
    today: date,
) -> list[FieldError]:
    """The ID number must carry the date of birth; a minor needs a guardian's name and phone."""
    errors = []
    if id_number is not None and id_birth_date(id_number) != birth_date:
        errors.append(FieldError("id_number", "id_birth_mismatch", ID_BIRTH_MISMATCH))
    if age_on(birth_date, today) < ADULT_AGE:
        for field, value in (("guardian_name", guardian_name), ("guardian_phone", guardian_phone)):
            if not value:
                errors.append(FieldError(field, "guardian_required", GUARDIAN_REQUIRED))
    return errors


def _check_unique_student(
    session: Session,
    college_id: int,
    *,
    number: str | None,
    id_hash: str | None,
    own: Student | None = None,
) -> None:
    if number is not None:
        found = repository.find_student_by_number(session, college_id, number)
        if found is not None and found is not own:
            raise _duplicate(
                "student_number",
                N_("This college already has a student with number %(value)s."),
                value=number,
            )
    if id_hash is not None:
        found = repository.find_student_by_id_hash(session, college_id, id_hash)
        if found is not None and found is not own:
            raise _duplicate("id_number", N_("Another student of this college has this ID number."))


def create_student(
    session: Session,
    *,
    actor: Actor,
    data: StudentCreate,
    college_id: int | None = None,
    today: date | None = None,
) -> Student:
    """Add a student to a class that is not archived (the student's college is the class's)."""
    day = today or local_today()
    school_class = _usable_class(session, actor, data.class_id, college_id)
    errors = _person_errors(
        birth_date=data.birth_date,
        id_number=data.id_number,
        guardian_name=data.guardian_name,
        guardian_phone=data.guardian_phone,
        today=day,
    )
    if errors:
        raise ValidationFailed(errors=errors)
    id_columns = _id_columns(data.id_number)
    _check_unique_student(
        session,
        school_class.college_id,
        number=data.student_number,
        id_hash=id_columns["id_number_hash"],
    )
    student = Student(
        college_id=school_class.college_id,
        school_class=school_class,
        **_plain(data.model_dump(exclude={"id_number"})),
        **id_columns,
    )
    session.add(student)
    session.flush()
    _audit(session, actor, "create", student, None)
    return student


def update_student(
    session: Session,
    *,
    actor: Actor,
    student: Student,
    data: StudentUpdate,
    today: date | None = None,
) -> Student:
    """Change a student; status changes ("left", "graduated" …) are updates, never deletions."""
    check_version(student, data.version)
    day = today or local_today()
    changes = _plain(
        {
            name: value
            for name, value in data.model_dump(
                exclude_unset=True, exclude={"version", "id_number"}
            ).items()
            if value is not None
        }
    )
    new_class: SchoolClass | None = None
    if "class_id" in changes and changes["class_id"] != student.class_id:
        new_class = _usable_class(session, actor, changes["class_id"], student.college_id)
    id_given = "id_number" in data.model_fields_set
    birth_date = changes.get("birth_date", student.birth_date)
    checked_id = data.id_number if id_given else None
    if not id_given and birth_date != student.birth_date and student.id_number_encrypted:
        checked_id = cipher().decrypt(student.id_number_encrypted)
    errors = _person_errors(
        birth_date=birth_date,
        id_number=checked_id,
        guardian_name=changes.get("guardian_name", student.guardian_name),
        guardian_phone=changes.get("guardian_phone", student.guardian_phone),
        today=day,
    )
    if errors:
        raise ValidationFailed(errors=errors)
    id_columns = _id_columns(data.id_number) if id_given else {}
    _check_unique_student(
        session,
        student.college_id,
        number=changes.get("student_number"),
        id_hash=id_columns.get("id_number_hash"),
        own=student,
    )
    before = _snapshot(student)
    if new_class is not None:
        student.school_class = new_class
    for name, value in (changes | id_columns).items():
        setattr(student, name, value)
    session.flush()
    _audit(session, actor, "update", student, before)
    return student


def reveal_id_number(session: Session, *, actor: Actor, student: Student) -> str:
    """The full ID number, for those allowed to see it; every reveal is audited."""
    if not actor.can(Permission.STUDENT_REVEAL_ID):
        raise PermissionDenied()
    if student.id_number_encrypted is None:
        raise Conflict(N_("No ID number is recorded for this student."), code="no_id_number")
    number = cipher().decrypt(student.id_number_encrypted)
    audit.record(
        session,
        actor=actor,
        action="reveal_id",
        entity=student,
        college_id=student.college_id,
        summary=student.student_number,
    )
    return number


# --- teachers -----------------------------------------------------------------------------------


def _check_staff_number(
    session: Session, college_id: int, number: str, own: Teacher | None = None
) -> None:
    found = repository.find_teacher_by_staff_number(session, college_id, number)
    if found is not None and found is not own:
        raise _duplicate(
            "staff_number",
            N_("This college already has a teacher with staff number %(value)s."),
            value=number,
        )


def create_teacher(
    session: Session, *, actor: Actor, data: TeacherCreate, college_id: int | None = None
) -> Teacher:
    """Add a teacher to the college of their department."""
    department = _department(session, actor, data.department_id, college_id)
    _check_staff_number(session, department.college_id, data.staff_number)
    teacher = Teacher(
        college_id=department.college_id, department=department, **_plain(data.model_dump())
    )
    session.add(teacher)
    session.flush()
    _audit(session, actor, "create", teacher, None)
    return teacher


def update_teacher(
    session: Session, *, actor: Actor, teacher: Teacher, data: TeacherUpdate
) -> Teacher:
    """Change a teacher; one who leaves gets the status "left" and stays on record."""
    check_version(teacher, data.version)
    changes = _plain(
        {
            name: value
            for name, value in data.model_dump(exclude_unset=True, exclude={"version"}).items()
            if value is not None
        }
    )
    if "department_id" in changes and changes["department_id"] != teacher.department_id:
        teacher.department = _department(
            session, actor, changes["department_id"], teacher.college_id
        )
    if "staff_number" in changes:
        _check_staff_number(session, teacher.college_id, changes["staff_number"], teacher)
    before = _snapshot(teacher)
    for name, value in changes.items():
        setattr(teacher, name, value)
    session.flush()
    _audit(session, actor, "update", teacher, before)
    return teacher
