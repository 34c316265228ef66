"""`tandem user create`, `tandem token create` and `tandem mail send`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import select
from typer.testing import CliRunner

from tandem import config, db
from tandem.audit.models import AuditEntry
from tandem.auth import service
from tandem.auth.models import ApiToken, User
from tandem.auth.passwords import verify_password
from tandem.cli import app
from tandem.mail.models import OutboxMessage

runner = CliRunner()
PASSWORD = "Cli-password-2024!"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh SQLite database for the command line, as `make run` would have."""
    monkeypatch.setenv("TANDEM_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TANDEM_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("TANDEM_ENV", raising=False)
    monkeypatch.delenv("TANDEM_SMTP_HOST", raising=False)
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()
    yield tmp_path
    db.get_engine().dispose()
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()


@pytest.fixture
def ready(cli_env: Path) -> Path:
    """Migrated, with a college GZ (department MECH) and a second college NORTH."""
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    for code in ("GZ", "NORTH"):
        made = runner.invoke(
            app, ["college", "create", code, "--name-zh", f"{code}学院", "--name-en", code]
        )
        assert made.exit_code == 0, made.output
    from tandem.auth.actor import Actor
    from tandem.college import repository
    from tandem.college import service as college_service
    from tandem.college.schemas import DepartmentCreate

    with db.session_scope() as session:
        college = repository.find_college_by_code(session, "GZ")
        assert college is not None
        college_service.create_department(
            session,
            actor=Actor.cli(),
            college=college,
            data=DepartmentCreate(code="MECH", name_zh="机械", name_en="Mechanical"),
        )
    return cli_env


def user(email: str) -> User | None:
    with db.session_scope() as session:
        found = session.scalar(select(User).where(User.email == email))
        if found is not None:
            session.expunge(found)
        return found


def count(model: type) -> int:
    with db.session_scope() as session:
        return len(session.scalars(select(model)).all())


def create(*args: str, password: str | None = PASSWORD) -> Result:
    command = ["--lang", "en", "user", "create", *args]
    if password is not None:
        return runner.invoke(app, [*command, "--password-stdin"], input=f"{password}\n")
    return runner.invoke(app, command)


def test_create_user_with_password_from_stdin(ready: Path) -> None:
    result = create(
        "Coord@GZ.example",
        "--role",
        "department_coordinator",
        "--college",
        "gz",
        "--department",
        "mech",
        "--name",
        "Coordinator",
    )
    assert result.exit_code == 0, result.output
    assert "coord@gz.example created" in result.output
    made = user("coord@gz.example")
    assert made is not None
    assert made.role == "department_coordinator"
    assert made.display_name == "Coordinator"
    assert made.department_id is not None
    assert verify_password(made.password_hash, PASSWORD)
    assert PASSWORD not in result.output
    assert count(OutboxMessage) == 0
    with db.session_scope() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "user_account"))
        assert entry is not None
        assert entry.actor_label == "cli"
        assert entry.changes["password_hash"] == "(changed)"


def test_platform_admin_and_authority_viewer(ready: Path) -> None:
    assert create("root@example.org", "--role", "platform_admin").exit_code == 0
    viewer = create("gov@example.org", "--role", "authority_viewer", "--region", "440000")
    assert viewer.exit_code == 0, viewer.output
    found = user("gov@example.org")
    assert found is not None
    assert found.region_code == "440000"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "teacher"], "This role belongs to a college: choose one."),
        (
            ["--role", "platform_admin", "--college", "GZ"],
            "This role belongs to no college; leave the college empty.",
        ),
        (
            ["--role", "department_coordinator", "--college", "GZ"],
            "A department coordinator needs a department of the college.",
        ),
        (["--role", "authority_viewer"], "An education authority account needs its region code."),
        (["--role", "teacher", "--department", "MECH"], "--department needs --college."),
        (
            ["--role", "teacher", "--college", "NORTH", "--department", "MECH"],
            "No department with code",
        ),
        (["--role", "teacher", "--college", "GZ"], "Use at least 10 characters."),
    ],
)
def test_role_and_binding_errors(ready: Path, args: list[str], message: str) -> None:
    password = "short" if message.startswith("Use at least") else PASSWORD
    result = create("bad@example.org", *args, password=password)
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert user("bad@example.org") is None


