"""`homecoming serve`: the HTTP API and the web UI with uvicorn."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import socket
import threading
from typing import Annotated, Any

import typer
from uvicorn.protocols.http.h11_impl import H11Protocol

from homecoming.cli.runtime import open_database, settings_of
from homecoming.settings import SERVE_SETTINGS_VARIABLE, Settings

log = logging.getLogger(__name__)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes [default: the number of cores]"),
    ] = None,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="Log a line per request (costs throughput)")
    ] = False,
) -> None:
    """Serve the API and the web UI on HOST:PORT; /docs describes the API, /ui/ is the UI.

    Each worker is a process of its own: it loads the search index's snapshot and follows the
    audit log, so every worker sees every write at once.
    """
    from homecoming.services.search import SNAPSHOT_NAME, SearchService

    settings = settings_of(ctx)
    db = open_database(ctx)
    count = workers or os.cpu_count() or 1
    # Brought up to date once here, the snapshot is what every worker loads instead of
    # building its own index from the store (this process keeps neither index nor connection),
    # with every name parsed: the workers read them back instead of each parsing them.
    typer.echo("Bringing the search index's snapshot up to date…")
    SearchService(db, snapshot=settings.data_dir / SNAPSHOT_NAME).save_snapshot(parsed=True)
    db.dispose()
    typer.echo(
        f"Homecoming on http://{host}:{port}/ with {count} worker(s)  "
        "(UI: /ui/, API docs: /docs, health: /health)"
    )
    # The workers build their app from the settings this command resolved (flags included).
    os.environ[SERVE_SETTINGS_VARIABLE] = settings.model_dump_json()
    # Tracing re-matches landed records in a process of its own: in a worker, its long
    # stretches of pure Python would hold the interpreter lock while a request's write
    # transaction (and every writer queued behind it) waits for it.
    drainer = multiprocessing.get_context("spawn").Process(
        target=drain_outbox, args=(settings.model_dump_json(),), name="homecoming-drainer"
    )
    drainer.start()
    try:
        _run_workers(settings, host=host, port=port, count=count, access_log=access_log)
    finally:
        drainer.terminate()
        drainer.join(timeout=30)


WORKER_HEALTHCHECK_SECONDS = 60


def _run_workers(settings: Settings, *, host: str, port: int, count: int, access_log: bool) -> None:
    from homecoming.cli import workers

    # Each worker listens on a socket of its own (see homecoming.cli.workers), so connections
    # kept open by a client spread across the workers instead of piling on one.
    # Idle connections stay open longer than a proxy's or a client pool's idle timeout (60 s is
    # common): a server that closes first races the client's next request on that connection.
    workers.run(
        "homecoming.app:served_app",
        factory=True,
        workers=count,
        host=host,
        port=port,
        log_level="info",
        access_log=access_log,
        http=NoDelayProtocol,
        timeout_keep_alive=75,
        # uvicorn's supervisor restarts a worker that answers no health check within this many
        # seconds (its default, 5, killed busy workers mid-request on a loaded 2-core machine,
        # at 1,000,000 records on PostgreSQL: docs/operations.md).
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        **proxy_options(settings),
    )


def drain_outbox(given_settings: str) -> None:
    """The drainer process: re-match the records the workers land until it is terminated."""
    from homecoming.services import leads
    from homecoming.services.search import SNAPSHOT_NAME, SearchService
    from homecoming.store.db import Database

    settings = Settings.model_validate_json(given_settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())  # Ctrl-C reaches the whole group
    db = Database(settings.effective_database_url)
    search = SearchService(db, snapshot=settings.data_dir / SNAPSHOT_NAME)
    leads.subscribe(db, search)
    try:
        leads.warm(search)  # before the first records land, not in their drain
    except Exception:
        log.exception("warming the drainer failed; its first drain loads what it needs")
    try:
        db.drain_until(stop)
    finally:
        db.dispose()


class NoDelayProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with TCP_NODELAY set on every connection.

    With several workers the listening sockets are bound outside asyncio, with protocol
    number 0, and asyncio then leaves Nagle's algorithm on for the connections it accepts: every
    response waited about 40 ms for the client's delayed acknowledgement.
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def proxy_options(settings: Settings) -> dict[str, Any]:
    """Believe X-Forwarded-For/-Proto only from the configured proxies (none by default).

    uvicorn's own default believes them from 127.0.0.1, so any local client, or a proxy that
    passes the header through, could pick the address that failed logins are counted by and
    that the audit log records.
    """
    trusted = [ip.strip() for ip in settings.forwarded_allow_ips.split(",") if ip.strip()]
    if not trusted:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted}
