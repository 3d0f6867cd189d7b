"""`homecoming inquiries erase`, `retention run`, `disclosures list`, `access review`."""

from __future__ import annotations

from typing import Annotated

import typer

from homecoming.cli.options import Actor, Json
from homecoming.cli.runtime import err, open_database, out, print_json, settings_of
from homecoming.cli.tracing import Reference, inquiries_app
from homecoming.services import erasure


def register(app: typer.Typer) -> None:
    """Add these commands to the `homecoming` app (erase joins `inquiries`)."""
    inquiries_app.command("erase")(erase_inquiry)


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
