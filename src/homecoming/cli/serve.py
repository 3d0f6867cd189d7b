"""`homecoming serve`: the HTTP API and the web UI with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from homecoming.cli.runtime import open_database, settings_of


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
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", timeout_keep_alive=75)
