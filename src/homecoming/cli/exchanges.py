"""`homecoming agreements|lists|stages|handovers|reconcile`: exchanges from the command line."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from homecoming.cli.options import Actor, Json, MappingFile, ReceivedAt, ReceivedFrom, Sheet
from homecoming.cli.runtime import err, open_database, out, print_json, settings_of
from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category
from homecoming.errors import InvalidInput
from homecoming.exchange.agreement import (
    Agreement,
    CategorySpec,
    Eligibility,
    ParityRule,
    StagePlan,
    require_valid,
)
from homecoming.exchange.findings import Decision
from homecoming.exchange.planning import TIME_LIMIT_SECONDS
from homecoming.exchange.reconciliation import Outcome
from homecoming.formats import export as export_format
from homecoming.formats import tabular
from homecoming.services import (
    agreements,
    exchange_lists,
    field_merge,
    handovers,
    reconciliation,
    registry,
    stage_packs,
    stages,
)
from homecoming.services.exchange_lists import Direction
from homecoming.services.search import SNAPSHOT_NAME, SearchService
from homecoming.store.db import Database

agreements_app = typer.Typer(help="Exchange agreements: categories, parity, stages.")
lists_app = typer.Typer(help="Parties' offer and request lists: versions, diffs, validation.")
stages_app = typer.Typer(help="Stage composition: CP-SAT suggestion, then changes.")
handovers_app = typer.Typer(help="What happened at the crossing, person by person.")
for _group in (agreements_app, lists_app, stages_app, handovers_app):
    _group.info.no_args_is_help = True

AgreementId = Annotated[int, typer.Argument(help="The agreement's id (agreements list)")]
StageNumber = Annotated[int, typer.Argument(help="The stage's number: 1, 2, 3…")]


def register(app: typer.Typer) -> None:
    """Add these commands to the `homecoming` app."""
    app.add_typer(agreements_app, name="agreements")
    app.add_typer(lists_app, name="lists")
    app.add_typer(stages_app, name="stages")
    app.add_typer(handovers_app, name="handovers")
    app.command("reconcile")(reconcile)


def _search(ctx: typer.Context, db: Database) -> SearchService:
    return SearchService(db, snapshot=settings_of(ctx).data_dir / SNAPSHOT_NAME)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, PartialDate):
        return value.iso()
    return value


# --- agreements -------------------------------------------------------------------------


@agreements_app.command("create")
def create_agreement(
    ctx: typer.Context,
    path: Annotated[
        Path | None, typer.Argument(exists=True, dir_okay=False, help="TOML or JSON file")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Name, e.g. '1000 for 1000'")] = None,
    parties: Annotated[str, typer.Option(help="The two parties, e.g. UA,RU")] = "",
    per_side: Annotated[int, typer.Option(help="The total each side hands over")] = 0,
    category: Annotated[
        list[str] | None,
        typer.Option(
            help="CODE:PARITY[:TOTAL[:KIND[:AGES[:wounded]]]], e.g. soldiers:n_for_n:880:"
            "serviceman, young:all_for_all::serviceman:18-25, sick:none::::wounded"
        ),
    ] = None,
    stage: Annotated[
        list[str] | None,
        typer.Option(help="DAY:CODE=N,CODE=N in order, e.g. 2025-05-23:soldiers=270,civilians=120"),
    ] = None,
    agreed_on: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    place: Annotated[str, typer.Option(help="Where it was agreed")] = "",
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Create an agreement from a TOML/JSON file, or from the options."""
    if path is not None:
        agreement = agreements.parse_agreement_file(path.read_bytes(), file_name=path.name)
    else:
        agreement = _agreement_from_options(
            name, parties, per_side, category or [], stage or [], agreed_on, place
        )
    view = agreements.create_agreement(open_database(ctx), agreement=agreement, actor=actor)
    if as_json:
        print_json(view.to_dict())
    else:
        out.print(f"agreement {view.id} created: {agreement.name!r}", highlight=False)
        _print_agreement(view)


def _agreement_from_options(
    name: str | None,
    parties: str,
    per_side: int,
    categories: list[str],
    stage_specs: list[str],
    agreed_on: str | None,
    place: str,
) -> Agreement:
    if not name:
        raise InvalidInput("give an agreement file, or at least --name, --parties, --category")
    codes = [p.strip().upper() for p in parties.split(",") if p.strip()]
    if len(codes) != 2:
        raise InvalidInput("--parties names two parties, e.g. --parties UA,RU")
    return require_valid(
        Agreement(
            name=name,
            parties=(codes[0], codes[1]),
            per_side=per_side,
            categories=tuple(_category(spec) for spec in categories),
            stages=tuple(_stage(i, spec) for i, spec in enumerate(stage_specs, 1)),
            agreed_on=dt.date.fromisoformat(agreed_on) if agreed_on else None,
            place=place,
        )
    )


