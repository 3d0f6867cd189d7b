"""`homecoming serve`: which client address the app sees behind (or without) a proxy.

The worker runner (uvicorn.run with a socket per worker) is replaced by a catcher of its
arguments (uvicorn is not ours; the app and the options it gets are), and the app is then
built exactly as uvicorn would build it.
"""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path
from typing import Any
from unittest.mock import Mock

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner
from uvicorn.server import ServerState

from homecoming.cli import app, workers
from homecoming.cli.serve import NoDelayProtocol
from homecoming.settings import SERVE_SETTINGS_VARIABLE
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry

runner = CliRunner()
FAST = {"HOMECOMING_PASSWORD_HASH_TIME_COST": "1", "HOMECOMING_PASSWORD_HASH_MEMORY_KIB": "8192"}


def _served(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str]
) -> Any:
    """The ASGI app as `homecoming serve` would have uvicorn run it."""
    caught = _caught_options(db, monkeypatch, tmp_path, env)
    config = uvicorn.Config(caught.pop("app"), **caught)
    config.load()
    return config.loaded_app


def _caught_options(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], *flags: str
) -> dict[str, Any]:
    caught: dict[str, Any] = {}
    monkeypatch.setattr(
        workers, "run", lambda served, **options: caught.update(options, app=served)
    )
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    monkeypatch.setenv(SERVE_SETTINGS_VARIABLE, "")  # serve sets it; restored afterwards
    result = runner.invoke(
        app,
        ["--database-url", db.url, "--data-dir", str(tmp_path), "serve", *flags],
        env={**FAST, **env},
    )
    assert result.exit_code == 0, result.output
    return caught


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
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    served = _served(db, monkeypatch, tmp_path, {})
    assert _client_of_a_failed_login(db, served) == "127.0.0.1"


def test_a_configured_proxy_is_believed(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    served = _served(db, monkeypatch, tmp_path, {"HOMECOMING_FORWARDED_ALLOW_IPS": "127.0.0.1"})
    assert _client_of_a_failed_login(db, served) == "203.0.113.66"


def test_serve_runs_a_worker_per_core_by_default_without_an_access_log(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    options = _caught_options(db, monkeypatch, tmp_path, {})
    assert options["workers"] == (os.cpu_count() or 1)
    assert options["access_log"] is False
    # Each worker builds its app with a factory, from the settings the command resolved.
    assert options["factory"] is True and options["app"] == "homecoming.app:served_app"
    assert options["http"] is NoDelayProtocol


def test_a_served_worker_follows_the_store_while_it_serves(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Its search index catches up with the store in a thread of its own, searches or not
    (an erasure leaves the worker's memory), from its start to its shutdown."""
    import threading

    def following() -> bool:
        return any(t.name == "homecoming-search-follow" for t in threading.enumerate())

    served = _served(db, monkeypatch, tmp_path, {})
    assert not following()
    with TestClient(served) as client:
        assert client.get("/health").status_code == 200
        assert following()
    for thread in threading.enumerate():
        if thread.name == "homecoming-search-follow":
            thread.join(timeout=30)
    assert not following()


def test_every_connection_is_sent_without_delay() -> None:
    """uvicorn's workers share a socket it bound with protocol 0, so asyncio sets no NODELAY."""
    listener = socket.socket(socket.AF_INET)  # as uvicorn binds it for its workers
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    # Its own loop: another test's asyncio.run may have left the thread without one.
    loop = asyncio.new_event_loop()
    try:
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        transport = Mock()
        transport.get_extra_info.side_effect = lambda name: accepted if name == "socket" else None
        protocol = NoDelayProtocol(
            config=_loaded_config(), server_state=ServerState(), app_state={}, _loop=loop
        )
        protocol.connection_made(transport)
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        loop.close()
        for each in (client, accepted, listener):
            each.close()


def _loaded_config() -> uvicorn.Config:
    config = uvicorn.Config(app=lambda scope, receive, send: None)
    config.load()
    return config


def test_serve_takes_a_worker_count_and_the_access_log(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    options = _caught_options(db, monkeypatch, tmp_path, {}, "--workers", "3", "--access-log")
    assert options["workers"] == 3
    assert options["access_log"] is True


def test_a_worker_app_has_the_settings_of_the_command(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    served = _served(db, monkeypatch, tmp_path, {"HOMECOMING_MAX_UPLOAD_MB": "7"})
    settings = served.state.settings
    assert settings.database_url == db.url
    assert settings.data_dir == tmp_path
    assert settings.max_upload_mb == 7
