"""Importing teachers, keyed by staff number within the college.

Each row is checked as a whole record with :class:`TeacherCreate` after its department is found
by code; new teachers are created with :func:`tandem.people.service.create_teacher`, changed
ones updated (only the fields that differ) with ``update_teacher``. Blank cells keep what is
recorded.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import select

from tandem.auth.roles import Role
from tandem.college.models import Department
from tandem.kit.i18n import N_
from tandem.kit.spreadsheet import SheetRow, Table
from tandem.people import service
from tandem.people.models import Teacher
from tandem.people.schemas import TeacherCreate, TeacherUpdate

from .accounts import Invite, bound_records, checked_email, invite_all
from .common import CREATED, ERROR, UNCHANGED, UPDATED, Batch, coded, given, once, rounded_cells

FIELDS = {"department_id": "department_code", "teacher_id": "email", "display_name": "name"}
TEXT_INPUTS = ("staff_number", "name", "title", "subjects")
UNKNOWN_DEPARTMENT = N_("No department with code %(value)s in this college.")


def import_teachers(batch: Batch, table: Table) -> None:
    session, college_id = batch.session, batch.college_id
    assert college_id is not None  # noqa: S101 - import_rows requires the college for teachers
    _first_pass(batch, table)
    departments = {
        d.code: d
        for d in session.scalars(select(Department).where(Department.college_id == college_id))
    }
    existing = {
        t.staff_number: t
        for t in session.scalars(select(Teacher).where(Teacher.college_id == college_id))
    }
    bound = bound_records(session, college_id, "teacher_id") if batch.create_accounts else set()
    invites: list[Invite] = []
    for row in table.rows:
        failed: set[str] = set()
        number = row.values.get("staff_number") or ""
        teacher = existing.get(number)
        data = _check_row(batch, row, teacher, departments, failed)
        email = checked_email(batch, row, Role.TEACHER, FIELDS, failed)
        if data is None or row.number in batch.bad:
            batch.outcome(row.number, number, ERROR)
        elif teacher is None:
            create = partial(
                service.create_teacher,
                session,
                actor=batch.actor,
                data=data,
                college_id=college_id,
            )
            made = batch.guarded(row.number, FIELDS, create)
            batch.outcome(row.number, number, CREATED if made else ERROR)
            if made is not None and email:
                invites.append(Invite(row.number, made.id, data.name, email))
        else:
            batch.outcome(row.number, number, _update(batch, row, teacher, data))
            if email and teacher.id not in bound:
                invites.append(Invite(row.number, teacher.id, data.name, email))
        batch.tick()
    invite_all(batch, Role.TEACHER, "teacher_id", invites, FIELDS)


def _first_pass(batch: Batch, table: Table) -> None:
    numbers: dict[str, int] = {}
    emails: dict[str, int] = {}
    for row in table.rows:
        rounded_cells(batch, row)
        number = row.values.get("staff_number")
        if number is not None:
            once(batch, numbers, number, row.number, "staff_number")
        email = row.values.get("email")
        if batch.create_accounts and email is not None:
            once(batch, emails, email.lower(), row.number, "email")


def _check_row(
    batch: Batch,
    row: SheetRow,
    teacher: Teacher | None,
    departments: dict[str, Department],
    failed: set[str],
) -> TeacherCreate | None:
    values: dict[str, Any] = given(row, TEXT_INPUTS, failed)
    status = coded(batch, row, "status", "teacher_status", failed)
    if status is not None:
        values["status"] = status
    qualified = coded(batch, row, "double_qualified", "yes_no", failed)
    if qualified is not None:
        values["double_qualified"] = qualified == "true"
    code = row.values.get("department_code")
    if code is not None:
        department = departments.get(code)
        if department is None:
            batch.error(row.number, "department_code", UNKNOWN_DEPARTMENT, value=code)
            failed.add("department_id")
        else:
            values["department_id"] = department.id
    if teacher is not None:  # blank cells keep the recorded values
        values = {name: getattr(teacher, name) for name in service.TEACHER_FIELDS} | values
    return batch.validated(row.number, TeacherCreate, values, FIELDS, skip=failed)


def _update(batch: Batch, row: SheetRow, teacher: Teacher, data: TeacherCreate) -> str:
    wanted = service._plain(data.model_dump())
    changes = {k: v for k, v in wanted.items() if getattr(teacher, k) != v}
    if not changes:
        return UNCHANGED
    update = partial(
        service.update_teacher,
        batch.session,
        actor=batch.actor,
        teacher=teacher,
        data=TeacherUpdate(**changes),
    )
    done = batch.guarded(row.number, FIELDS, update, savepoint=False)  # refuses before writing
    return UPDATED if done else ERROR