def test_invalid_email_names_the_field(ready: Path) -> None:
    result = create("not-an-email", "--role", "platform_admin")
    assert result.exit_code == 1
    assert "email" in result.output
    assert count(User) == 0


def test_unknown_college(ready: Path) -> None:
    result = create("x@example.org", "--role", "teacher", "--college", "NOPE")
    assert result.exit_code == 1
    assert "No college with code" in result.output
    assert count(User) == 0


CODE_BUG = (
    "BUG: cli.py passes the code as NotFound(..., code=...), which AppError takes as its error "
    "code, not a message parameter, so the message shows a raw '%(code)s'"
)


def test_unknown_college_is_named(ready: Path) -> None:
    result = create("x@example.org", "--role", "teacher", "--college", "nope")
    assert "No college with code NOPE." in result.output


def test_unknown_department_is_named(ready: Path) -> None:
    result = create(
        "x@example.org", "--role", "teacher", "--college", "NORTH", "--department", "mech"
    )
    assert "No department with code MECH in this college." in result.output


def test_duplicate_email(ready: Path) -> None:
    assert create("twice@example.org", "--role", "platform_admin").exit_code == 0
    again = create("TWICE@example.org", "--role", "platform_admin")
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert count(User) == 1


def test_without_password_an_invitation_is_queued(ready: Path) -> None:
    result = create("invitee@gz.example", "--role", "teacher", "--college", "GZ", password=None)
    assert result.exit_code == 0, result.output
    assert "invitation is in the outbox" in " ".join(result.output.split())
    invited = user("invitee@gz.example")
    assert invited is not None
    assert invited.is_invited
    with db.session_scope() as session:
        message = session.scalars(select(OutboxMessage)).one()
        assert message.to_address == "invitee@gz.example"
        assert re.search(r"/invitation/[A-Za-z0-9_-]{20,}", message.body)
        assert message.college_id == invited.college_id


def test_token_create_prints_a_working_token(ready: Path) -> None:
    create("api@example.org", "--role", "platform_admin")
    result = runner.invoke(app, ["token", "create", "API@example.org", "--name", "backup"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    assert raw.startswith("tdm_")
    with db.session_scope() as session:
        token = service.resolve_token(session, raw=raw)
        assert token is not None
        assert token.name == "backup"
        assert token.user.email == "api@example.org"
        assert token.token_hash != raw
        stored = session.scalars(select(ApiToken.token_hash)).all()
        assert raw not in stored


def test_token_create_for_unknown_or_disabled_account(ready: Path) -> None:
    missing = runner.invoke(
        app, ["--lang", "en", "token", "create", "who@example.org", "--name", "x"]
    )
    assert missing.exit_code == 1
    assert "No account with the e-mail who@example.org." in missing.output
    create("off@example.org", "--role", "platform_admin")
    with db.session_scope() as session:
        found = session.scalar(select(User).where(User.email == "off@example.org"))
        assert found is not None
        found.is_active = False
    disabled = runner.invoke(
        app, ["--lang", "en", "token", "create", "off@example.org", "--name", "x"]
    )
    assert disabled.exit_code == 1
    assert "disabled" in disabled.output
    assert count(ApiToken) == 0


def test_mail_send_without_smtp(ready: Path) -> None:
    create("queued@gz.example", "--role", "teacher", "--college", "GZ", password=None)
    result = runner.invoke(app, ["--lang", "en", "mail", "send"])
    assert result.exit_code == 0, result.output
    assert "SMTP is not configured" in " ".join(result.output.split())
    assert "sent 0, failed 0" in result.output
    with db.session_scope() as session:
        assert session.scalars(select(OutboxMessage.sent_at)).all() == [None]


def test_help_for_account_commands() -> None:
    for command in (["user"], ["user", "create"], ["token", "create"], ["mail", "send"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage" in result.output
