from __future__ import annotations

from pathlib import Path

import pytest

from tandem.config import ConfigurationError, Settings


def test_sqlite_file_in_var_by_default(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'tandem.db'}"
    assert settings.upload_dir == tmp_path / "uploads"
    assert settings.is_sqlite


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(var_dir=tmp_path).resolved_secret_key()
    assert len(first) >= 40
    assert Settings(var_dir=tmp_path).resolved_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="TANDEM_SECRET_KEY"):
        Settings(env="production", var_dir=tmp_path).resolved_secret_key()
    assert Settings(env="production", secret_key="s" * 48).resolved_secret_key() == "s" * 48


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("TANDEM_DEFAULT_LANGUAGE", "en")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.default_language == "en"
    assert not settings.is_sqlite
