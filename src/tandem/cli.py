"""The ``tandem`` command: serve, migrate, register colleges, load demo data."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import func, select

from tandem.auth.actor import Actor
from tandem.college import service as college_service
from tandem.college.models import College
from tandem.college.schemas import CollegeCreate
from tandem.config import ConfigurationError, get_settings
from tandem.db import session_scope
from tandem.kit.errors import AppError
from tandem.kit.i18n import set_language
from tandem.kit.validation import from_validation_error

app = typer.Typer(
    help="Tandem: the school–enterprise cooperation platform.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
db_app = typer.Typer(help="Database schema: apply and inspect migrations.", no_args_is_help=True)
college_app = typer.Typer(help="Colleges (tenants).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(college_app, name="college")

console = Console()
err_console = Console(stderr=True)


def fail(error: AppError) -> None:
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
) -> None:
    """Load the demo college (code DEMO) with its departments and records."""
    from tandem.demo import build_demo

    with session_scope() as session:
        if if_empty and (session.scalar(select(func.count(College.id))) or 0) > 0:
            console.print("Demo data: the database already has colleges; nothing loaded.")
            return
        summary = build_demo(session, console=console)
    console.print(f"[green]Demo loaded:[/] {summary}")


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
