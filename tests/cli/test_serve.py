"""`homecoming serve`: which client address the app sees behind (or without) a proxy.

uvicorn.run is replaced by a catcher of its arguments (uvicorn is not ours; the app and the
options it gets are), and the app is then built exactly as uvicorn would build it.
"""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry

runner = CliRunner()
FAST = {"HOMECOMING_PASSWORD_HASH_TIME_COST": "1", "HOMECOMING_PASSWORD_HASH_MEMORY_KIB": "8192"}


def _served(db: Database, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Any:
    """The ASGI app as `homecoming serve` would have uvicorn run it."""
    caught: dict[str, Any] = {}
    monkeypatch.setattr(
        uvicorn, "run", lambda served, **options: caught.update(options, app=served)
    )
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    result = runner.invoke(app, ["--database-url", db.url, "serve"], env={**FAST, **env})
    assert result.exit_code == 0, result.output
    config = uvicorn.Config(caught.pop("app"), **caught)
    config.load()
    return config.loaded_app


def _client_of_a_failed_login(db: Database, served: Any) -> str:
    local = TestClient(served, client=("127.0.0.1", 40000))
    forged = {"X-Forwarded-For": "203.0.113.66"}
    response = local.post("/auth/login", json={"username": "x", "password": "y"}, headers=forged)
    assert response.status_code == 401, response.text
    with db.reading() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "auth.login_failed")
        ).one()
    return str(entry.details["client"])


def test_a_forwarded_address_is_not_believed_by_default(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _client_of_a_failed_login(db, _served(db, monkeypatch, {})) == "127.0.0.1"


def test_a_configured_proxy_is_believed(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    served = _served(db, monkeypatch, {"HOMECOMING_FORWARDED_ALLOW_IPS": "127.0.0.1"})
    assert _client_of_a_failed_login(db, served) == "203.0.113.66"
