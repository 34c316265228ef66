"""``tandem resources utilisation``: the hand-computed week as a table, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from tandem import db
from tandem.resource.cli import app
from tests.resource.utilisation_world import MON, SUN, World, build

WEEK = ["--from", MON.isoformat(), "--to", SUN.isoformat()]


@pytest.fixture
def cli(session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The command line, on the test's database (its commit only releases a savepoint)."""
    monkeypatch.setattr(db, "get_sessionmaker", lambda: session_factory)
    return CliRunner()


@pytest.fixture
def world(session: Session) -> World:
    world = build(session)
    session.commit()
    return world


def test_table(cli: CliRunner, world: World) -> None:
    result = cli.invoke(
        app, ["utilisation", "--college", world.college.code, *WEEK], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    assert "180.00" in result.output
    assert "13.50" in result.output
    assert "7.5" in result.output
    assert "Under-used resources (below 10.00 %): 2." in result.output
    assert "240.00 CNY" in result.output


def test_csv_by_department(cli: CliRunner, world: World) -> None:
    result = cli.invoke(
        app,
        [
            "utilisation",
            "--college",
            world.college.code,
            *WEEK,
            "--group",
            "department",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0][:4] == ["Group", "Available hours", "Booked hours", "Used hours"]
    assert rows[1][:4] == [world.department.name("en"), "40.00", "7.00", "5.50"]
    assert rows[2][0] == "No department"
    assert rows[-1][:4] == ["Total", "180.00", "18.00", "13.50"]


def test_json_with_a_series(cli: CliRunner, world: World) -> None:
    result = cli.invoke(
        app,
        [
            "utilisation",
            "--college",
            world.college.code.lower(),
            *WEEK,
            "--bucket",
            "week",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"][:4] == ["Total", "180.00", "18.00", "13.50"]
    assert data["underused"] == 2
    assert data["valuation_cny"] == "240.00"
    assert [point["start"] for point in data["series"]] == [MON.isoformat()]


def test_errors(cli: CliRunner, world: World) -> None:
    unknown = cli.invoke(app, ["utilisation", "--college", "NOPE"])
    assert unknown.exit_code == 1
    assert "No college with code NOPE." in unknown.output
    reversed_period = cli.invoke(
        app,
        [
            "utilisation",
            "--college",
            world.college.code,
            "--from",
            "2026-03-09",
            "--to",
            "2026-03-01",
        ],
    )
    assert reversed_period.exit_code == 1
    assert "swap them" in " ".join(reversed_period.output.split())
    bad = cli.invoke(app, ["utilisation", "--college", world.college.code, "--from", "March"])
    assert bad.exit_code == 1
    assert "March is not a date" in bad.output