def _category(spec: str) -> CategorySpec:
    parts = [*spec.split(":"), "", "", "", "", ""][:6]
    code, parity, total, kind, ages, wounded = parts
    low, _, high = ages.partition("-")
    try:
        return CategorySpec(
            code=code,
            label=code,
            eligibility=Eligibility(
                category=Category(kind) if kind else None,
                min_age=int(low) if low else None,
                max_age=int(high) if high else None,
                seriously_wounded=True if wounded == "wounded" else None,
            ),
            parity=ParityRule(parity or "n_for_n"),
            total=int(total) if total else None,
        )
    except ValueError as error:
        raise InvalidInput(f"--category {spec!r} cannot be read: {error}") from None


def _stage(number: int, spec: str) -> StagePlan:
    day, _, counts = spec.partition(":")
    try:
        parsed = {
            code.strip(): int(n)
            for code, _, n in (item.partition("=") for item in counts.split(",") if item)
        }
        return StagePlan(number=number, day=dt.date.fromisoformat(day), counts=parsed)
    except ValueError as error:
        raise InvalidInput(f"--stage {spec!r} cannot be read: {error}") from None


@agreements_app.command("list")
def list_agreements(ctx: typer.Context, as_json: Json = False) -> None:
    """Every agreement, newest first."""
    views = agreements.list_agreements(open_database(ctx))
    if as_json:
        print_json([v.to_dict() for v in views])
        return
    table = Table("id", "name", "parties", "per side", "stages")
    for v in views:
        a = v.agreement
        table.add_row(str(v.id), a.name, "/".join(a.parties), str(a.per_side), str(len(a.stages)))
    out.print(table)


@agreements_app.command("show")
def show_agreement(ctx: typer.Context, agreement_id: AgreementId, as_json: Json = False) -> None:
    """An agreement's categories, parity rules and planned stages."""
    view = agreements.get_agreement(open_database(ctx), agreement_id)
    if as_json:
        print_json(view.to_dict())
    else:
        _print_agreement(view)


def _print_agreement(view: agreements.AgreementView) -> None:
    a = view.agreement
    out.print(f"{a.name}: {' and '.join(a.parties)}, {a.per_side} per side", highlight=False)
    for c in a.categories:
        total = f", {c.total} per side" if c.total is not None else ""
        out.print(f"  {c.code}: {c.eligibility.describe()}; {c.parity}{total}", highlight=False)
    for s in view.stages:
        counts = ", ".join(f"{n} {code}" for code, n in s.counts.items())
        out.print(f"  stage {s.number} on {s.day}: {counts}", highlight=False)


# --- lists ------------------------------------------------------------------------------


