"""What every register's import shares: the running report, row errors and value helpers.

Rows are checked with the same Pydantic schemas as the pages and the API; their field errors
become row errors on the spreadsheet column they came from. Writes go through the domain
services, each row in a savepoint of its own, so a row the service refuses is reported and the
import goes on to find every other problem (the whole import is rolled back afterwards).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.config import Settings
from tandem.kit.errors import AppError, FieldError
from tandem.kit.i18n import N_, get_language, gettext
from tandem.kit.spreadsheet import (
    ROUNDED_MARK,
    ImportReport,
    RowError,
    SheetRow,
    rounded_number_problem,
)
from tandem.kit.validation import from_validation_error

from .columns import Register, choice_examples, choose

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
ProgressFn = Callable[[int], None]
IN_CHUNK = 900  # values per IN (...) list: below every database's parameter limit

CREATED, UPDATED, UNCHANGED, SHARED, ERROR = "created", "updated", "unchanged", "shared", "error"
SHARED_NOTE = N_("unchanged (shared record; propose changes on its page)")
TWICE = N_("%(value)s is in the file twice: rows %(first)s and %(second)s.")
NOT_A_CHOICE = N_("%(value)s is not a valid value here; use one of: %(choices)s.")
CONFLICT_MEANWHILE = N_("This row conflicts with data saved meanwhile; import the file again.")


@dataclass
class RowOutcome:
    row: int
    key: str
    status: str  # created / updated / unchanged / shared / error


@dataclass
class RegisterReport(ImportReport):
    """An :class:`ImportReport` with what happened to each row (for previews) and notes."""

    register: str = ""
    dry_run: bool = False
    invited: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)  # rows kept as they were, and why

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


@dataclass
class Batch:
    """One import run: who, where, the report so far, and the rows already known to be bad."""

    session: Session
    actor: Actor
    register: Register
    college_id: int | None
    settings: Settings
    language: str  # of the invitation e-mails
    create_accounts: bool
    report: RegisterReport
    progress: ProgressFn | None = None
    done: int = 0
    bad: set[int] = field(default_factory=set)

    def tick(self, rows: int = 1) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.done)

    def error(self, row: int, column: str | None, message: str, **params: Any) -> None:
        """A row error; ``message`` is a msgid, localised now."""
        self.add(row, column, gettext(message, **params))

    def add(self, row: int, column: str | None, text: str) -> None:
        self.report.errors.append(RowError(row, column, text))
        self.bad.add(row)

    def field_errors(
        self,
        row: int,
        errors: Iterable[FieldError],
        fields: Mapping[str, str],
        *,
        skip: Iterable[str] = (),
    ) -> None:
        """Field errors as row errors on their columns (``fields`` renames schema fields)."""
        skipped = set(skip)
        for item in errors:
            column = fields.get(item.field, item.field)
            if item.field in skipped or column in skipped:
                continue
            known = self.register.column(column) is not None
            self.add(row, column if known else None, item.localised())

    def outcome(self, row: int, key: str, status: str) -> None:
        self.report.outcomes.append(RowOutcome(row, key, status))
        if status in (CREATED, UPDATED, UNCHANGED, SHARED):
            setattr(self.report, _COUNTER[status], getattr(self.report, _COUNTER[status]) + 1)

    def note(self, row: int, message: str) -> None:
        self.report.notes.append(RowError(row, None, gettext(message)))

    def validated(
        self,
        row: int,
        schema: type[M],
        data: Mapping[str, Any],
        fields: Mapping[str, str],
        *,
        skip: Iterable[str] = (),
    ) -> M | None:
        """``data`` checked by ``schema``; on failure its errors become row errors."""
        try:
            return schema.model_validate(data)
        except ValidationError as exc:
            self.field_errors(row, from_validation_error(exc).errors, fields, skip=skip)
            return None

    def check(self, row: int, fields: Mapping[str, str], rule: Callable[[], None]) -> bool:
        """A service rule that writes nothing (it raises when broken); False if broken."""
        try:
            rule()
        except AppError as error:
            self._refused(row, error, fields)
            return False
        return True

    def guarded(
        self,
        row: int,
        fields: Mapping[str, str],
        action: Callable[[], T],
        *,
        savepoint: bool = True,
    ) -> T | None:
        """Run a service call for one row; a refusal (AppError) becomes a row error.

        The call runs in a savepoint of its own, so that a refusal after a partial write leaves
        nothing behind. ``savepoint=False`` is for services that refuse before they write (the
        updates of students and teachers): on thousands of rows it saves two statements each.
        """
        if not savepoint:
            try:
                return action()
            except AppError as error:
                self._refused(row, error, fields)
                return None
        nested = self.session.begin_nested()
        try:
            result = action()
        except AppError as error:
            nested.rollback()
            self._refused(row, error, fields)
            return None
        except IntegrityError:
            nested.rollback()
            self.error(row, None, CONFLICT_MEANWHILE)
            return None
        nested.commit()
        return result

    def _refused(self, row: int, error: AppError, fields: Mapping[str, str]) -> None:
        if error.errors:
            self.field_errors(row, error.errors, fields)
        else:
            self.add(row, None, error.localised())


_COUNTER = {CREATED: "created", UPDATED: "updated", UNCHANGED: "unchanged", SHARED: "unchanged"}


# --- checking cells ------------------------------------------------------------------------------


def rounded_cells(batch: Batch, row: SheetRow) -> bool:
    """Report every cell Excel has rounded (an ID typed as a number); True if there was one."""
    found = False
    for key, value in row.values.items():
        problem = rounded_number_problem(value)
        if problem is not None:
            batch.add(row.number, key, problem)
            found = True
    return found


def once(batch: Batch, seen: dict[str, int], value: str, row: int, column: str) -> bool:
    """Remember the first row with ``value``; a second one is an error naming both rows."""
    first = seen.setdefault(value, row)
    if first != row:
        batch.error(row, column, TWICE, value=value, first=first, second=row)
        return False
    return True


def coded(
    batch: Batch, row: SheetRow, column: str, choices: str, failed: set[str], field_name: str = ""
) -> str | None:
    """The code for a coded cell (blank: None); an unknown value is an error on the column."""
    value = row.values.get(column)
    if value is None:
        return None
    code = choose(choices, value)
    if code is None:
        examples = choice_examples(choices, get_language())
        batch.error(row.number, column, NOT_A_CHOICE, value=value, choices=examples)
        failed.add(field_name or column)
    return code


def given(row: SheetRow, names: Iterable[str], failed: set[str]) -> dict[str, str]:
    """The cells among ``names`` that are filled in (a rounded number counts as failed)."""
    found: dict[str, str] = {}
    for name in names:
        value = row.values.get(name)
        if value is None:
            continue
        if value.startswith(ROUNDED_MARK):
            failed.add(name)
        else:
            found[name] = value
    return found


def chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
