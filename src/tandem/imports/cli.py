"""``tandem import``: registers from spreadsheets, and their empty templates.

    tandem import students FILE --college CODE [--dry-run] [--create-accounts] [--errors-out X]
    tandem import teachers FILE --college CODE [...]
    tandem import partners FILE [--college CODE] [--dry-run] [--errors-out X]
    tandem import agreements FILE --college CODE [--dry-run] [--errors-out X]
    tandem import equipment FILE --college CODE [--dry-run] [--errors-out X]
    tandem import template students -o students.xlsx [--lang zh_CN|en]

All or nothing: when a row is wrong, every error is printed as "row N, column: reason", nothing
is written and the command exits 1 (``--errors-out`` saves the file with the bad cells marked).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tandem.auth.actor import Actor
from tandem.college import repository as college_repository
from tandem.config import get_settings
from tandem.db import session_scope
from tandem.kit.errors import AppError, NotFound
from tandem.kit.i18n import N_, get_language, gettext
from tandem.kit.spreadsheet import marked_copy, read_table

from .columns import REGISTERS
from .common import RegisterReport
from .service import import_rows, template_workbook

import_app = typer.Typer(
    help=(
        "Import partner enterprises, students, teachers, agreements or equipment from a "
        "spreadsheet (.xlsx or .csv)."
    ),
    no_args_is_help=True,
)
console = Console()
err_console = Console(stderr=True)


class RegisterName(StrEnum):
    partners = "partners"
    students = "students"
    teachers = "teachers"
    agreements = "agreements"
    equipment = "equipment"


class Language(StrEnum):
    ZH_CN = "zh_CN"
    EN = "en"


FileArg = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, help="The .xlsx or .csv file.")
]
CollegeOpt = Annotated[str | None, typer.Option("--college", help="The college's code.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Check and report, but write nothing.")]
AccountsOpt = Annotated[
    bool,
    typer.Option("--create-accounts", help="Invite each person with an e-mail (Email column)."),
]
ErrorsOpt = Annotated[
    Path | None,
    typer.Option("--errors-out", help="On errors, save the file with the bad cells marked here."),
]


def _fail(error: AppError) -> NoReturn:
    from tandem.cli import fail  # imported late: tandem.cli imports this module

    fail(error)


@import_app.command("students")
def import_students(
    file: FileArg,
    college: CollegeOpt = None,
    dry_run: DryRunOpt = False,
    create_accounts: AccountsOpt = False,
    errors_out: ErrorsOpt = None,
) -> None:
    """Import students (keyed by student number) into --college."""
    _import("students", file, college, dry_run, create_accounts, errors_out)


@import_app.command("teachers")
def import_teachers(
    file: FileArg,
    college: CollegeOpt = None,
    dry_run: DryRunOpt = False,
    create_accounts: AccountsOpt = False,
    errors_out: ErrorsOpt = None,
) -> None:
    """Import teachers (keyed by staff number) into --college."""
    _import("teachers", file, college, dry_run, create_accounts, errors_out)


@import_app.command("partners")
def import_partners(
    file: FileArg,
    college: CollegeOpt = None,
    dry_run: DryRunOpt = False,
    errors_out: ErrorsOpt = None,
) -> None:
    """Import partner enterprises (keyed by USCC); --college gets the partnerships."""
    _import("partners", file, college, dry_run, False, errors_out)


@import_app.command("agreements")
def import_agreements(
    file: FileArg,
    college: CollegeOpt = None,
    dry_run: DryRunOpt = False,
    errors_out: ErrorsOpt = None,
) -> None:
    """Import existing agreements (keyed by agreement number) into --college."""
    _import("agreements", file, college, dry_run, False, errors_out)


@import_app.command("equipment")
def import_equipment(
    file: FileArg,
    college: CollegeOpt = None,
    dry_run: DryRunOpt = False,
    errors_out: ErrorsOpt = None,
) -> None:
    """Import the equipment register (keyed by asset tag; an existing tag updates its line)."""
    _import("equipment", file, college, dry_run, False, errors_out)


@import_app.command("template")
def template(
    register: Annotated[RegisterName, typer.Argument(help="Which register.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to save the .xlsx.")],
    lang: Annotated[
        Language | None, typer.Option("--lang", help="Language of the headers.")
    ] = None,
) -> None:
    """Save an empty workbook with the register's columns (hints as comments)."""
    language = lang.value if lang else get_language()
    output.write_bytes(template_workbook(register.value, language))
    console.print(gettext(N_("Template saved to %(path)s."), path=str(output)))


def _import(
    register: str,
    file: Path,
    college_code: str | None,
    dry_run: bool,
    create_accounts: bool,
    errors_out: Path | None,
) -> None:
    spec = REGISTERS[register]
    data = file.read_bytes()
    try:
        table = read_table(data, spec.columns)
    except AppError as error:
        _fail(error)
    settings = get_settings()
    try:
        with session_scope() as session:
            college_id = None
            if college_code:
                college = college_repository.find_college_by_code(session, college_code)
                if college is None:
                    _fail(NotFound(N_("No college with code %(value)s."), value=college_code))
                college_id = college.id
            elif spec.needs_college:
                _fail(AppError(N_("%(option)s is needed for this register."), option="--college"))
            with _progress() as progress:
                task = progress.add_task(gettext(spec.title), total=len(table.rows))
                report = import_rows(
                    session,
                    actor=Actor.cli(),
                    register=register,
                    table=table,
                    college_id=college_id,
                    create_accounts=create_accounts,
                    settings=settings,
                    language=get_language(),
                    dry_run=dry_run,
                    progress=lambda done: progress.update(task, completed=done),
                )
            if not report.ok:
                _print_errors(register, report)
                if errors_out is not None:
                    errors_out.write_bytes(marked_copy(data, table, report.errors))
                    err_console.print(
                        gettext(N_("The marked file is saved as %(path)s."), path=str(errors_out))
                    )
                raise typer.Exit(1)  # leaving session_scope by an exception rolls back
    except AppError as error:
        _fail(error)
    _print_summary(report)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


def _print_errors(register: str, report: RegisterReport) -> None:
    spec = REGISTERS[register]
    language = get_language()
    err_console.print(
        "[bold red]"
        + gettext(
            N_("%(count)s error(s): nothing was imported. Correct the file and import it again."),
            count=len(report.errors),
        )
        + "[/]"
    )
    for error in report.errors:
        where = gettext(N_("row %(row)s"), row=error.row)
        if error.column:
            where += f", {spec.header(error.column, language)}"
        err_console.print(
            f"  {where}: {error.message}", markup=False, highlight=False, soft_wrap=True
        )


def _print_summary(report: RegisterReport) -> None:
    for note in report.notes:
        console.print(
            gettext(N_("row %(row)s"), row=note.row) + f": {note.message}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    summary = gettext(
        N_("Created: %(created)s, updated: %(updated)s, unchanged: %(unchanged)s."),
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    console.print(f"[green]{summary}[/]")
    if report.invited:
        console.print(
            gettext(
                N_("Invitations queued: %(count)s (`tandem mail send` delivers them)."),
                count=report.invited,
            )
        )
    if report.dry_run:
        console.print(gettext(N_("Dry run: nothing was written.")))
