"""`homecoming replies import|list`: the other side's answers to a party's list."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from homecoming.cli.options import Actor, Json, ReceivedAt, ReceivedFrom, Sheet
from homecoming.cli.runtime import open_database, out, print_json
from homecoming.formats import tabular
from homecoming.services import replies

replies_app = typer.Typer(
    help="The other side's replies to a list: accepted, refused, struck off, prosecuted.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(replies_app, name="replies")


@replies_app.command("import")
def import_reply(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX")],
    list_version: Annotated[int, typer.Option("--list", help="The list version answered")],
    received_from: ReceivedFrom = "",
    received_at: ReceivedAt = None,
    sheet: Sheet = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Import a reply (columns line, answer, reason; service_number as a check): all or none."""
    import datetime as dt

    view = replies.import_reply(
        open_database(ctx),
        list_version_id=list_version,
        rows=tabular.read_table(path, sheet=sheet),
        file_name=path.name,
        content_hash=tabular.file_hash(path),
        received_from=received_from,
        received_at=received_at.astimezone(dt.UTC) if received_at else None,
        actor=actor,
    )
    if as_json:
        print_json(dataclasses.asdict(view))
        return
    answers = ", ".join(f"{n} {answer}" for answer, n in view.answers.items())
    out.print(
        f"reply {view.id} of {view.party} to list version {view.list_version_id}: {answers}",
        highlight=False,
    )


@replies_app.command("list")
def list_replies(
    ctx: typer.Context,
    list_version: Annotated[int, typer.Argument(help="The list version answered")],
    as_json: Json = False,
) -> None:
    """The replies received to one list version."""
    views = replies.replies(open_database(ctx), list_version_id=list_version)
    if as_json:
        print_json([dataclasses.asdict(v) for v in views])
        return
    for view in views:
        answers = ", ".join(f"{n} {answer}" for answer, n in view.answers.items())
        out.print(
            f"reply {view.id} from {view.party} ({view.file_name}, received "
            f"{view.received_at[:10]}): {answers}",
            highlight=False,
        )
