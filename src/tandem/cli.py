"""The ``tandem`` command: serve, migrate, register colleges, load demo data."""

from __future__ import annotations

import sys
from typing import Annotated, Literal, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college import repository as college_repository
from tandem.college import service as college_service
from tandem.college.models import College
from tandem.college.schemas import CollegeCreate
from tandem.compliance.cli import compliance_app
from tandem.config import ConfigurationError, get_settings
from tandem.db import session_scope
from tandem.imports.cli import import_app
from tandem.kit.errors import AppError, NotFound
from tandem.kit.i18n import N_, get_language, gettext, set_language
from tandem.kit.validation import from_validation_error
from tandem.mail.delivery import smtp_settings
from tandem.matching.cli import HELP as MATCH_HELP
from tandem.matching.cli import match_command
from tandem.placement.cli import app as placement_app
from tandem.resource.cli import app as resources_app

app = typer.Typer(
    help="Tandem: the school–enterprise cooperation platform.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
db_app = typer.Typer(help="Database schema: apply and inspect migrations.", no_args_is_help=True)
college_app = typer.Typer(help="Colleges (tenants).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(college_app, name="college")
user_app = typer.Typer(help="Accounts.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)
mail_app = typer.Typer(help="The e-mail outbox.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(mail_app, name="mail")
app.add_typer(import_app, name="import")
app.add_typer(compliance_app, name="compliance")
app.add_typer(resources_app, name="resources")
app.add_typer(placement_app, name="placement")
app.command("match", help=MATCH_HELP)(match_command)

console = Console()
err_console = Console(stderr=True)


def fail(error: AppError) -> NoReturn:
    """Print an error the way a person can act on it, and exit with status 1."""
    err_console.print(f"[bold red]Error:[/] {error.localised()}")
    for item in error.errors:
        if item.message == error.message and len(error.errors) == 1:
            break
        err_console.print(f"  • [bold]{item.field}[/]: {item.localised()}")
    raise typer.Exit(1)


@app.callback()
def main(
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of messages: zh_CN or en.")
    ] = None,
) -> None:
    set_language(lang or get_settings().default_language)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from tandem.migrations import upgrade

    settings = get_settings()
    upgrade(settings.database_url, revision)
    console.print(f"[green]Database is at {revision}[/] ({_safe_url(settings.database_url)})")


@db_app.command("current")
def db_current() -> None:
    """Show the revision the database is at, and the latest available."""
    from alembic.runtime.migration import MigrationContext

    from tandem.db import get_engine
    from tandem.migrations import current_heads

    with get_engine().connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    console.print(f"database: {', '.join(current) or '(empty)'}")
    console.print(f"latest:   {', '.join(current_heads(get_settings().database_url))}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@college_app.command("create")
def college_create(
    code: Annotated[str, typer.Argument(help="Short unique code, e.g. GZVTC.")],
    name_zh: Annotated[str, typer.Option("--name-zh", help="Chinese name.")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name.")],
    region: Annotated[
        str, typer.Option("--region", help="6-digit administrative division code (GB/T 2260).")
    ] = "440100",
) -> None:
    """Register a college."""
    from pydantic import ValidationError

    try:
        data = CollegeCreate(code=code, name_zh=name_zh, name_en=name_en, region_code=region)
    except ValidationError as exc:
        fail(from_validation_error(exc))
        return
    try:
        with session_scope() as session:
            college = college_service.create_college(session, actor=Actor.cli(), data=data)
            console.print(f"[green]College {college.code} registered[/] (id {college.id}).")
    except AppError as error:
        fail(error)


@app.command()
def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Only load when the database has no college yet.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same college.")] = 2026,
    size: Annotated[
        Literal["default", "large"],
        typer.Option(
            help="large: also college LARGE at benchmark scale (20,000 students; under a minute)."
        ),
    ] = "default",
) -> None:
    """Load the demo college (code DEMO) with its departments and records."""
    from tandem.demo import build_demo
    from tandem.demo.accounts import DEMO_PASSWORD, demo_logins

    with session_scope() as session:
        if if_empty and (session.scalar(select(func.count(College.id))) or 0) > 0:
            console.print("Demo data: the database already has colleges; nothing loaded.")
        else:
            if size == "large":
                from tandem.demo.large import build_large_demo

                summary = build_large_demo(session, seed=seed, console=console)
            else:
                summary = build_demo(session, seed=seed, console=console)
            console.print(f"[green]Demo loaded:[/] {summary}")
        logins = demo_logins(session)
    if logins:
        table = Table(title=f"Demo logins (password for all: {DEMO_PASSWORD})")
        table.add_column("E-mail")
        table.add_column("Role")
        for email, role in logins:
            table.add_row(email, role)
        console.print(table)


def _college_by_code(session: Session, code: str) -> College:
    college = college_repository.find_college_by_code(session, code)
    if college is None:
        fail(NotFound(N_("No college with code %(value)s."), value=code.upper()))
    return college


def _bindings(
    session: Session,
    college: College | None,
    student: str | None,
    teacher: str | None,
    enterprise: str | None,
) -> dict[str, int]:
    """Record ids for --student / --teacher / --enterprise, or a clear error."""
    from tandem.kit.identifiers import normalise_code
    from tandem.partner.models import Enterprise
    from tandem.people.models import Student, Teacher

    found: dict[str, int] = {}
    for option, number, model, column, field in (
        ("--student", student, Student, Student.student_number, "student_id"),
        ("--teacher", teacher, Teacher, Teacher.staff_number, "teacher_id"),
    ):
        if number is None:
            continue
        if college is None:
            fail(AppError(N_("%(option)s needs --college."), option=option))
        record_id = session.scalar(
            select(model.id).where(model.college_id == college.id, column == number.strip())
        )
        if record_id is None:
            fail(NotFound(N_("No record with number %(number)s in this college."), number=number))
        found[field] = record_id
    if enterprise is not None:
        code = normalise_code(enterprise)
        enterprise_id = session.scalar(select(Enterprise.id).where(Enterprise.uscc == code))
        if enterprise_id is None:
            fail(NotFound(N_("No enterprise with the credit code %(value)s."), value=code))
        found["enterprise_id"] = enterprise_id
    return found


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Argument(help="The person's e-mail (their sign-in name).")],
    role: Annotated[Role, typer.Option("--role", help="The account's role.")],
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    college: Annotated[str | None, typer.Option("--college", help="College code.")] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="Department code (in --college).")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Region code (education authority).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    student: Annotated[
        str | None, typer.Option("--student", help="Bind to this student number (in --college).")
    ] = None,
    teacher: Annotated[
        str | None, typer.Option("--teacher", help="Bind to this staff number (in --college).")
    ] = None,
    enterprise: Annotated[
        str | None, typer.Option("--enterprise", help="Bind to the enterprise with this USCC.")
    ] = None,
) -> None:
    """Create an account; without --password-stdin an invitation e-mail is queued instead."""
    from pydantic import ValidationError

    from tandem.auth import service as auth_service
    from tandem.auth.schemas import UserInvite

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        with session_scope() as session:
            college_row = _college_by_code(session, college) if college else None
            department_row = None
            if department:
                if college_row is None:
                    fail(AppError(N_("%(option)s needs --college."), option="--department"))
                department_row = college_repository.find_department_by_code(
                    session, college_row, department
                )
                if department_row is None:
                    fail(
                        NotFound(
                            N_("No department with code %(value)s in this college."),
                            value=department.upper(),
                        )
                    )
            try:
                data = UserInvite(
                    email=email,
                    display_name=name or email.split("@")[0],
                    role=role,
                    college_id=college_row.id if college_row else None,
                    department_id=department_row.id if department_row else None,
                    region_code=region,
                    **_bindings(session, college_row, student, teacher, enterprise),
                )
            except ValidationError as exc:
                fail(from_validation_error(exc))
                return
            settings = get_settings()
            if password is None:
                user = auth_service.invite_user(
                    session,
                    actor=Actor.cli(),
                    data=data,
                    settings=settings,
                    language=get_language(),
                )
                console.print(
                    f"[green]Account {user.email} created[/]; the invitation is in "
                    "the outbox (`tandem mail send` delivers it)."
                )
            else:
                user = auth_service.create_user(
                    session, actor=Actor.cli(), data=data, password=password
                )
                console.print(f"[green]Account {user.email} created[/] (role {user.role}).")
    except AppError as error:
        fail(error)


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")],
) -> None:
    """Create a personal API token and print it (it is shown only once)."""
    from tandem.auth import repository as auth_repository
    from tandem.auth import service as auth_service

    try:
        with session_scope() as session:
            user = auth_repository.find_user_by_email(session, email)
            if user is None:
                fail(NotFound(N_("No account with the e-mail %(email)s."), email=email))
                return
            if not user.is_active:
                fail(AppError(N_("The account is disabled; enable it first.")))
            _, raw = auth_service.create_token(
                session, actor=Actor.cli(), user=user, name=name.strip() or "cli"
            )
    except AppError as error:
        fail(error)
        return
    console.print("[green]Token created.[/] It is shown only now; store it safely:")
    typer.echo(raw)


