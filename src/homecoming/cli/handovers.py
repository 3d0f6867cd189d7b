"""`homecoming handovers`: what happened at the crossing, person by person; declared counts;
field desks' logs merged back and their conflicts resolved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from homecoming.cli.options import (
    Actor,
    AgreementId,
    Json,
    StageNumber,
)
from homecoming.cli.runtime import (
    index_search,
    open_database,
    out,
    plain,
    print_json,
    settings_of,
)
from homecoming.domain.dates import PartialDate
from homecoming.exchange.reconciliation import Outcome
from homecoming.services import (
    field_merge,
    handovers,
    reconciliation,
)

handovers_app = typer.Typer(help="What happened at the crossing, person by person.")
handovers_app.info.no_args_is_help = True


# --- handovers --------------------------------------------------------------------------


def _substitute(name: str | None, born: str | None = None) -> handovers.Substitute | None:
    """Who came instead, as `--substitute "Family Given…"` (and `--substitute-born`) say."""
    if not name:
        return None
    family, _, given = name.partition(" ")
    return handovers.Substitute(
        family_name=family, given_names=given, date_of_birth=PartialDate.parse(born)
    )


@handovers_app.command("record")
def record(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    party: Annotated[str, typer.Option(help="The side handing the person over")],
    person: Annotated[int, typer.Option(help="The listed person's id")],
    outcome: Annotated[Outcome, typer.Option(help="What happened")],
    evidence: Annotated[str, typer.Option(help="declined: the evidence (ICRC interview…)")] = "",
    substitute: Annotated[
        str | None, typer.Option(help="substituted: the name of who came instead")
    ] = None,
    substitute_born: Annotated[
        str | None, typer.Option(help="substituted: their date of birth")
    ] = None,
    correct: Annotated[bool, typer.Option(help="Correct what was recorded before")] = False,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Record one person's handover: delivered, not_delivered, substituted, declined, deceased."""
    db = open_database(ctx)
    instead = _substitute(substitute, substitute_born)
    view = handovers.record_handover(
        db,
        index_search(ctx, db),
        agreement_id=agreement,
        number=number,
        party=party,
        person_id=person,
        outcome=outcome,
        evidence=evidence,
        substitute=instead,
        correct=correct,
        actor=actor,
    )
    if as_json:
        print_json(plain(view))
    else:
        landed = f"; record {view.record_id} landed" if view.record_id else ""
        out.print(f"handover {view.id}: person {person} {view.outcome}{landed}", highlight=False)


@handovers_app.command("list")
def list_handovers(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    latest: Annotated[bool, typer.Option(help="Only the latest row per person")] = False,
    as_json: Json = False,
) -> None:
    """A stage's handover rows, corrections included, in the order recorded."""
    rows = handovers.list_handovers(
        open_database(ctx), agreement_id=agreement, number=number, latest_only=latest
    )
    if as_json:
        print_json(plain(rows))
        return
    table = Table("id", "side", "person", "category", "outcome", "by", "at", "note")
    for h in rows:
        note = h.substitute_name or h.evidence
        if h.corrects_id:
            note = f"corrects {h.corrects_id}. {note}"
        table.add_row(
            str(h.id),
            h.party,
            str(h.person_id),
            h.category,
            h.outcome,
            h.recorded_by,
            h.recorded_at[11:19],
            note,
        )
    out.print(table)


@handovers_app.command("tally")
def tally(
    ctx: typer.Context, agreement: AgreementId, number: StageNumber, as_json: Json = False
) -> None:
    """Live counts per side, category and outcome, and who is still to come."""
    result = handovers.tally(open_database(ctx), agreement_id=agreement, number=number)
    if as_json:
        print_json(plain(result))
        return
    for party, categories in result.counts.items():
        for category, outcomes in categories.items():
            text = ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items()))
            out.print(f"{party} {category}: {text}", highlight=False)
    for party, waiting in result.pending.items():
        for category, n in waiting.items():
            out.print(f"{party} {category}: {n} still to come", highlight=False)


