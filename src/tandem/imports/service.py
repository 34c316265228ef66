"""Import a register from a spreadsheet table: all rows or none.

:func:`import_rows` checks every row with the same schemas and services the pages use, inside a
savepoint. If any row has an error the savepoint is rolled back and the report lists every error
(sheet row, column, reason) with nothing counted as written; a dry run is rolled back as well.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.college.models import College
from tandem.config import Settings
from tandem.kit.errors import AppError, Conflict, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_, get_language, gettext, set_language
from tandem.kit.spreadsheet import SpreadsheetProblem, Table, write_workbook

from .agreements import import_agreements
from .columns import REGISTERS, Register
from .common import Batch, ProgressFn, RegisterReport
from .equipment import import_equipment
from .partners import import_partners
from .students import import_students
from .teachers import import_teachers

IMPORTERS: dict[str, Callable[[Batch, Table], None]] = {
    "partners": import_partners,
    "students": import_students,
    "teachers": import_teachers,
    "agreements": import_agreements,
    "equipment": import_equipment,
}


def register_named(name: str) -> Register:
    register = REGISTERS.get(name)
    if register is None:
        raise NotFound(N_("There is no page at this address."))
    return register


def check_access(
    session: Session, *, actor: Actor, register: Register, college_id: int | None
) -> None:
    """The actor may import this register, into this college (another college: not found)."""
    if not actor.can(register.permission):
        raise PermissionDenied()
    if college_id is None:
        if register.needs_college:
            raise ValidationFailed.single(
                "college_id", "college_required", N_("Choose the college to import into.")
            )
        return
    college = session.get(College, college_id)
    if college is None or not (actor.is_platform_wide or actor.college_id == college_id):
        raise NotFound(N_("No college with id %(id)s."), id=college_id)


def import_rows(
    session: Session,
    *,
    actor: Actor,
    register: str,
    table: Table,
    college_id: int | None,
    create_accounts: bool = False,
    settings: Settings,
    language: str,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
) -> RegisterReport:
    """Create, update or leave alone each row's record; write nothing if any row is wrong.

    ``college_id`` is the college the students or teachers belong to (for partners: the college
    that gets partnerships, or None). ``language`` is that of invitation e-mails; messages in
    the report are in the current language. ``progress`` is called with the rows done so far.
    """
    spec = register_named(register)
    check_access(session, actor=actor, register=spec, college_id=college_id)
    if create_accounts:
        if not spec.accounts:
            raise AppError(N_("Accounts can be created only for students and teachers."))
        if "email" not in table.columns:
            raise SpreadsheetProblem(
                N_("To create accounts the file needs the column %(name)s."),
                code="missing_columns",
                name="电子邮箱 / Email",
            )
    report = RegisterReport(register=register, dry_run=dry_run)
    batch = Batch(
        session=session,
        actor=actor,
        register=spec,
        college_id=college_id,
        settings=settings,
        language=language,
        create_accounts=create_accounts,
        report=report,
        progress=progress,
    )
    savepoint = session.begin_nested()
    try:
        IMPORTERS[register](batch, table)
    except IntegrityError as exc:  # someone saved the same record meanwhile
        savepoint.rollback()
        raise Conflict(N_("The data changed while importing; import the file again.")) from exc
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    if report.errors or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    order = {c.key: i for i, c in enumerate(spec.columns)}
    report.errors.sort(key=lambda e: (e.row, order.get(e.column or "", -1)))
    report.outcomes.sort(key=lambda o: o.row)
    if report.errors:
        report.created = report.updated = report.unchanged = report.invited = 0
    return report


def template_workbook(register: str, language: str) -> bytes:
    """An empty workbook with the register's headers in ``language``, each with its hint."""
    spec = register_named(register)
    previous = get_language()
    set_language(language)  # the hints are translated as the workbook is written
    try:
        return write_workbook(
            spec.columns, [], language=language, title=gettext(spec.title), with_hints=True
        )
    finally:
        set_language(previous)
