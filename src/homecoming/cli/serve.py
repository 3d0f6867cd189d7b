"""`homecoming serve`: the HTTP API and the web UI with uvicorn."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from homecoming.cli.runtime import open_database, settings_of
from homecoming.settings import Settings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the API and the web UI on HOST:PORT; /docs describes the API, /ui/ is the UI."""
    import uvicorn

    from homecoming.api.app import create_app

    settings = settings_of(ctx)
    open_database(ctx).check_ready()
    typer.echo(f"Homecoming on http://{host}:{port}/  (UI: /ui/, API docs: /docs, health: /health)")
    # Idle connections stay open longer than a proxy's or a client pool's idle timeout (60 s is
    # common): a server that closes first races the client's next request on that connection.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        timeout_keep_alive=75,
        **proxy_options(settings),
    )


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
