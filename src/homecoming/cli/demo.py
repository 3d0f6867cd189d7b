"""`homecoming demo`: load the generated demo scenario."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