@handovers_app.command("declare")
def declare(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    by: Annotated[str, typer.Option(help="The party declaring the count")],
    handing: Annotated[str, typer.Option(help="The side whose handover is counted")],
    category: Annotated[str, typer.Option(help="The agreement category")],
    count: Annotated[int, typer.Option(help="The count they declare")],
    note: Annotated[str, typer.Option(help="Where it comes from")] = "",
    actor: Actor = "cli",
) -> None:
    """Keep a party's own count beside ours (shown by `homecoming reconcile`)."""
    reconciliation.declare_count(
        open_database(ctx),
        agreement_id=agreement,
        number=number,
        declared_by=by,
        handing_party=handing,
        category=category,
        count=count,
        note=note,
        actor=actor,
    )
    out.print(f"{by.upper()} declares {count} {category} from {handing.upper()} in stage {number}")


@handovers_app.command("merge")
def merge(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The .hcdesk file")],
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Merge a field desk's signed log: each entry once; disagreements go to `conflicts`."""
    db = open_database(ctx)
    report = field_merge.merge_log(
        db,
        index_search(ctx, db),
        data_dir=settings_of(ctx).data_dir,
        data=path.read_bytes(),
        source=path.name,
        actor=actor,
    )
    if as_json:
        print_json(plain(report))
        return
    out.print(
        f"desk {report.desk_name!r} (signed {report.signed_by}): {report.entries} entries, "
        f"{report.new} new, {report.already} merged before; {report.written} handovers "
        f"written, {report.conflicts_opened} conflicts opened, {report.conflicts_closed} closed",
        highlight=False,
    )


@handovers_app.command("conflicts")
def conflicts(
    ctx: typer.Context,
    agreement: Annotated[int | None, typer.Option(help="Only this agreement's")] = None,
    stage: Annotated[int | None, typer.Option(help="Only this stage's")] = None,
    resolved: Annotated[bool, typer.Option(help="Include those already decided")] = False,
    as_json: Json = False,
) -> None:
    """What merged field logs left for a person to decide, with every claim."""
    views = field_merge.list_conflicts(
        open_database(ctx), agreement_id=agreement, number=stage, include_resolved=resolved
    )
    if as_json:
        print_json(plain(views))
        return
    for v in views:
        state = f"resolved: {v.resolution} by {v.resolved_by}" if v.resolved_at else "open"
        who = f"person {v.person_id}" if v.person_id else "unlisted"
        out.print(
            f"conflict {v.id} (stage {v.stage}, {v.kind}, {who}; now {v.current}; {state})",
            highlight=False,
        )
        for c in v.claims:
            out.print(
                f"  {c.desk_name or c.desk_id[:8]} {c.entry}: {c.outcome} {c.substitute} "
                f"{c.note} by {c.operator} at {c.field_at[:19]}",
                highlight=False,
            )
    if not views:
        out.print("nothing to decide")


@handovers_app.command("resolve")
def resolve(
    ctx: typer.Context,
    conflict: Annotated[int, typer.Argument(help="The conflict's id (handovers conflicts)")],
    reason: Annotated[str, typer.Option(help="Why (kept with the decision)")],
    outcome: Annotated[Outcome | None, typer.Option(help="The outcome that stands")] = None,
    evidence: Annotated[str, typer.Option(help="declined: the evidence")] = "",
    substitute: Annotated[str | None, typer.Option(help="substituted: who came")] = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Decide a conflict: the outcome that stands, or that an arrival was dealt with."""
    db = open_database(ctx)
    instead = _substitute(substitute)
    view = field_merge.resolve(
        db,
        index_search(ctx, db),
        conflict_id=conflict,
        actor=actor,
        reason=reason,
        outcome=outcome,
        evidence=evidence,
        substitute=instead,
    )
    if as_json:
        print_json(plain(view))
    else:
        out.print(f"conflict {view.id}: {view.resolution} ({view.reason})", highlight=False)


@handovers_app.command("field-log")
def field_log(
    ctx: typer.Context, agreement: AgreementId, number: StageNumber, as_json: Json = False
) -> None:
    """Every field entry merged for a stage: outcomes, arrivals and notes, as the desks said."""
    rows = field_merge.field_log(open_database(ctx), agreement_id=agreement, number=number)
    if as_json:
        print_json(plain(rows))
        return
    table = Table("desk", "entry", "what", "by", "at", "note")
    for r in rows:
        table.add_row(
            r.desk_name or r.desk_id[:8],
            r.entry,
            f"{r.outcome} {r.substitute}".strip(),
            r.operator,
            r.field_at[:19],
            r.note,
        )
    out.print(table)
