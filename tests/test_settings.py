"""Settings: defaults to the embedded SQLite file; refuses the default secret in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from homecoming.settings import DEFAULT_SECRET, Settings


def test_default_is_sqlite_under_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{tmp_path}/homecoming.sqlite3"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOMECOMING_DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    assert Settings().effective_database_url == "postgresql://postgres@127.0.0.1/test"


def test_default_secret_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="HOMECOMING_SECRET_KEY"):
        Settings(environment="production", secret_key=DEFAULT_SECRET)
    assert Settings(environment="production", secret_key="x" * 40).secret_key == "x" * 40
