from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tandem import config, db
from tandem.cli import app
from tandem.college.models import College, Department
from tandem.migrations import current_heads

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh SQLite database for the command line, as `make run` would have."""
    monkeypatch.setenv("TANDEM_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TANDEM_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("TANDEM_ENV", raising=False)
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()
    yield tmp_path
    db.get_engine().dispose()
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()


def _count(model: type) -> int:
    with db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_upgrade_demo_and_college_create(cli_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(app, ["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert _count(College) == 2
    departments = _count(Department)
    again = runner.invoke(app, ["demo", "--if-empty"])
    assert "nothing loaded" in again.output
    assert _count(Department) == departments
    created = runner.invoke(
        app,
        [
            "college",
            "create",
            "cli1",
            "--name-zh",
            "命令行学院",
            "--name-en",
            "CLI College",
            "--region",
            "320100",
        ],
    )
    assert created.exit_code == 0, created.output
    assert "CLI1" in created.output
    current = runner.invoke(app, ["db", "current"])
    assert current.exit_code == 0
    head = current_heads(str(db.get_engine().url))[0]
    assert f"database: {head}" in current.output
    assert f"latest:   {head}" in current.output


def test_demo_is_the_same_every_time(cli_env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    runner.invoke(app, ["demo"])
    runner.invoke(app, ["demo"])  # completing an existing demo adds nothing twice
    with db.session_scope() as session:
        codes = session.scalars(select(College.code).order_by(College.code)).all()
        assert codes == ["DEMO", "NORTH"]
        assert session.scalar(select(func.count(Department.id))) == 8


def test_college_create_errors_are_clear_and_write_nothing(cli_env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    bad = runner.invoke(
        app,
        [
            "--lang",
            "en",
            "college",
            "create",
            "x",
            "--name-zh",
            "",
            "--name-en",
            "E",
            "--region",
            "99",
        ],
    )
    assert bad.exit_code == 1
    assert "code" in bad.output
    assert "region_code" in bad.output
    assert _count(College) == 0
    runner.invoke(app, ["college", "create", "ONE", "--name-zh", "一", "--name-en", "One"])
    dup = runner.invoke(
        app, ["--lang", "zh_CN", "college", "create", "one", "--name-zh", "一", "--name-en", "One"]
    )
    assert dup.exit_code == 1
    assert "已存在" in dup.output
    assert _count(College) == 1


def test_help_for_every_command() -> None:
    for command in [[], ["db"], ["college"], ["demo"], ["serve"], ["college", "create"]]:
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage" in result.output


def test_demo_twice_adds_nothing(cli_env: Path) -> None:
    from tandem.partner.models import Enterprise, Partnership
    from tandem.people.models import Student

    runner.invoke(app, ["db", "upgrade"])
    assert runner.invoke(app, ["demo"]).exit_code == 0
    counts = [_count(m) for m in (College, Student, Enterprise, Partnership)]
    assert runner.invoke(app, ["demo"]).exit_code == 0
    assert [_count(m) for m in (College, Student, Enterprise, Partnership)] == counts
