"""The `homecoming` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from homecoming.cli import (
    audit,
    backup,
    cases,
    crossing,
    demo,
    desk,
    exchanges,
    export,
    keys,
    linkage,
    negotiation,
    persons,
    privacy,
    registry,
    remains,
    review,
    search,
    serve,
    tracing,
    users,
)
from homecoming.cli.names import names_app
from homecoming.cli.runtime import ReportingGroup
from homecoming.settings import Settings

app = typer.Typer(
    cls=ReportingGroup,
    help="Homecoming: registry, exchange lists and tracing for staged prisoner exchanges.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    database_url: Annotated[
        str | None, typer.Option(help="SQLAlchemy URL [env: HOMECOMING_DATABASE_URL]")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Where files are kept [env: HOMECOMING_DATA_DIR]")
    ] = None,
) -> None:
    """Settings come from HOMECOMING_* variables; these flags override them."""
    overrides = {k: v for k, v in {"database_url": database_url, "data_dir": data_dir}.items() if v}
    ctx.obj = Settings(**overrides)  # type: ignore[arg-type]


registry.register(app)
persons.register(app)
audit.register(app)
demo.register(app)
export.register(app)
search.register(app)
linkage.register(app)
serve.register(app)
users.register(app)
review.register(app)
exchanges.register(app)
tracing.register(app)
cases.register(app)
remains.register(app)
backup.register(app)
privacy.register(app)
keys.register(app)
desk.register(app)
negotiation.register(app)
crossing.register(app)
app.add_typer(names_app, name="names")


def main() -> None:
    app()
