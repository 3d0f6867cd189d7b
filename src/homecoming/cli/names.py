"""`homecoming names ...`: compare names and list their renderings."""

import typer

names_app = typer.Typer(
    help="Compare names across alphabets and list their renderings.", no_args_is_help=True
)
