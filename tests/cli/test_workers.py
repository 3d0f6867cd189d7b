"""Worker processes with a listening socket each: every worker gets connections, none idles.

A small app that answers with its process id runs under `homecoming.cli.workers.run` in a
process of its own; fresh connections (one per request) must reach both workers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from homecoming.cli import workers

WHO_APP = """
import os


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(os.getpid()).encode()})
"""
RUNNER = """
import sys

from homecoming.cli.workers import run

if __name__ == "__main__":
    run("who_app:app", host="127.0.0.1", port=int(sys.argv[1]), workers=2, log_level="warning")
"""
linux_only = pytest.mark.skipif(
    not workers.balances_connections(), reason="the kernel does not balance SO_REUSEPORT"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@linux_only
def test_fresh_connections_reach_every_worker_and_sigterm_stops_them(tmp_path: Path) -> None:
    (tmp_path / "who_app.py").write_text(WHO_APP)
    (tmp_path / "runner.py").write_text(RUNNER)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    server = subprocess.Popen(
        [sys.executable, str(tmp_path / "runner.py"), str(port)], env=env, cwd=tmp_path
    )
    try:
        answered: list[str] = []
        for _ in range(600):  # until both workers have started, or the server gave up
            assert server.poll() is None, "the server ended before answering"
            try:
                answered.append(httpx.get(f"http://127.0.0.1:{port}/", timeout=5).text)
            except httpx.TransportError:
                time.sleep(0.1)
            if len(set(answered)) == 2:
                break
        # Each request on a connection of its own: the kernel hashes each to one worker's socket.
        answered += [httpx.get(f"http://127.0.0.1:{port}/", timeout=5).text for _ in range(40)]
        assert len(set(answered)) == 2
        assert server.pid not in {int(pid) for pid in answered}
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


@linux_only
def test_the_sockets_share_one_port_even_when_any_free_port_was_asked_for() -> None:
    sockets = workers.listening_sockets("127.0.0.1", 0, 3)
    try:
        assert len({s.getsockname()[1] for s in sockets}) == 1
        assert all(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) for s in sockets)
    finally:
        for each in sockets:
            each.close()


@linux_only
def test_a_port_another_server_listens_on_is_still_refused() -> None:
    """SO_REUSEPORT must not let a second server quietly share the first one's clients."""
    first = workers.listening_sockets("127.0.0.1", 0, 2)
    port = first[0].getsockname()[1]
    try:
        with pytest.raises(OSError):
            workers.listening_sockets("127.0.0.1", port, 2)
    finally:
        for each in first:
            each.close()


def test_one_worker_or_no_balancing_runs_uvicorn_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(workers.uvicorn, "run", lambda app, **options: calls.append(options))
    workers.run("x:app", host="127.0.0.1", port=8000, workers=1, access_log=False)
    monkeypatch.setattr(workers, "balances_connections", lambda: False)
    workers.run("x:app", host="127.0.0.1", port=8000, workers=3, access_log=False)
    assert [c["workers"] for c in calls] == [1, 3]
    assert all(c["port"] == 8000 and c["access_log"] is False for c in calls)
