"""The demo stores ID numbers encrypted: use a known data key, never var/data_key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tandem.config import get_settings

TEST_DATA_KEY = "x5Z1n4pQqgH7B3YtqyNfR0bWw8kL2mVhJ6cD9sE1uAo="  # a fixed Fernet key, tests only


@pytest.fixture(autouse=True)
def _data_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TANDEM_DATA_KEY", TEST_DATA_KEY)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