@mail_app.command("send")
def mail_send() -> None:
    """Send the e-mails waiting in the outbox (safe to run from cron)."""
    from tandem.mail.service import deliver_pending

    with session_scope() as session:
        report = deliver_pending(session, settings=smtp_settings(get_settings()))
    if report.note:
        console.print(gettext(report.note))
    console.print(f"sent {report.sent}, failed {report.failed}")


@app.command()
def remind(
    on: Annotated[
        str | None,
        typer.Option("--date", help="Run as if today were this day (YYYY-MM-DD)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen, change nothing.")
    ] = False,
) -> None:
    """Move agreements on by date and write due reminders, and check placements again
    (idempotent: safe to run from cron).

    E-mails are queued when SMTP is configured; `tandem mail send` delivers them.
    """
    from datetime import date

    from rich.progress import Progress

    from tandem.agreement.reminders import mark_run, run_reminders
    from tandem.kit.dates import local_today
    from tandem.kit.errors import ValidationFailed
    from tandem.placement.recheck import run_check

    try:
        today = date.fromisoformat(on) if on else local_today()
    except ValueError:
        fail(
            ValidationFailed.single(
                "--date",
                "invalid_date",
                N_("%(value)s is not a date: write it as YYYY-MM-DD."),
                value=on,
            )
        )
    settings = get_settings()
    with session_scope() as session:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(gettext(N_("Reminders")), total=None)

            def advanced(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = run_reminders(session, today=today, settings=settings, progress=advanced)
            checked = run_check(session, today=today, settings=settings, progress=advanced)
        if dry_run:
            session.rollback()
        else:
            mark_run(session, today=today, report=report)
    table = Table(title=gettext(N_("Reminders for %(day)s"), day=today.isoformat()))
    table.add_column(gettext(N_("What")))
    table.add_column(gettext(N_("Count")), justify="right")
    for label, count in [*report.rows(), *checked.rows()]:
        table.add_row(gettext(label), str(count))
    console.print(table)
    for agreement_id, reason in report.problems:
        err_console.print(f"[yellow]#{agreement_id}[/]: {reason}")
    if dry_run:
        console.print(gettext(N_("Dry run: nothing was saved.")))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the web pages and the JSON API."""
    import uvicorn

    settings = get_settings()
    try:
        settings.resolved_secret_key()
    except ConfigurationError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}")
        raise typer.Exit(1) from exc
    bind_host = host or settings.host
    bind_port = port or settings.port
    console.print(f"Tandem is serving on [bold]http://{bind_host}:{bind_port}[/]")
    sys.stdout.flush()
    uvicorn.run(
        "tandem.main:create_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        log_level="info",
    )


if __name__ == "__main__":  # pragma: no cover
    app()
