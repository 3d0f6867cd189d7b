"""Docs that cannot rot: every CLI command, setting and API route is in the docs.

"The docs" are README.md and the pages under docs/ that it links to.
"""

from __future__ import annotations

from pathlib import Path

import typer
from typer.main import get_command

from homecoming.app import create_app
from homecoming.cli import app
from homecoming.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
PAGES = sorted((ROOT / "docs").glob("*.md"))
DOCS = "\n".join([README, *(page.read_text("utf-8") for page in PAGES)])


def _command_paths(group: object, prefix: str = "homecoming") -> list[str]:
    commands = getattr(group, "commands", {})
    paths = []
    for name, command in commands.items():
        path = f"{prefix} {name}"
        paths.extend(
            _command_paths(command, path) if getattr(command, "commands", None) else [path]
        )
    return paths


def test_every_cli_command_is_in_the_readme() -> None:
    paths = _command_paths(get_command(app))
    assert len(paths) >= 8
    missing = [p for p in paths if p not in DOCS]
    assert not missing, f"add these commands to the README's tour: {missing}"


def test_every_setting_is_in_the_readme() -> None:
    missing = [
        f"HOMECOMING_{name.upper()}"
        for name in Settings.model_fields
        if f"HOMECOMING_{name.upper()}" not in DOCS
    ]
    assert not missing, f"document these settings in the README: {missing}"


def test_every_api_route_is_in_the_readme() -> None:
    routes = create_app(Settings(environment="test", database_url="sqlite://")).openapi()["paths"]
    missing = [r for r in routes if f"`{r}`" not in DOCS]
    assert not missing, f"document these routes in the README: {missing}"


def test_the_readme_links_every_page_under_docs() -> None:
    unlinked = [p.name for p in PAGES if f"docs/{p.name}" not in README]
    assert not unlinked, f"link these pages from the README: {unlinked}"


def test_readme_shows_the_two_setup_commands() -> None:
    assert "make demo" in README and "make test" in README
    assert isinstance(app, typer.Typer)
