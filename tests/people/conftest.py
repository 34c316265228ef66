"""Fixtures for the people registry: a fixed data key, and a small college to work in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tandem.config import get_settings

# A fixed Fernet key, for tests only.
TEST_DATA_KEY = "x5Z1n4pQqgH7B3YtqyNfR0bWw8kL2mVhJ6cD9sE1uAo="


@pytest.fixture(autouse=True)
def _data_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """ID numbers are encrypted with the data key: use a known one, never var/data_key."""
    monkeypatch.setenv("TANDEM_DATA_KEY", TEST_DATA_KEY)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
