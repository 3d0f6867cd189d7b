"""`homecoming remains …`: handovers of remains, cases, identification, references, catalogue."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from homecoming.cli.options import Actor, Json
from homecoming.cli.runtime import open_database, out, print_json, settings_of
from homecoming.errors import InvalidInput, RowProblem
from homecoming.services import remains
from homecoming.tracing.remains import Relation, Step

remains_app = typer.Typer(
    help="Remains: handovers by count, cases, identification, DNA references, belongings.",
    no_args_is_help=True,
)
Case = Annotated[str, typer.Argument(help="Remains case reference (RC-2025-000001) or id")]
Inquiry = Annotated[str, typer.Argument(help="Case reference (HC-2026-000123) or inquiry id")]
_YES = {"yes", "y", "true", "1", "так", "да", "x", "+"}


def register(app: typer.Typer) -> None:
    app.add_typer(remains_app, name="remains")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a day: write YYYY-MM-DD") from None


def read_bags(path: Path) -> list[remains.Bag]:
    """A CSV of bags: bag, persons, same_as, other_side, tag (only `bag` is required)."""
    text = path.read_text("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "bag" not in [f.strip().lower() for f in reader.fieldnames]:
        raise InvalidInput(f"{path.name}: the first line must name the columns, `bag` among them")
    bags, problems = [], []
    for line, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        persons = row.get("persons") or "1"
        if not row.get("bag"):
            problems.append(RowProblem(line, "bag", "each bag needs its label"))
            continue
        if not persons.isdigit():
            problems.append(RowProblem(line, "persons", f"{persons!r} is not a number"))
            continue
        bags.append(
            remains.Bag(
                label=row["bag"],
                persons=int(persons),
                same_as=row.get("same_as", ""),
                other_side=row.get("other_side", "").lower() in _YES,
                tag=row.get("tag", ""),
            )
        )
    if problems:
        raise InvalidInput(f"{path.name}: {len(problems)} bad row(s); nothing recorded", problems)
    return bags


@remains_app.command("receive")
def receive(
    ctx: typer.Context,
    from_party: Annotated[str, typer.Option("--from", help="The party handing over, e.g. RU")],
    to_party: Annotated[str, typer.Option("--to", help="The party receiving, e.g. UA")],
    day: Annotated[str, typer.Option(help="The day of the handover, YYYY-MM-DD")],
    count: Annotated[int, typer.Option(help="Bags of one person each, numbered 1…N")] = 0,
    bags: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="CSV: bag,persons,same_as,other_side,tag"),
    ] = None,
    declared: Annotated[
        int | None, typer.Option(help="The count the handing side declared")
    ] = None,
    agreement: Annotated[int | None, typer.Option(help="Agreement id (a remains category)")] = None,
    category: Annotated[str, typer.Option(help="The agreement's remains category")] = "",
    stage: Annotated[int | None, typer.Option(help="The agreement's stage number")] = None,
    place: Annotated[str, typer.Option(help="Where")] = "",
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Record remains received: one case (RC-…) per bag, declared beside received."""
    listed = read_bags(bags) if bags else []
    listed += [remains.Bag(label=str(n)) for n in range(len(listed) + 1, len(listed) + count + 1)]
    view = remains.receive(
        open_database(ctx),
        day=_day(day),
        from_party=from_party,
        to_party=to_party,
        bags=listed,
        declared=declared,
        agreement_id=agreement,
        category=category,
        stage=stage,
        place=place,
        actor=actor,
    )
    if as_json:
        print_json(view.to_dict())
        return
    out.print(f"handover {view.id} from {view.from_party}: {view.reconciliation}", highlight=False)


