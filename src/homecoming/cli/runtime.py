"""What every command shares: settings, the database, progress, and errors that say what to do."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from homecoming.domain.dates import PartialDate
from homecoming.errors import HomecomingError, InvalidInput
from homecoming.formats import export as export_format
from homecoming.services import leads
from homecoming.services.search import SNAPSHOT_NAME, SearchService
from homecoming.settings import Settings
from homecoming.store.db import Database

err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)
MAX_PROBLEMS_SHOWN = 50


class ReportingGroup(TyperGroup):
    """Turns our own errors into a clear message on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except HomecomingError as error:
            report(error)
            raise typer.Exit(1) from error


def report(error: HomecomingError) -> None:
    """Print an error and every problem row it carries."""
    err.print(f"[bold red]error:[/] {escape(error.message)}", highlight=False)
    if isinstance(error, InvalidInput):
        for problem in error.problems[:MAX_PROBLEMS_SHOWN]:
            err.print(f"  {escape(str(problem))}", highlight=False)
        hidden = len(error.problems) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            err.print(f"  … and {hidden} more (all of them are in the reject file)")


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the root command built from flags and HOMECOMING_* variables."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def open_database(ctx: typer.Context, *, ready: bool = True) -> Database:
    """The configured database; with ready=True, refuse one without the schema."""
    return open_with_search(ctx, ready=ready)[0]


def open_with_search(ctx: typer.Context, *, ready: bool = True) -> tuple[Database, SearchService]:
    """The configured database, and the search index tracing re-matches new evidence through.

    Tracing is subscribed to the handle: records that land in a command re-match the open
    inquiries right after their transaction commits, and when the command ends it drains what
    else the outbox holds (rows a stopped server or a failed re-match left). The index is
    built only if a match needs it.
    """
    db = Database(settings_of(ctx).effective_database_url)
    ctx.call_on_close(db.dispose)  # the connections close when the command ends
    if ready:
        db.check_ready()
    search = SearchService(db)
    leads.subscribe(db, search)
    if ready:  # before the handle closes: what a crashed server or an earlier failure left
        ctx.call_on_close(db.drain)
    return db, search


def index_search(ctx: typer.Context, db: Database) -> SearchService:
    """The search index, loaded from the snapshot the server keeps (or built from the store)."""
    return SearchService(db, snapshot=settings_of(ctx).data_dir / SNAPSHOT_NAME)


def plain(value: Any) -> Any:
    """A view (dataclasses, lists, dicts, partial dates) as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, PartialDate):
        return value.iso()
    return value


def write_table(path: Path, rows: list[dict[str, object]], headers: Any, title: str) -> None:
    """Rows to a .csv or .xlsx file (by its suffix), with these headers."""
    suffix = path.suffix.casefold()
    if suffix == ".xlsx":
        export_format.write_xlsx(path, rows, headers, sheet_title=title)
    elif suffix == ".csv":
        export_format.write_csv(path, rows, headers)
    else:
        raise InvalidInput(f"{path.name}: write .csv or .xlsx")


def print_json(value: Any) -> None:
    """Machine-readable output on stdout."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Any]:
    """A Rich progress bar on stderr; yields a callback taking the count done so far."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda done: progress.update(task, completed=done)
