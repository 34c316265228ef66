"""Fixtures for imports: a fixed data key (ID numbers are encrypted), a college to import into."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from tandem.config import get_settings
from tests.imports.helpers import Campus, make_campus
from tests.people.conftest import TEST_DATA_KEY


@pytest.fixture(autouse=True)
def _data_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TANDEM_DATA_KEY", TEST_DATA_KEY)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def campus(session: Session) -> Campus:
    return make_campus(session)
