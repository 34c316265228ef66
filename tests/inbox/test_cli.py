"""`tandem remind`: the reminder job from the command line (cron)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tandem import config, db
from tandem.agreement.models import Agreement, AgreementStatus
from tandem.cli import app
from tandem.inbox.models import JobRun, Notice
from tests.agreement.helpers import END, START, advance, make_agreement, partnership_for
from tests.factories import make_college, make_user

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh SQLite database for the command line, migrated."""
    monkeypatch.setenv("TANDEM_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TANDEM_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("TANDEM_ENV", raising=False)
    monkeypatch.delenv("TANDEM_SMTP_HOST", raising=False)
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield tmp_path
    db.get_engine().dispose()
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()


def _agreement() -> int:
    with db.session_scope() as session:
        college = make_college(session)
        make_user(session, "college_admin", college)
        agreement = make_agreement(session, partnership_for(session, college))
        advance(session, agreement, "active", today=START)
        return agreement.id


def _state(agreement_id: int) -> tuple[str, int, int]:
    with db.session_scope() as session:
        agreement = session.get(Agreement, agreement_id)
        assert agreement is not None
        notices = session.scalar(select(func.count(Notice.id))) or 0
        runs = session.scalar(select(func.count(JobRun.id))) or 0
        return agreement.status, notices, runs


def test_remind_prints_a_summary_and_is_idempotent(cli_env: Path) -> None:
    agreement_id = _agreement()
    day = "2028-12-10"  # 21 days before the end
    dry = runner.invoke(app, ["--lang", "en", "remind", "--date", day, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Agreements marked expiring" in dry.output
    assert "Dry run: nothing was saved." in dry.output
    assert _state(agreement_id) == (AgreementStatus.ACTIVE, 0, 0)

    result = runner.invoke(app, ["--lang", "en", "remind", "--date", day])
    assert result.exit_code == 0, result.output
    assert "Reminders for 2028-12-10" in result.output
    lines = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in result.output.splitlines()
        if line.count("│") == 3
    }
    assert lines["Agreements marked expiring"] == "1"
    assert lines["Notices written"] == "2"  # the office: 90 and 30 days
    assert lines["E-mails queued"] == "0"
    assert _state(agreement_id) == (AgreementStatus.EXPIRING, 2, 1)

    again = runner.invoke(app, ["--lang", "en", "remind", "--date", day])
    assert again.exit_code == 0
    assert _state(agreement_id) == (AgreementStatus.EXPIRING, 2, 1)

    after_end = END + timedelta(days=1)
    ended = runner.invoke(app, ["--lang", "en", "remind", "--date", after_end.isoformat()])
    assert ended.exit_code == 0
    assert _state(agreement_id) == (AgreementStatus.ENDED, 3, 2)


def test_remind_refuses_a_bad_date(cli_env: Path) -> None:
    result = runner.invoke(app, ["--lang", "en", "remind", "--date", "31/12/2028"])
    assert result.exit_code == 1
    assert "is not a date" in result.output
