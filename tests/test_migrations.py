"""The models and the migrations must describe the same schema, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from tandem.db import build_engine
from tandem.migrations import alembic_config, current_heads, upgrade
from tandem.models import Base
from tests.conftest import fresh_postgres_schema, postgres_url

pytestmark = pytest.mark.db


def _database(kind: str, tmp_path: Path, worker_id: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'drift.db'}"
    url = postgres_url()
    if not url:
        # The SQLite run skips it; .ci/run's PostgreSQL run (`make test-pg`) runs it, and fails
        # there if the server cannot be reached.
        pytest.skip("PostgreSQL drift check: set TANDEM_TEST_DATABASE_URL to run it")
    return fresh_postgres_schema(url, f"tandem_drift_{worker_id}")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_models_and_migrations_agree(kind: str, tmp_path: Path, worker_id: str) -> None:
    url = _database(kind, tmp_path, worker_id)
    upgrade(url)
    engine = build_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
        assert context.get_current_heads() == current_heads(url)
    engine.dispose()
    assert differences == [], f"models and migrations differ; add a migration: {differences}"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_downgrade_to_empty_and_up_again(kind: str, tmp_path: Path, worker_id: str) -> None:
    from alembic import command

    url = _database(kind, tmp_path, worker_id)
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    engine = build_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(url)
    engine = build_engine(url)
    assert {"college", "department", "audit_entry"} <= set(inspect(engine).get_table_names())
    engine.dispose()
