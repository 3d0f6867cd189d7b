"""`homecoming agreements|lists|reconcile`: exchanges from the command line.

`register` also adds `homecoming stages` (`cli/stages.py`) and `homecoming handovers`
(`cli/handovers.py`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from homecoming.cli.handovers import handovers_app
from homecoming.cli.options import (
    Actor,
    AgreementId,
    Json,
    MappingFile,
    ReceivedAt,
    ReceivedFrom,
    Sheet,
)
from homecoming.cli.runtime import (
    err,
    index_search,
    open_database,
    out,
    plain,
    print_json,
    write_table,
)
from homecoming.cli.stages import stages_app
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
from homecoming.formats import tabular
from homecoming.services import (
    agreements,
    exchange_lists,
    reconciliation,
    registry,
)
from homecoming.services.exchange_lists import Direction

agreements_app = typer.Typer(help="Exchange agreements: categories, parity, stages.")
lists_app = typer.Typer(help="Parties' offer and request lists: versions, diffs, validation.")
for _group in (agreements_app, lists_app):
    _group.info.no_args_is_help = True


def register(app: typer.Typer) -> None:
    """Add these commands to the `homecoming` app."""
    app.add_typer(agreements_app, name="agreements")
    app.add_typer(lists_app, name="lists")
    app.add_typer(stages_app, name="stages")
    app.add_typer(handovers_app, name="handovers")
    app.command("reconcile")(reconcile)


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
        print_json(plain(view))
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
        print_json(plain(views))
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
        print_json(plain(result))
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
    search = index_search(ctx, db)
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
    write_table(
        out_path, exchange_lists.report_rows(result), exchange_lists.REPORT_HEADERS, "Report"
    )
    err.print(f"validation report of {result.version.label} written to {out_path}")


def _print_report(report: exchange_lists.ValidationReport, as_json: bool) -> None:
    if as_json:
        print_json(plain(report))
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
        print_json(plain(view))
    else:
        out.print(f"finding {finding}: {view.decision} ({view.reason})", highlight=False)


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