@lists_app.command("import")
def import_list(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX")],
    agreement: Annotated[int, typer.Option(help="The agreement's id")],
    party: Annotated[str, typer.Option(help="The party that sent the list, e.g. RU")],
    direction: Annotated[Direction, typer.Option(help="offer or request")] = Direction.OFFER,
    category: Annotated[
        str | None, typer.Option(help="The agreement category, when the list is for one")
    ] = None,
    received_from: ReceivedFrom = "",
    received_at: ReceivedAt = None,
    mapping: MappingFile = None,
    sheet: Sheet = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Import a list version exactly as received: every row or none."""
    db = open_database(ctx)
    table = tabular.read_table(path, sheet=sheet)
    rows = registry.evidence_from_rows(
        table, mapping=tabular.read_mapping(mapping) if mapping else None, file_name=path.name
    )
    view = exchange_lists.import_version(
        db,
        agreement_id=agreement,
        party=party,
        direction=direction,
        rows=rows,
        file_name=path.name,
        content_hash=tabular.file_hash(path),
        received_from=received_from,
        received_at=received_at.astimezone(dt.UTC) if received_at else None,
        category=category,
        actor=actor,
    )
    if as_json:
        print_json(_plain(view))
    else:
        out.print(
            f"list version {view.id}: {view.label}, {view.entries} entries "
            f"(sha256 {view.content_hash[:12]}…)",
            highlight=False,
        )


@lists_app.command("versions")
def versions(
    ctx: typer.Context,
    agreement: Annotated[int | None, typer.Option(help="Only this agreement's")] = None,
    party: Annotated[str | None, typer.Option(help="Only this party's")] = None,
    as_json: Json = False,
) -> None:
    """List versions as received: party, offer or request, number, hash."""
    views = exchange_lists.list_versions(open_database(ctx), agreement_id=agreement, party=party)
    if as_json:
        print_json(_plain(views))
        return
    table = Table("id", "agreement", "list", "entries", "received", "from", "sha256")
    for v in views:
        table.add_row(
            str(v.id),
            str(v.agreement_id),
            v.label,
            str(v.entries),
            v.received_at[:16],
            v.received_from,
            v.content_hash[:12],
        )
    out.print(table)


@lists_app.command("diff")
def diff(
    ctx: typer.Context,
    old: Annotated[int, typer.Argument(help="The earlier list version's id")],
    new: Annotated[int, typer.Argument(help="The later list version's id")],
    as_json: Json = False,
) -> None:
    """Entries added, removed and changed between two versions of one list."""
    result = exchange_lists.diff_versions(open_database(ctx), old_id=old, new_id=new)
    if as_json:
        print_json(_plain(result))
        return
    for entry in result.added:
        out.print(f"+ line {entry.line}: {entry.name} {entry.date_of_birth}", highlight=False)
    for entry in result.removed:
        out.print(f"- line {entry.line}: {entry.name} {entry.date_of_birth}", highlight=False)
    for change in result.changed:
        what = "; ".join(f"{c.field}: {c.old!r} → {c.new!r}" for c in change.changes)
        out.print(f"~ line {change.new.line}: {change.new.name}: {what}", highlight=False)
    out.print(
        f"{len(result.added)} added, {len(result.removed)} removed, "
        f"{len(result.changed)} changed, {result.unchanged} unchanged"
    )


@lists_app.command("validate")
def validate(
    ctx: typer.Context,
    version: Annotated[int, typer.Argument(help="The list version's id")],
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Resolve every entry against the registry and record the findings."""
    db = open_database(ctx)
    search = _search(ctx, db)
    report = exchange_lists.validate_version(db, search, version_id=version, actor=actor)
    search.save_snapshot()
    _print_report(report, as_json)


@lists_app.command("report")
def report(
    ctx: typer.Context,
    version: Annotated[int, typer.Argument(help="The list version's id")],
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Write CSV or XLSX (by extension)")
    ] = None,
    as_json: Json = False,
) -> None:
    """The latest validation: every entry, its person, score, runner-up and findings."""
    result = exchange_lists.validation_report(open_database(ctx), version_id=version)
    if out_path is None:
        _print_report(result, as_json)
        return
    _write(out_path, exchange_lists.report_rows(result), exchange_lists.REPORT_HEADERS, "Report")
    err.print(f"validation report of {result.version.label} written to {out_path}")


def _write(path: Path, rows: list[dict[str, object]], headers: Any, title: str) -> None:
    suffix = path.suffix.casefold()
    if suffix == ".xlsx":
        export_format.write_xlsx(path, rows, headers, sheet_title=title)
    elif suffix == ".csv":
        export_format.write_csv(path, rows, headers)
    else:
        raise InvalidInput(f"{path.name}: write .csv or .xlsx")


def _print_report(report: exchange_lists.ValidationReport, as_json: bool) -> None:
    if as_json:
        print_json(_plain(report))
        return
    out.print(
        f"{report.version.label}: {len(report.lines)} entries, validation {report.validation_id} "
        f"({report.seconds:.2f} s)",
        highlight=False,
    )
    for line in report.lines:
        for f in line.findings:
            decided = f" [{f.decision} by {f.decided_by}]" if f.decision else ""
            out.print(
                f"  finding {f.id}, line {line.entry.line} {line.entry.name}: {f.kind}: "
                f"{f.message}{decided}",
                highlight=False,
            )
    counts = ", ".join(f"{n} {k}" for k, n in report.counts.items()) or "no findings"
    out.print(counts)


