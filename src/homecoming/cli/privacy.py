"""`homecoming inquiries erase`, `retention run`, `disclosures list`, `access review`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from homecoming.cli.options import Actor, Json, Reference
from homecoming.cli.runtime import err, open_database, out, print_json, settings_of
from homecoming.cli.tracing import inquiries_app
from homecoming.services import access_review, disclosures, erasure, retention

retention_app = typer.Typer(help="Erase personal data past its time.", no_args_is_help=True)
disclosures_app = typer.Typer(
    help="The log of personal data taken out of the system.", no_args_is_help=True
)
access_app = typer.Typer(help="Who read families' contact details.", no_args_is_help=True)
Since = Annotated[dt.datetime | None, typer.Option(help="From (default: 30 days ago)")]
Until = Annotated[dt.datetime | None, typer.Option(help="Until (default: now)")]


def register(app: typer.Typer) -> None:
    """Add these commands to the `homecoming` app (erase joins `inquiries`)."""
    inquiries_app.command("erase")(erase_inquiry)
    app.add_typer(retention_app, name="retention")
    app.add_typer(disclosures_app, name="disclosures")
    app.add_typer(access_app, name="access")


@retention_app.command("run")
def retention_run(
    ctx: typer.Context,
    apply: Annotated[
        bool, typer.Option("--apply", help="Erase; without it, only say what")
    ] = False,
    actor: Actor = "retention",
    as_json: Json = False,
) -> None:
    """Erase what the retention policy says has expired (a dry run unless --apply)."""
    settings = settings_of(ctx)
    report = retention.run(
        open_database(ctx),
        by_source_kind=settings.retention_days_by_source_kind,
        by_inquiry_state=settings.retention_days_by_inquiry_state,
        apply=apply,
        actor=actor,
        data_dir=settings.data_dir,
    )
    if as_json:
        print_json(report.as_json())
        return
    verb = "erased" if apply else "would erase"
    for item in report.expired:
        label = item.reference or f"record {item.id}"
        out.print(f"{verb} {item.kind} {label}: {item.rule}", highlight=False)
    out.print(f"{len(report.expired)} item(s) {'erased' if apply else 'expired'}")
    if apply and report.expired:
        out.print(f"audit entries {report.audit_entries}; {report.scrub}", highlight=False)
    elif report.expired:
        err.print("nothing erased: pass --apply to erase")


@disclosures_app.command("list")
def disclosures_list(
    ctx: typer.Context, since: Since = None, until: Until = None, as_json: Json = False
) -> None:
    """Every export or transfer of personal data: what, to whom, legal basis, who, when."""
    rows = disclosures.list_disclosures(open_database(ctx), since=since, until=until)
    if as_json:
        print_json([row.as_json() for row in rows])
        return
    for row in rows:
        sealing = "sealed" if row.encrypted else "UNENCRYPTED"
        out.print(
            f"{row.id} {row.at:%Y-%m-%d %H:%M} {row.actor}: {row.kind} {row.what}, {row.items}"
            f" item(s), {sealing}, to {row.recipient}; legal basis: {row.legal_basis or '-'}",
            highlight=False,
        )
    out.print(f"{len(rows)} disclosure(s)")


@access_app.command("review")
def access_review_command(
    ctx: typer.Context, since: Since = None, until: Until = None, as_json: Json = False
) -> None:
    """Who read families' contact details in a period, and why; and what was disclosed."""
    until = until or dt.datetime.now(dt.UTC)
    since = since or until - dt.timedelta(days=30)
    report = access_review.review(open_database(ctx), since=since, until=until)
    if as_json:
        print_json(report.as_json())
        return
    out.print(f"access review {report.since:%Y-%m-%d %H:%M} – {report.until:%Y-%m-%d %H:%M}")
    for actor, count in report.by_actor.items():
        out.print(f"  {actor}: {count} read(s) of contact details", highlight=False)
    for read in report.reads:
        out.print(
            f"{read.at:%Y-%m-%d %H:%M} {read.actor} read {read.subject}"
            f" ({read.items} contact(s)): {read.purpose}",
            highlight=False,
        )
    out.print(f"{len(report.disclosures)} disclosure(s) in the period")


def erase_inquiry(
    ctx: typer.Context,
    inquiry: Reference,
    reason: Annotated[
        str, typer.Option(help="Why: consent withdrawn, the data subject's request…")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Erase; without it, only say what")] = False,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Erase an inquiry's personal data (a tombstone stays); without --yes, only say what."""
    db = open_database(ctx)
    if not yes:
        found = erasure.plan(db, inquiry=inquiry)
        if as_json:
            print_json({"dry_run": True, **_plan_json(found)})
            return
        out.print(f"would erase {found.describe()}", highlight=False)
        err.print("nothing erased: pass --yes to erase")
        return
    report = erasure.erase(
        db, inquiry=inquiry, reason=reason, actor=actor, data_dir=settings_of(ctx).data_dir
    )
    if as_json:
        print_json({"dry_run": False, **report.as_json()})
        return
    out.print(f"erased {report.plan.describe()}", highlight=False)
    out.print(f"audit entry {report.audit_entry}; {report.scrub}", highlight=False)
    for note in report.notes:
        err.print(note)


def _plan_json(found: erasure.ErasurePlan) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(found)