@remains_app.command("declare")
def declare(
    ctx: typer.Context,
    handover: Annotated[int, typer.Argument(help="Remains handover id")],
    count: Annotated[int, typer.Option(help="The count the handing side declared")],
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Record (or correct) the handing side's declared count."""
    view = remains.declare(open_database(ctx), handover_id=handover, count=count, actor=actor)
    if as_json:
        print_json(view.to_dict())
        return
    out.print(f"handover {view.id}: {view.reconciliation}", highlight=False)


@remains_app.command("send-back")
def send_back(
    ctx: typer.Context,
    cases: Annotated[list[str], typer.Argument(help="Cases of the other side's own dead")],
    day: Annotated[str, typer.Option(help="The day they go back, YYYY-MM-DD")],
    place: Annotated[str, typer.Option(help="Where")] = "",
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Send the other side's own dead back: a handover the other way."""
    view = remains.send_back(
        open_database(ctx), cases=cases, day=_day(day), place=place, actor=actor
    )
    if as_json:
        print_json(view.to_dict())
        return
    out.print(f"handover {view.id} to {view.to_party}: {view.reconciliation}", highlight=False)


@remains_app.command("list")
def list_handovers(ctx: typer.Context, as_json: Json = False) -> None:
    """Handovers of remains: declared and received per handover and per handing party."""
    found = remains.handovers(open_database(ctx))
    if as_json:
        print_json(found)
        return
    table = Table("id", "day", "from", "to", "stage", "bags", "declared", "received", "note")
    for h in found["handovers"]:
        note = h["reconciliation"]
        if h["other_side"]:
            note += f"; {h['other_side']} of the other side's own"
        table.add_row(
            str(h["id"]),
            h["day"],
            h["from_party"],
            h["to_party"],
            str(h["stage"] or ""),
            str(h["bags"]),
            str(h["declared"] if h["declared"] is not None else ""),
            str(h["received"]),
            note,
        )
    out.print(table)
    for party in found["by_party"]:
        out.print(f"from {party['party']}: {party['reconciliation']}", highlight=False)


@remains_app.command("cases")
def list_cases(
    ctx: typer.Context,
    handover: Annotated[int | None, typer.Option(help="Only this handover's cases")] = None,
    unidentified: Annotated[bool, typer.Option(help="Only cases not yet identified")] = False,
    limit: Annotated[int, typer.Option(help="How many")] = 200,
    as_json: Json = False,
) -> None:
    """Cases (bags) and where each stands."""
    found = remains.cases(
        open_database(ctx), handover_id=handover, unidentified=unidentified, limit=limit
    )
    if as_json:
        print_json([v.to_dict() for v in found])
        return
    table = Table(
        "case", "handover", "bag", "persons", "same as", "other side", "step", "identified"
    )
    for v in found:
        table.add_row(
            v.reference,
            str(v.handover_id),
            v.bag_label,
            str(v.persons),
            v.same_as or "",
            "yes" if v.other_side else "",
            v.last_step,
            " ".join(v.identified),
        )
    out.print(table)


@remains_app.command("show")
def show(ctx: typer.Context, case: Case, as_json: Json = False) -> None:
    """One case with its steps (who, when, confirmed by whom) and its photos."""
    view = remains.show(open_database(ctx), case)
    if as_json:
        print_json(view.to_dict())
        return
    out.print(
        f"{view.reference}: bag {view.bag_label} from {view.from_party} on {view.day}, "
        f"{view.persons} person(s)" + (f", same person as {view.same_as}" if view.same_as else ""),
        highlight=False,
    )
    table = Table("step id", "step", "person", "inquiry", "method", "lab ref", "by", "confirmed by")
    for s in view.steps:
        table.add_row(
            str(s.id),
            s.step,
            str(s.individual),
            s.inquiry or "",
            s.method,
            s.lab_reference,
            s.recorded_by,
            s.confirmed_by or ("(waiting)" if s.needs_confirmation else ""),
        )
    out.print(table)


@remains_app.command("step")
def step(
    ctx: typer.Context,
    case: Case,
    name: Annotated[Step, typer.Argument(help="The step taken")],
    individual: Annotated[int, typer.Option(help="Which person in a bag of several")] = 1,
    inquiry: Annotated[str | None, typer.Option(help="The family's case (HC-…)")] = None,
    method: Annotated[str, typer.Option(help="identified: dna or forensic")] = "",
    institution: Annotated[str, typer.Option(help="Laboratory or institution")] = "",
    lab_reference: Annotated[str, typer.Option(help="The laboratory's reference")] = "",
    notes: Annotated[str, typer.Option(help="Forensic notes, belongings, tags")] = "",
    other_side: Annotated[
        bool, typer.Option(help="examined: the other side's own dead, to send back")
    ] = False,
    tag: Annotated[str, typer.Option(help="A tag found with the remains, as written")] = "",
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Record one identification step; dna_match and identified wait for a second person."""
    db = open_database(ctx)
    added = remains.record_step(
        db,
        case=case,
        step=name,
        individual=individual,
        inquiry=inquiry,
        method=method,
        institution=institution,
        lab_reference=lab_reference,
        notes=notes,
        actor=actor,
    )
    if other_side:
        remains.mark_other_side(db, case=case, tag=tag, actor=actor)
    if as_json:
        print_json(dataclasses.asdict(added))
        return
    waiting = " (a second person confirms it: `homecoming remains confirm`)"
    out.print(
        f"step {added.id}: {added.step}{waiting if added.needs_confirmation else ''}",
        highlight=False,
    )


@remains_app.command("confirm")
def confirm(
    ctx: typer.Context,
    step_id: Annotated[int, typer.Argument(help="The step to confirm")],
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Confirm a match or an identification: a second person, never the one who recorded it."""
    done = remains.confirm_step(open_database(ctx), step_id=step_id, actor=actor)
    if as_json:
        print_json(dataclasses.asdict(done))
        return
    text = f"step {step_id} ({done.step.step}) confirmed by {actor}"
    if done.inquiry_status:
        text += f"; {done.step.inquiry} is now {done.inquiry_status}"
    if done.notification_id:
        text += f"; notification {done.notification_id} prepared (it only asks to speak in person)"
    out.print(text, highlight=False)


@remains_app.command("export")
def export(
    ctx: typer.Context,
    path: Annotated[Path, typer.Option("--out", help="The CSV file to write")],
    actor: Actor = "cli",
) -> None:
    """Every case as CSV (no names, no genetic data); the export is audited."""
    rows = remains.export_rows(open_database(ctx), actor=actor)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(remains.EXPORT_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    out.print(f"{len(rows)} case(s) written to {path}", highlight=False)


@remains_app.command("reference-add")
def reference_add(
    ctx: typer.Context,
    inquiry: Inquiry,
    relation: Annotated[Relation, typer.Option(help="The donor's relation to the missing")],
    taken_on: Annotated[str, typer.Option(help="When the sample was taken, YYYY-MM-DD")],
    institution: Annotated[str, typer.Option(help="The institution holding the sample")],
    institution_reference: Annotated[str, typer.Option(help="Its reference for the sample")],
    place: Annotated[str, typer.Option(help="Where it was taken")] = "",
    investigator_order: Annotated[str, typer.Option(help="The investigator's order")] = "",
    consent: Annotated[bool, typer.Option(help="The donor signed their consent")] = False,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Register a family's DNA reference sample: metadata only, with the donor's consent."""
    ref = remains.add_reference(
        open_database(ctx),
        inquiry=inquiry,
        relation=relation,
        taken_on=_day(taken_on),
        institution=institution,
        institution_reference=institution_reference,
        place=place,
        investigator_order=investigator_order,
        consent=consent,
        actor=actor,
    )
    if as_json:
        print_json(dataclasses.asdict(ref))
        return
    out.print(f"reference {ref.id} ({ref.relation}) added to {ref.inquiry}", highlight=False)


@remains_app.command("references")
def references(ctx: typer.Context, inquiry: Inquiry, as_json: Json = False) -> None:
    """A case's reference samples and whether they are enough (parents and children first)."""
    found = remains.references(open_database(ctx), inquiry=inquiry)
    if as_json:
        print_json(found)
        return
    enough = "enough" if found["enough"] else "NOT enough (a parent or a child is needed)"
    out.print(f"{found['inquiry']}: {len(found['references'])} reference(s), {enough}")
    for r in found["references"]:
        out.print(
            f"  {r['relation']}, {r['taken_on']}, {r['institution']} {r['institution_reference']}"
        )


@remains_app.command("reference-queue")
def reference_queue(ctx: typer.Context, as_json: Json = False) -> None:
    """Open inquiries whose families have given no reference, or not enough."""
    found = remains.reference_queue(open_database(ctx))
    if as_json:
        print_json(found)
        return
    table = Table("inquiry", "name", "status", "references", "relations")
    for q in found:
        table.add_row(
            q["inquiry"], q["name"], q["status"], str(q["references"]), ", ".join(q["relations"])
        )
    out.print(table)


@remains_app.command("add-photo")
def add_photo(
    ctx: typer.Context,
    case: Case,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JPEG, PNG or WebP")],
    description: Annotated[str, typer.Option(help="What the photo shows")] = "",
    consent: Annotated[
        bool, typer.Option(help="The investigator allows showing it to families")
    ] = False,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Add a photo of belongings found with a case (to the catalogue only with --consent)."""
    added = remains.add_photo(
        open_database(ctx),
        data_dir=settings_of(ctx).data_dir,
        case=case,
        data=path.read_bytes(),
        file_name=path.name,
        description=description,
        consent=consent,
        actor=actor,
    )
    if as_json:
        print_json(added)
        return
    out.print(f"photo {added['id']} added to {added['case']}", highlight=False)


@remains_app.command("catalogue")
def catalogue(ctx: typer.Context, as_json: Json = False) -> None:
    """The belongings catalogue families may browse (photos with consent only)."""
    found = remains.catalogue(open_database(ctx))
    if as_json:
        print_json(found)
        return
    table = Table("photo", "case", "description")
    for p in found:
        table.add_row(str(p["id"]), p["case"], p["description"])
    out.print(table)


@remains_app.command("recognise")
def recognise(
    ctx: typer.Context,
    photo: Annotated[int, typer.Argument(help="The catalogue photo")],
    inquiry: Annotated[str, typer.Option(help="The family's case (HC-…)")],
    notes: Annotated[str, typer.Option(help="What the family said")] = "",
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """A family recognised belongings: a lead on their case for a tracing officer."""
    found: dict[str, Any] = remains.recognise(
        open_database(ctx), photo_id=photo, inquiry=inquiry, notes=notes, actor=actor
    )
    if as_json:
        print_json(found)
        return
    out.print(
        f"lead {found['lead']} on {found['inquiry']} (remains case {found['case']})",
        highlight=False,
    )
