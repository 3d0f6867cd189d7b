"""The `homecoming` command."""

import typer

from homecoming.cli.names import names_app

app = typer.Typer(help="Homecoming: registry, exchange lists and tracing.", no_args_is_help=True)
app.add_typer(names_app, name="names")


def main() -> None:
    app()
