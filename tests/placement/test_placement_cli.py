"""``tandem placement round``: runs a preview (and publishes) through the same services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tandem.cli import app
from tandem.placement.models import AllocationRound, Placement
from tests.placement.round_helpers import prepare_round
from tests.placement.world import PlacementWorld


@pytest.fixture
def cli_session(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    @contextmanager
    def scope() -> Iterator[Session]:
        yield session
        session.flush()

    monkeypatch.setattr("tandem.db.session_scope", scope)
    return session


def test_round_prints_statistics_and_publishes(cli_session: Session, world: PlacementWorld) -> None:
    prepare_round(cli_session, world)
    result = CliRunner().invoke(
        app, ["--lang", "en", "placement", "round", str(world.plan.id), "--seed", "7", "--publish"]
    )
    assert result.exit_code == 0, result.output
    assert "Placed" in result.output
    assert "Most students placed" in result.output
    assert "5 draft placements made" in result.output
    found = cli_session.scalar(
        select(AllocationRound).where(AllocationRound.plan_id == world.plan.id)
    )
    assert found is not None
    assert (found.seed, found.status) == (7, "published")
    assert (
        len(cli_session.scalars(select(Placement).where(Placement.round_id == found.id)).all()) == 5
    )


def test_round_refuses_a_plan_outside_the_allocation_phase(
    cli_session: Session, world: PlacementWorld
) -> None:
    result = CliRunner().invoke(app, ["--lang", "en", "placement", "round", str(world.plan.id)])
    assert result.exit_code == 1
    assert "allocation phase" in result.output
    missing = CliRunner().invoke(app, ["--lang", "en", "placement", "round", "999999"])
    assert missing.exit_code == 1
    assert "No placement plan" in missing.output


def test_placement_command_starts_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import tandem.placement.cli; "
        "print('sqlalchemy' in sys.modules, 'tandem.matching' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False"]
