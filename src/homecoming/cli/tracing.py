"""`homecoming inquiries|testimonies|leads|notifications`: tracing from the command line."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add these commands to the `homecoming` app."""
