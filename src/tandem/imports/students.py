"""Importing students, keyed by student number within the college.

Each row is checked as a whole record with :class:`StudentCreate` — the schema the pages use —
after the class is found by its name. A new student is created, an existing one updated through
:func:`tandem.people.service.update_student` with only the fields that differ, and an identical
one left alone. Blank cells keep what is recorded.

New students are written in bulk: one INSERT for all of them and one for their audit entries,
built with the service's own helpers (the stored forms of the ID number, the audited fields), so
that 20,000 rows take seconds rather than minutes. Everything a per-row ``create_student`` call
would refuse — an unknown or archived class, a taken student or ID number — is checked first
against data loaded in a few queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.roles import Role
from tandem.kit.crypto import cipher
from tandem.kit.i18n import N_
from tandem.kit.identifiers import normalise_code, resident_id_problem
from tandem.kit.spreadsheet import ROUNDED_MARK, SheetRow, Table
from tandem.people import service
from tandem.people.bulk import insert_students
from tandem.people.models import SchoolClass, Student
from tandem.people.schemas import StudentCreate, StudentUpdate

from .accounts import Invite, bound_records, checked_email, invite_all
from .columns import fold
from .common import (
    CREATED,
    ERROR,
    UNCHANGED,
    UPDATED,
    Batch,
    chunks,
    coded,
    given,
    once,
    rounded_cells,
)

FIELDS = {"class_id": "class_name", "student_id": "email", "display_name": "name"}
TEXT_INPUTS = (
    "student_number",
    "name",
    "birth_date",
    "id_number",
    "phone",
    "guardian_name",
    "guardian_phone",
)
UNKNOWN_CLASS = N_("No class named %(value)s in this college: add it first, or correct the name.")
# The same messages as tandem.people.service, so that pages and imports read alike.
ARCHIVED_CLASS = N_("Class %(name)s is archived: restore it first, or choose another class.")
ID_TAKEN = N_("Another student of this college has this ID number.")
WRONG_COHORT = N_("Class %(name)s is of the %(cohort)s cohort, not %(value)s.")
BAD_COHORT = N_("Enter the cohort as a year, e.g. 2024.")


Recorded = Any  # a Row: a student's recorded values: id, the audited fields, the ID number's hash


@dataclass
class _Classes:
    exact: dict[str, SchoolClass]
    folded: dict[str, SchoolClass]

    def find(self, name: str) -> SchoolClass | None:
        return self.exact.get(name) or self.folded.get(fold(name))


@dataclass
class _New:
    row: SheetRow
    data: StudentCreate
    email: str | None


def import_students(batch: Batch, table: Table) -> None:
    session, college_id = batch.session, batch.college_id
    assert college_id is not None  # noqa: S101 - import_rows requires the college for students
    numbers, id_hashes = _first_pass(batch, table)
    existing = _existing(session, college_id, list(numbers))
    classes = _classes(session, college_id)
    owners = _id_owners(session, college_id, [h for h in id_hashes.values() if h])
    bound = bound_records(session, college_id, "student_id") if batch.create_accounts else set()
    new: list[_New] = []
    changed: list[tuple[SheetRow, int, StudentUpdate]] = []
    invites: list[Invite] = []
    for row in table.rows:
        failed: set[str] = set()
        number = row.values.get("student_number") or ""
        student = existing.get(number)
        data = _check_row(batch, row, student, classes, failed)
        email = checked_email(batch, row, Role.STUDENT, FIELDS, failed)
        if data is not None and data.id_number is not None:
            owner = owners.get(id_hashes.get(data.id_number) or "")
            if owner is not None and owner != data.student_number:
                batch.error(row.number, "id_number", ID_TAKEN)
        if data is None or row.number in batch.bad:
            batch.outcome(row.number, number, ERROR)
            batch.tick()
        elif student is None:
            new.append(_New(row, data, email))
        else:
            changes = _changes(student, data, id_hashes)
            if changes:
                changed.append((row, student.id, StudentUpdate(**changes)))
            else:
                batch.outcome(row.number, number, UNCHANGED)
                batch.tick()
            if email and student.id not in bound:
                invites.append(Invite(row.number, student.id, data.name, email))
    created = _insert(batch, college_id, new)
    invites += [Invite(n.row.number, i, n.data.name, n.email) for n, i in created if n.email]
    records = _records(session, [student_id for _, student_id, _ in changed])
    for row, student_id, update in changed:
        record = records[student_id]
        done = batch.guarded(
            row.number,
            FIELDS,
            partial(
                service.update_student, session, actor=batch.actor, student=record, data=update
            ),
            savepoint=False,  # update_student refuses before it changes anything
        )
        batch.outcome(row.number, record.student_number, UPDATED if done else ERROR)
        batch.tick()
    invite_all(batch, Role.STUDENT, "student_id", sorted(invites, key=lambda i: i.row), FIELDS)


def _first_pass(batch: Batch, table: Table) -> tuple[dict[str, int], dict[str, str | None]]:
    """Keys, ID numbers and e-mails that appear twice; the keyed hashes of the ID numbers."""
    numbers: dict[str, int] = {}
    ids: dict[str, int] = {}
    emails: dict[str, int] = {}
    for row in table.rows:
        rounded_cells(batch, row)
        number = row.values.get("student_number")
        if number is not None:
            once(batch, numbers, number, row.number, "student_number")
        id_text = row.values.get("id_number")
        if id_text is not None and not id_text.startswith(ROUNDED_MARK):
            once(batch, ids, normalise_code(id_text), row.number, "id_number")
        email = row.values.get("email")
        if batch.create_accounts and email is not None:
            once(batch, emails, email.lower(), row.number, "email")
    data_cipher = cipher()
    hashes = {
        number: data_cipher.lookup_hash(number) if resident_id_problem(number) is None else None
        for number in ids
    }
    return numbers, hashes


def _check_row(
    batch: Batch,
    row: SheetRow,
    student: Recorded | None,
    classes: _Classes,
    failed: set[str],
) -> StudentCreate | None:
    values: dict[str, Any] = given(row, TEXT_INPUTS, failed)
    for column, choices in (("gender", "gender"), ("status", "student_status")):
        code = coded(batch, row, column, choices, failed)
        if code is not None:
            values[column] = code
    school_class = _class_of(batch, row, classes, failed)
    if school_class is not None:
        values["class_id"] = school_class.id
        moved = student is None or student.class_id != school_class.id
        if moved and school_class.archived_at is not None:
            batch.error(row.number, "class_name", ARCHIVED_CLASS, name=school_class.name)
    if student is not None:  # blank cells keep the recorded values; the ID number is kept apart
        values = _current(student) | values
    return batch.validated(row.number, StudentCreate, values, FIELDS, skip=failed)


def _class_of(
    batch: Batch, row: SheetRow, classes: _Classes, failed: set[str]
) -> SchoolClass | None:
    name = row.values.get("class_name")
    if name is None:
        return None
    found = classes.find(name)
    if found is None:
        batch.error(row.number, "class_name", UNKNOWN_CLASS, value=name)
        failed.add("class_id")
        return None
    cohort = row.values.get("cohort")
    if cohort is not None:
        digits = re.sub(r"\D", "", cohort)
        if len(digits) != 4:
            batch.error(row.number, "cohort", BAD_COHORT)
        elif int(digits) != found.cohort_year:
            batch.error(
                row.number,
                "cohort",
                WRONG_COHORT,
                name=found.name,
                cohort=found.cohort_year,
                value=digits,
            )
    return found


def _current(student: Recorded) -> dict[str, Any]:
    return {name: getattr(student, name) for name in service.STUDENT_FIELDS}


def _changes(
    student: Recorded, data: StudentCreate, id_hashes: dict[str, str | None]
) -> dict[str, Any]:
    """The fields where the row differs from the record (the ID number by its keyed hash)."""
    wanted = service._plain(data.model_dump(include=set(service.STUDENT_FIELDS)))
    changes = {k: v for k, v in wanted.items() if getattr(student, k) != v}
    id_number = data.id_number
    if id_number is not None and id_hashes.get(id_number) != student.id_number_hash:
        changes["id_number"] = id_number
    return changes


def _insert(batch: Batch, college_id: int, new: list[_New]) -> list[tuple[_New, int]]:
    """Create the new students (and their audit entries) in bulk, as the service would."""
    ids = insert_students(
        batch.session,
        actor=batch.actor,
        college_id=college_id,
        students=[item.data for item in new],
    )
    for item in new:
        batch.outcome(item.row.number, item.data.student_number, CREATED)
    if new:
        batch.tick(len(new))
    return list(zip(new, ids, strict=True))


def _ids(session: Session, college_id: int, numbers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunks(numbers):
        stmt = select(Student.student_number, Student.id).where(
            Student.college_id == college_id, Student.student_number.in_(part)
        )
        found.update((number, student_id) for number, student_id in session.execute(stmt))
    return found


# --- loading what the rows refer to, a few queries in all ---------------------------------------


def _existing(session: Session, college_id: int, numbers: list[str]) -> dict[str, Recorded]:
    """The recorded values of the students in the file (plain rows: light to compare)."""
    columns = [getattr(Student, name) for name in ("id", *service.STUDENT_FIELDS)]
    found: dict[str, Recorded] = {}
    for part in chunks(numbers):
        stmt = select(*columns, Student.id_number_hash).where(
            Student.college_id == college_id, Student.student_number.in_(part)
        )
        found.update((row.student_number, row) for row in session.execute(stmt))
    return found


def _records(session: Session, ids: list[int]) -> dict[int, Student]:
    """The students to update, as records the service can change."""
    found: dict[int, Student] = {}
    for part in chunks(ids):
        found.update(
            (s.id, s) for s in session.scalars(select(Student).where(Student.id.in_(part)))
        )
    return found


def _classes(session: Session, college_id: int) -> _Classes:
    rows = session.scalars(select(SchoolClass).where(SchoolClass.college_id == college_id)).all()
    return _Classes({c.name: c for c in rows}, {fold(c.name): c for c in rows})


def _id_owners(session: Session, college_id: int, hashes: list[str]) -> dict[str, str]:
    """Who already has each ID number (by keyed hash): hash -> student number."""
    owners: dict[str, str] = {}
    for part in chunks(hashes):
        stmt = select(Student.id_number_hash, Student.student_number).where(
            Student.college_id == college_id, Student.id_number_hash.in_(part)
        )
        owners.update((h, n) for h, n in session.execute(stmt) if h is not None)
    return owners
