"""`homecoming desk`: the handover desk on a field laptop, with no connection to the centre.

The desk always works on the embedded SQLite file in its own data directory
(`--data-dir` or HOMECOMING_DATA_DIR), whatever HOMECOMING_DATABASE_URL says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from homecoming.cli.options import Json
from homecoming.cli.runtime import err, out, plain, print_json, settings_of
from homecoming.domain.dates import PartialDate
from homecoming.errors import InvalidInput
from homecoming.exchange.reconciliation import Outcome
from homecoming.services import desk, handovers
from homecoming.services.search import SNAPSHOT_NAME, SearchService
from homecoming.settings import Settings
from homecoming.store.db import Database

desk_app = typer.Typer(
    help="The handover desk on a field laptop: open a stage pack, record, export the log.",
    no_args_is_help=True,
)
Operator = Annotated[str, typer.Option(help="Who is recording (kept with every entry)")]


def register(app: typer.Typer) -> None:
    app.add_typer(desk_app, name="desk")


def desk_settings(ctx: typer.Context) -> Settings:
    """The settings with the database pinned to the data directory's SQLite file."""
    settings = settings_of(ctx)
    url = f"sqlite:///{(settings.data_dir / 'homecoming.sqlite3').as_posix()}"
    return settings.model_copy(update={"database_url": url})


def _database(ctx: typer.Context, *, ready: bool = True) -> Database:
    db = Database(desk_settings(ctx).database_url)
    ctx.call_on_close(db.dispose)
    if ready:
        db.check_ready()
    return db


def _substitute(
    text: str | None, born: str | None, number: str = ""
) -> handovers.Substitute | None:
    if not text:
        return None
    words = text.split()
    return handovers.Substitute(
        family_name=words[0],
        given_names=words[1] if len(words) > 1 else "",
        patronymic=" ".join(words[2:]),
        date_of_birth=PartialDate.parse(born),
        service_number=number,
    )


@desk_app.command("open")
def open_pack(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The .hcpack file")],
    name: Annotated[str, typer.Option(help="This desk's name, e.g. bus-1")] = "desk",
    operator: Operator = "desk",
    as_json: Json = False,
) -> None:
    """Verify a stage pack (signature, trusted key) and open it in this data directory."""
    data_dir = settings_of(ctx).data_dir
    db = _database(ctx, ready=False)
    db.upgrade()
    info = desk.open_pack(
        db,
        data_dir=data_dir,
        data=path.read_bytes(),
        source=path.name,
        name=name,
        operator=operator,
    )
    if as_json:
        print_json(plain(info) | {"page": info.page})
        return
    out.print(
        f"desk {info.name!r} opened: {info.agreement}, stage {info.stage} on {info.day}, "
        f"{info.members} people; signed by {info.signed_by}",
        highlight=False,
    )


@desk_app.command("show")
def show(ctx: typer.Context, as_json: Json = False) -> None:
    """The stage this desk holds."""
    info = desk.info(_database(ctx))
    if as_json:
        print_json(plain(info) | {"page": info.page})
    else:
        out.print(
            f"desk {info.name!r} ({info.desk_id}): {info.agreement}, stage {info.stage} on "
            f"{info.day}, {info.members} people; pack {info.pack_id} signed by {info.signed_by}",
            highlight=False,
        )


@desk_app.command("pending")
def pending(ctx: typer.Context, as_json: Json = False) -> None:
    """Who is still to come: members with nothing recorded yet."""
    views = desk.pending(_database(ctx), data_dir=settings_of(ctx).data_dir)
    if as_json:
        print_json(plain(views))
        return
    for v in views:
        out.print(
            f"{v.party} {v.category}: person {v.person_id} {v.name} {v.date_of_birth} "
            f"{v.service_number}",
            highlight=False,
        )
    out.print(f"{len(views)} still to come")


@desk_app.command("record")
def record(
    ctx: typer.Context,
    operator: Operator,
    person: Annotated[int | None, typer.Option(help="The listed person's id")] = None,
    outcome: Annotated[Outcome | None, typer.Option(help="What happened to them")] = None,
    evidence: Annotated[str, typer.Option(help="declined: the evidence")] = "",
    substitute: Annotated[
        str | None, typer.Option(help="substituted: who came instead, family name first")
    ] = None,
    born: Annotated[
        str | None, typer.Option(help="The substitute's or arrival's birth date")
    ] = None,
    arrival: Annotated[
        str | None, typer.Option(help="Someone unlisted arrived: their name, family name first")
    ] = None,
    service_number: Annotated[str, typer.Option(help="The arrival's service number")] = "",
    party: Annotated[str, typer.Option(help="arrival: the side that handed them over")] = "",
    note: Annotated[str, typer.Option(help="A note (alone, or about --person)")] = "",
    correct: Annotated[bool, typer.Option(help="Correct what was recorded before")] = False,
    as_json: Json = False,
) -> None:
    """Record an outcome (--person, --outcome), an unlisted arrival (--arrival) or a note."""
    db = _database(ctx)
    if arrival is not None:
        view = desk.record_note(
            db,
            kind="arrival",
            operator=operator,
            text=note,
            party=party,
            arrival=_substitute(arrival, born, service_number),
        )
        _done(view, as_json, f"arrival {view.id}: {arrival} ({view.party})")
        return
    if outcome is None:
        if not note:
            raise InvalidInput(
                "say what to record: --person ID --outcome …, --arrival NAME or --note"
            )
        view = desk.record_note(db, kind="note", operator=operator, text=note, person_id=person)
        _done(view, as_json, f"note {view.id} kept")
        return
    if person is None:
        raise InvalidInput("--outcome needs --person ID (`homecoming desk pending` lists them)")
    search = SearchService(db, snapshot=settings_of(ctx).data_dir / SNAPSHOT_NAME)
    done = desk.record_outcome(
        db,
        search,
        person_id=person,
        outcome=outcome,
        operator=operator,
        evidence=evidence or note,
        substitute=_substitute(substitute, born),
        correct=correct,
    )
    _done(done, as_json, f"handover {done.id}: person {person} {done.outcome} by {operator}")


def _done(view: object, as_json: bool, text: str) -> None:
    if as_json:
        print_json(plain(view))
    else:
        out.print(text, highlight=False)


@desk_app.command("export")
def export(
    ctx: typer.Context,
    out_path: Annotated[Path, typer.Option("--out", help="The .hcdesk file to write")],
    operator: Operator = "desk",
) -> None:
    """Write everything recorded here as a log signed by this desk's key, for the centre."""
    result = desk.export_log(_database(ctx), data_dir=settings_of(ctx).data_dir, operator=operator)
    out_path.write_bytes(result.data)
    err.print(
        f"{result.entries} entries ({result.outcomes} outcomes, {result.notes} notes) "
        f"written to {out_path}"
    )


@desk_app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the handover page (the same page and keys as the centre's) from this laptop."""
    import uvicorn

    from homecoming.app import create_app
    from homecoming.cli.serve import proxy_options

    settings = desk_settings(ctx)
    info = desk.info(_database(ctx))
    typer.echo(
        f"Field desk {info.name!r} on http://{host}:{port}{info.page}  (log in as an operator "
        "added with `homecoming users add`)"
    )
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        timeout_keep_alive=75,
        **proxy_options(settings),
    )
