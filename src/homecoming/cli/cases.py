"""`homecoming cases`: case owners and offices, hand-overs, follow-ups, the contact log, queues."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.table import Table

from homecoming.cli.options import Actor, Json
from homecoming.cli.runtime import open_database, out, print_json, settings_of
from homecoming.services import cases
from homecoming.services.cases import ContactKind

cases_app = typer.Typer(
    help="Case management: owner, office, hand-overs, follow-ups, contacts, queues.",
    no_args_is_help=True,
)
Reference = Annotated[str, typer.Argument(help="Case reference (HC-2026-000123) or inquiry id")]
Office = Annotated[str, typer.Option(help="Only this office's cases")]
Owner = Annotated[str, typer.Option(help="Only this owner's cases")]


def register(app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__slots__"):
        return {name: _plain(getattr(value, name)) for name in value.__slots__}
    return value


def _print_case(view: cases.CaseView, as_json: bool) -> None:
    if as_json:
        print_json(_plain(view))
        return
    out.print(
        f"{view.reference} {view.name}: {view.status}; office {view.office or '-'}, "
        f"owner {view.owner or '-'}; follow-up {view.follow_up_on or '-'} {view.follow_up_note}",
        highlight=False,
    )
    out.print(f"last contact: {view.last_contact_at:%Y-%m-%d}", highlight=False)
    for contact in view.contacts:
        news = " (no news yet)" if contact.no_news else ""
        out.print(
            f"  {contact.happened_at:%Y-%m-%d %H:%M} {contact.kind}{news} by "
            f"{contact.recorded_by}: {contact.summary}",
            highlight=False,
        )
    for moved in view.transfers:
        out.print(
            f"  handed over {moved.transferred_at:%Y-%m-%d} {moved.from_office or '-'} -> "
            f"{moved.to_office} ({moved.to_owner}): {moved.reason}",
            highlight=False,
        )


@cases_app.command("show")
def show(
    ctx: typer.Context, inquiry: Reference, actor: Actor = "cli", as_json: Json = False
) -> None:
    """A case file: owner, office, follow-up, contact log, hand-overs (the read is audited)."""
    _print_case(cases.show(open_database(ctx), inquiry=inquiry, actor=actor), as_json)


@cases_app.command("assign")
def assign(
    ctx: typer.Context,
    inquiry: Reference,
    owner: Annotated[str, typer.Option(help="The owner's username")],
    office: Annotated[str, typer.Option(help="The office, e.g. Kyiv")],
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Name a case's owner and office."""
    view = cases.assign(
        open_database(ctx), inquiry=inquiry, owner=owner, office=office, actor=actor
    )
    _print_case(view, as_json)


@cases_app.command("hand-over")
def hand_over(
    ctx: typer.Context,
    inquiry: Reference,
    to_office: Annotated[str, typer.Option(help="The office taking the case")],
    to_owner: Annotated[str, typer.Option(help="Its owner there (a username)")],
    reason: Annotated[str, typer.Option(help="Why the case changes office")],
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Hand a case to another office."""
    view = cases.hand_over(
        open_database(ctx),
        inquiry=inquiry,
        to_office=to_office,
        to_owner=to_owner,
        reason=reason,
        actor=actor,
    )
    _print_case(view, as_json)


@cases_app.command("follow-up")
def follow_up(
    ctx: typer.Context,
    inquiry: Reference,
    on: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="The date; omit to clear it")
    ] = None,
    note: Annotated[str, typer.Option(help="What for")] = "",
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Set or clear a case's follow-up date."""
    view = cases.set_follow_up(
        open_database(ctx), inquiry=inquiry, on=on.date() if on else None, note=note, actor=actor
    )
    _print_case(view, as_json)


@cases_app.command("contact")
def contact(
    ctx: typer.Context,
    inquiry: Reference,
    kind: Annotated[ContactKind, typer.Option(help="call, visit or letter")],
    summary: Annotated[str, typer.Option(help="What was said")] = "",
    no_news: Annotated[
        bool, typer.Option("--no-news", help="The contact told the family there is no news yet")
    ] = False,
    at: Annotated[dt.datetime | None, typer.Option(help="When it happened (default: now)")] = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Log a call, visit or letter with the family."""
    view = cases.log_contact(
        open_database(ctx),
        inquiry=inquiry,
        kind=kind,
        happened_at=at or dt.datetime.now(dt.UTC),
        summary=summary,
        no_news=no_news,
        actor=actor,
    )
    _print_case(view, as_json)


def _print_queue(rows: list[cases.QueueRow], as_json: bool, title: str) -> None:
    if as_json:
        print_json([_plain(row) for row in rows])
        return
    table = Table(title=f"{title}: {len(rows)}")
    for column in ("case", "sought", "office", "owner", "follow-up", "last contact", "days"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.reference,
            row.name,
            row.office,
            row.owner,
            f"{row.follow_up_on or ''} {row.follow_up_note}".strip(),
            f"{row.last_contact_at:%Y-%m-%d}",
            str(row.days_without_contact),
        )
    out.print(table)


@cases_app.command("follow-ups")
def follow_ups(
    ctx: typer.Context, office: Office = "", owner: Owner = "", as_json: Json = False
) -> None:
    """Open cases whose follow-up date has come."""
    found = cases.follow_ups_due(open_database(ctx), office=office, owner=owner)
    _print_queue(found, as_json, "follow-ups due")


@cases_app.command("no-news")
def no_news(
    ctx: typer.Context, office: Office = "", owner: Owner = "", as_json: Json = False
) -> None:
    """Open cases with no contact for HOMECOMING_CASE_CONTACT_INTERVAL_DAYS (default 30)."""
    days = settings_of(ctx).case_contact_interval_days
    found = cases.no_news_due(open_database(ctx), interval_days=days, office=office, owner=owner)
    _print_queue(found, as_json, f"no news for {days} days")