@lists_app.command("decide")
def decide(
    ctx: typer.Context,
    finding: Annotated[int, typer.Argument(help="The finding's id (lists report)")],
    decision: Annotated[Decision, typer.Option(help="accept, reject or correct")],
    reason: Annotated[str, typer.Option(help="Why (kept with the decision)")],
    person: Annotated[int | None, typer.Option(help="correct: the right person's id")] = None,
    category: Annotated[str | None, typer.Option(help="correct: the right category")] = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Accept, reject or correct a finding (a new row; the latest decision counts)."""
    view = exchange_lists.decide_finding(
        open_database(ctx),
        finding_id=finding,
        decision=decision,
        reason=reason,
        corrected_person_id=person,
        corrected_category=category,
        actor=actor,
    )
    if as_json:
        print_json(_plain(view))
    else:
        out.print(f"finding {finding}: {view.decision} ({view.reason})", highlight=False)


# --- stages -----------------------------------------------------------------------------


@stages_app.command("plan")
def plan(
    ctx: typer.Context,
    agreement: AgreementId,
    time_limit: Annotated[
        float,
        typer.Option(
            help="Seconds the solver may take at most; it stops sooner, on a fixed amount of "
            "work, so a busy machine gives the same plan as a quiet one"
        ),
    ] = TIME_LIMIT_SECONDS,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Compose every stage not yet composed with CP-SAT, from the accepted list entries."""
    result = stages.plan(
        open_database(ctx), agreement_id=agreement, actor=actor, time_limit=time_limit
    )
    if as_json:
        print_json(_plain(result))
        return
    for view in result.stages:
        _print_stage(view)
    out.print(
        f"solver: {result.solver_status} in {result.seconds:.2f} s; "
        f"{result.left_out} accepted entries left for later"
    )


@stages_app.command("show")
def show_stage(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    members: Annotated[bool, typer.Option(help="List every member")] = False,
    as_json: Json = False,
) -> None:
    """A stage's counts per side and category, its parity findings and (optionally) members."""
    view = stages.show(open_database(ctx), agreement_id=agreement, number=number)
    if as_json:
        print_json(_plain(view))
        return
    _print_stage(view)
    if members:
        for m in view.members:
            override = f" (override: {m.override_reason})" if m.override_reason else ""
            out.print(
                f"  {m.party} {m.category}: person {m.person_id} {m.name}{override}",
                highlight=False,
            )


def _print_stage(view: stages.StageView) -> None:
    planned = ", ".join(f"{n} {c}" for c, n in view.planned.items())
    out.print(f"stage {view.number} on {view.day} (planned per side: {planned})", highlight=False)
    for party, counts in view.counts.items():
        text = ", ".join(f"{n} {c}" for c, n in counts.items()) or "nobody yet"
        out.print(f"  {party} hands over {text}", highlight=False)
    for f in view.findings:
        out.print(f"  {f.severity}: {f.message}", highlight=False)


def _changes(specs: list[str], category: str | None) -> list[stages.MemberChange]:
    changes = []
    for spec in specs:
        party, _, person = spec.partition(":")
        if not person.isdigit():
            raise InvalidInput(f"{spec!r}: write PARTY:PERSON_ID, e.g. UA:1234")
        changes.append(stages.MemberChange(party.upper(), int(person), category=category))
    return changes


PersonSpecs = Annotated[
    list[str], typer.Option("--person", help="PARTY:PERSON_ID (repeat for several)")
]
ChangeReason = Annotated[str, typer.Option("--reason", help="Why")]
ParityOverride = Annotated[
    str | None,
    typer.Option("--override", help="Break parity anyway, for this reason (administrators)"),
]


@stages_app.command("add")
def add_members(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    person: PersonSpecs,
    category: Annotated[str | None, typer.Option(help="Category of those added")] = None,
    remove: Annotated[
        list[str] | None, typer.Option(help="PARTY:PERSON_ID to take out in the same step")
    ] = None,
    reason: ChangeReason = "",
    override: ParityOverride = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Add people to a stage (with --remove, swap them); refused if parity would break."""
    _change_stage(
        ctx,
        agreement,
        number,
        add=_changes(person, category),
        remove=_changes(remove or [], None),
        reason=reason,
        override=override,
        actor=actor,
        as_json=as_json,
    )


@stages_app.command("remove")
def remove_members(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    person: PersonSpecs,
    reason: ChangeReason = "",
    override: ParityOverride = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Take people out of a stage; refused if parity would break."""
    _change_stage(
        ctx,
        agreement,
        number,
        add=[],
        remove=_changes(person, None),
        reason=reason,
        override=override,
        actor=actor,
        as_json=as_json,
    )


def _change_stage(
    ctx: typer.Context,
    agreement: int,
    number: int,
    *,
    add: list[stages.MemberChange],
    remove: list[stages.MemberChange],
    reason: str,
    override: str | None,
    actor: str,
    as_json: bool,
) -> None:
    view = stages.change(
        open_database(ctx),
        agreement_id=agreement,
        number=number,
        add=add,
        remove=remove,
        reason=reason,
        override_reason=override,
        may_override=True,
        actor=actor,
    )
    if as_json:
        print_json(_plain(view))
    else:
        _print_stage(view)


@stages_app.command("export")
def export_stage(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    party: Annotated[str, typer.Option(help="The side whose people are listed, e.g. UA")],
    out_path: Annotated[Path, typer.Option("--out", help="CSV or XLSX", dir_okay=False)],
    to: Annotated[str, typer.Option("--to", help="Who receives it")] = "",
    legal_basis: Annotated[str, typer.Option(help="Why they may have it")] = "",
    actor: Actor = "cli",
) -> None:
    """Who one side hands over in a stage, with only the agreed fields, for the other party."""
    rows = stages.disclose_side(
        open_database(ctx),
        agreement_id=agreement,
        number=number,
        party=party,
        actor=actor,
        recipient=to,
        legal_basis=legal_basis,
        file=out_path.name,
    )
    _write(out_path, rows, ("stage", *stages.AGREED_FIELDS), f"Stage {number} {party}")
    err.print(f"{len(rows)} people written to {out_path}")


# --- handovers --------------------------------------------------------------------------


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
    instead = None
    if substitute:
        family, _, given = substitute.partition(" ")
        instead = handovers.Substitute(
            family_name=family, given_names=given, date_of_birth=PartialDate.parse(substitute_born)
        )
    view = handovers.record_handover(
        db,
        _search(ctx, db),
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
        print_json(_plain(view))
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
        print_json(_plain(rows))
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
        print_json(_plain(result))
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


def reconcile(ctx: typer.Context, agreement: AgreementId, as_json: Json = False) -> None:
    """Agreed vs listed vs delivered per stage and category, both sides; mismatches by name."""
    result = reconciliation.reconciliation(open_database(ctx), agreement_id=agreement)
    if as_json:
        print_json(reconciliation.as_dict(result))
        return
    table = Table("stage", "category", "side", "agreed", "listed", "delivered", "declared")
    for line in result.lines:
        for side in line.sides:
            declared = ", ".join(f"{d.by}: {d.count} ({d.differs_by:+d})" for d in side.declared)
            table.add_row(
                str(line.stage) if line.stage is not None else "total",
                line.label,
                side.party,
                "" if side.agreed is None else str(side.agreed),
                str(side.listed),
                str(side.delivered),
                declared,
            )
    out.print(table)
    for m in result.mismatches:
        out.print(
            f"stage {m.stage} {m.party} {m.category}: {m.name} (person {m.person_id}) "
            f"{m.outcome}{': ' + m.note if m.note else ''}",
            highlight=False,
        )
    for party, text in result.running.items():
        out.print(f"{party} handed over {text}", highlight=False)


# --- the field desk: packs out, logs back ---------------------------------------------------


@stages_app.command("pack")
def pack_stage(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    out_path: Annotated[Path, typer.Option("--out", help="The .hcpack file to write")],
    encrypt_to: Annotated[
        str | None, typer.Option(help="The field laptop's age public key (age1…)")
    ] = None,
    actor: Actor = "cli",
) -> None:
    """Pack a stage for a field desk: agreed fields only, signed with the bureau's key."""
    result = stage_packs.pack_stage(
        open_database(ctx),
        data_dir=settings_of(ctx).data_dir,
        agreement_id=agreement,
        number=number,
        actor=actor,
        encrypt_to=encrypt_to,
    )
    out_path.write_bytes(result.data)
    sealed = ", encrypted" if result.encrypted else ""
    err.print(
        f"stage {number}: {result.members} people, {result.photos} photos written to "
        f"{out_path} (signed {result.signed_by}{sealed}; sha256 {result.sha256[:12]}…)"
    )


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
        _search(ctx, db),
        data_dir=settings_of(ctx).data_dir,
        data=path.read_bytes(),
        source=path.name,
        actor=actor,
    )
    if as_json:
        print_json(_plain(report))
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
        print_json(_plain(views))
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
    instead = None
    if substitute:
        family, _, given = substitute.partition(" ")
        instead = handovers.Substitute(family_name=family, given_names=given)
    view = field_merge.resolve(
        db,
        _search(ctx, db),
        conflict_id=conflict,
        actor=actor,
        reason=reason,
        outcome=outcome,
        evidence=evidence,
        substitute=instead,
    )
    if as_json:
        print_json(_plain(view))
    else:
        out.print(f"conflict {view.id}: {view.resolution} ({view.reason})", highlight=False)


@handovers_app.command("field-log")
def field_log(
    ctx: typer.Context, agreement: AgreementId, number: StageNumber, as_json: Json = False
) -> None:
    """Every field entry merged for a stage: outcomes, arrivals and notes, as the desks said."""
    rows = field_merge.field_log(open_database(ctx), agreement_id=agreement, number=number)
    if as_json:
        print_json(_plain(rows))
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
