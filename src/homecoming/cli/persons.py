"""`homecoming persons list|show`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from homecoming.cli.runtime import open_database, out, print_json, progress_bar, settings_of
from homecoming.services import persons

persons_app = typer.Typer(
    help="Persons: clusters of records and what they add up to.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(persons_app, name="persons")


@persons_app.command("link")
def link(
    ctx: typer.Context,
    threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="Link probability")] = 0.9,
    engine: Annotated[str, typer.Option(help="duckdb or spark")] = "duckdb",
    actor: Annotated[str, typer.Option(help="Who is doing this (for the audit log)")] = "cli",
) -> None:
    """Cluster every record into persons (Splink), keeping every human judgement."""
    from homecoming.services.linkage import link_persons

    summary = link_persons(
        open_database(ctx),
        actor=actor,
        threshold=threshold,
        engine=engine,
        stage=progress_bar,
        data_dir=settings_of(ctx).data_dir,
    )
    out.print(
        f"{summary.records:,} records in {summary.persons:,} persons "
        f"({summary.links:,} links; {summary.moved:,} records moved to another person); "
        f"{summary.review_pairs:,} uncertain pairs wait in `homecoming review list`"
    )


@persons_app.command("list")
def list_persons(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """List persons, a page at a time."""
    db = open_database(ctx)
    rows = [persons.summary(v) for v in persons.page(db, limit=limit, offset=offset)]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "born", "status", "records", "contradictions")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["name"],
            row["date_of_birth"],
            row["status"] or "",
            str(row["records"]),
            ", ".join(row["contradictions"]),
        )
    out.print(table)
    out.print(f"{offset + 1}–{offset + len(rows)} of {persons.count(db)} persons")


@persons_app.command("show")
def show_person(
    ctx: typer.Context,
    person_id: Annotated[int, typer.Argument(help="The person's id")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """Show a person's records, status, timeline and contradictions."""
    data = persons.detail(persons.show(open_database(ctx), person_id))
    if as_json:
        print_json(data)
        return
    out.print(
        f"[bold]{data['name']}[/]  (person {data['id']}, born {data['date_of_birth'] or '?'})"
    )
    basis = data["status_basis"]
    out.print(
        f"status: {data['status'] or 'unknown'}"
        + (f"  — from record {basis['record']} ({basis['source']})" if basis else "")
    )
    timeline = Table("date", "fate", "source", "kind", "record", title="timeline")
    for event in data["timeline"]:
        timeline.add_row(
            event["date"] or f"(received {event['received']})",
            event["fate"] or "",
            event["source"],
            event["kind"],
            str(event["record"]),
        )
    out.print(timeline)
    for c in data["contradictions"]:
        out.print(
            f"[yellow]contradiction[/] in {c['fact']}: "
            + "; ".join(f"{v} (record {r})" for v, r in zip(c["values"], c["records"], strict=True))
            + (f" — {c['note']}" if c["note"] else "")
        )


@persons_app.command("history")
def history(
    ctx: typer.Context,
    person_id: Annotated[int, typer.Argument(help="The person's id")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """A person's path through negotiations: lists, answers, stages, the crossing."""
    from homecoming.services import negotiation

    events = negotiation.history(open_database(ctx), person_id)
    if as_json:
        print_json([e.as_json() for e in events])
        return
    for event in events:
        out.print(event.describe(), highlight=False, markup=False)
    if not events:
        out.print(f"person {person_id} has not been in any negotiation yet", highlight=False)
