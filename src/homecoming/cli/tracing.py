"""`homecoming inquiries|testimonies`: tracing from the command line.

`register` also adds `homecoming leads` and `homecoming notifications` (`cli/leads.py`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from homecoming.cli.leads import leads_app, notifications_app
from homecoming.cli.options import Actor, Json, MappingFile, Reference, Sheet
from homecoming.cli.runtime import (
    err,
    open_database,
    open_with_search,
    out,
    print_json,
    settings_of,
)
from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category, Contact, RecordFields, Sex
from homecoming.formats import tabular
from homecoming.services import family, inquiries, leads, testimonies, users
from homecoming.services.contacts import read_contacts
from homecoming.settings import Settings
from homecoming.tracing.inquiry import FamilyStatus, Recipient, SharingScope

inquiries_app = typer.Typer(
    help="Families' inquiries: register, import, follow.", no_args_is_help=True
)
testimonies_app = typer.Typer(
    help="Testimonies of released people: sightings, photo debriefs.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add these commands to the `homecoming` app."""
    app.add_typer(inquiries_app, name="inquiries")
    app.add_typer(testimonies_app, name="testimonies")
    app.add_typer(leads_app, name="leads")
    app.add_typer(notifications_app, name="notifications")


# --- inquiries --------------------------------------------------------------------------------


@inquiries_app.command("add")
def add_inquiry(
    ctx: typer.Context,
    inquirer: Annotated[str, typer.Option(help="Who asks: the relative's name")],
    family_name: Annotated[str, typer.Option(help="Sought person's family name")] = "",
    given_names: Annotated[str, typer.Option(help="Sought person's given name(s)")] = "",
    patronymic: Annotated[str, typer.Option(help="Patronymic (по батькові)")] = "",
    full_name: Annotated[str, typer.Option(help="The whole name, when not split")] = "",
    born: Annotated[str, typer.Option(help="Date of birth: YYYY, YYYY-MM or YYYY-MM-DD")] = "",
    sex: Annotated[Sex | None, typer.Option(help="female, male or other")] = None,
    category: Annotated[Category | None, typer.Option(help="serviceman or civilian")] = None,
    rank: Annotated[str, typer.Option(help="Rank")] = "",
    unit: Annotated[str, typer.Option(help="Unit or brigade, e.g. '36 ОБрМП'")] = "",
    service_number: Annotated[str, typer.Option(help="Service number")] = "",
    call_sign: Annotated[str, typer.Option(help="Call sign (позивний)")] = "",
    last_seen: Annotated[str, typer.Option(help="When last seen (partial date)")] = "",
    last_seen_place: Annotated[str, typer.Option(help="Where last seen")] = "",
    circumstances: Annotated[str, typer.Option(help="Circumstances of disappearance")] = "",
    marks: Annotated[str, typer.Option(help="Distinguishing marks")] = "",
    relation: Annotated[str, typer.Option(help="The inquirer's relation, e.g. мати")] = "",
    phone: Annotated[str, typer.Option(help="The inquirer's phone")] = "",
    email: Annotated[str, typer.Option(help="The inquirer's e-mail")] = "",
    address: Annotated[str, typer.Option(help="The inquirer's address")] = "",
    consent: Annotated[
        bool, typer.Option(help="The family consents to sharing beyond the bureau")
    ] = False,
    scope: Annotated[SharingScope, typer.Option(help="How far it may be shared")] = (
        SharingScope.BUREAU
    ),
    harm_risk: Annotated[
        bool, typer.Option(help="Telling the other party could harm the person (GCIV Art. 137)")
    ] = False,
    language: Annotated[str, typer.Option(help="Language of messages: uk, en or ru")] = "uk",
    party: Annotated[str | None, typer.Option(help="The family's side, e.g. UA")] = None,
    received_via: Annotated[str, typer.Option(help="hotline, in person, letter...")] = "",
    letter: Annotated[
        Path | None,
        typer.Option(help="Write the family's letter (reference and access code) to this file"),
    ] = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Register one inquiry; prints the case reference and the family access code (once)."""
    request = inquiries.InquiryRequest(
        sought=RecordFields(
            family_name=family_name,
            given_names=given_names,
            patronymic=patronymic,
            full_name=full_name,
            sex=sex,
            date_of_birth=PartialDate.parse(born),
            category=category,
            rank=rank,
            unit=unit,
            service_number=service_number,
            event_date=PartialDate.parse(last_seen),
            event_place=last_seen_place,
            distinguishing_marks=marks,
        ),
        inquirer=Contact(
            name=inquirer, relation=relation, phone=phone, email=email, address=address
        ),
        consent=consent,
        scope=scope,
        harm_risk=harm_risk,
        language=language,
        call_sign=call_sign,
        circumstances=circumstances,
        party=party.upper() if party else None,
        received_via=received_via,
    )
    db = open_database(ctx)
    settings = settings_of(ctx)
    code, code_hash = family.new_code_and_hash(users.password_hasher(settings))
    registered = inquiries.register(db, request=request, actor=actor, family_code_hash=code_hash)
    view = inquiries.show(db, registered.id)
    _write_letter(settings, letter, view.language, registered.reference, code)
    if as_json:
        print_json(view.to_dict() | {"family_access_code": code})
        return
    pending = view.leads.get("pending", 0)
    out.print(
        f"registered {registered.reference} (inquiry {registered.id}); {pending} lead(s) to review"
        f"\nfamily access code (shown once, give it to the family): {code}",
        highlight=False,
    )


@inquiries_app.command("family-code")
def family_code(
    ctx: typer.Context,
    inquiry: Reference,
    letter: Annotated[
        Path | None,
        typer.Option(help="Write the family's letter (reference and access code) to this file"),
    ] = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Issue a new family access code (the family lost theirs); the old one stops working."""
    db = open_database(ctx)
    settings = settings_of(ctx)
    code = family.issue_code(
        db, inquiry=inquiry, hasher=users.password_hasher(settings), actor=actor
    )
    view = inquiries.show(db, inquiry)
    _write_letter(settings, letter, view.language, view.reference, code)
    if as_json:
        print_json({"reference": view.reference, "family_access_code": code})
        return
    out.print(f"new family access code for {view.reference} (shown once): {code}", highlight=False)


def _write_letter(
    settings: Settings, path: Path | None, language: str, reference: str, code: str
) -> None:
    if path is None:
        return
    text = family.letter(settings, language=language, reference=reference, code=code)
    path.write_text(text, encoding="utf-8")
    err.print(f"the family's letter is in {path}: print it and hand it over", highlight=False)


@inquiries_app.command("import")
def import_inquiries(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX")],
    party: Annotated[str | None, typer.Option(help="The families' side, e.g. UA")] = None,
    mapping: MappingFile = None,
    sheet: Sheet = None,
    encoding: Annotated[str | None, typer.Option(help="Force a CSV encoding")] = None,
    received_via: Annotated[str, typer.Option(help="hotline, in person, letter...")] = "",
    force: Annotated[bool, typer.Option(help="Import a file already imported")] = False,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Register a file of inquiries (one per row): every row or none."""
    db = open_database(ctx)
    table = tabular.read_table(path, sheet=sheet, encoding=encoding)
    requests = inquiries.requests_from_rows(
        table,
        party=party.upper() if party else None,
        file_name=path.name,
        mapping=tabular.read_mapping(mapping) if mapping else None,
        received_via=received_via,
    )
    found = inquiries.register_many(
        db,
        requests=requests,
        file_name=path.name,
        content_hash=tabular.file_hash(path),
        party=party.upper() if party else None,
        actor=actor,
        force=force,
    )
    if as_json:
        print_json(
            [{"id": r.id, "reference": r.reference, "record_id": r.record_id} for r in found]
        )
        return
    out.print(f"registered {len(found)} inquiries from {path.name}", highlight=False)
    for item in found:
        out.print(f"  {item.reference}", highlight=False)


@inquiries_app.command("list")
def list_inquiries(
    ctx: typer.Context,
    status: Annotated[FamilyStatus | None, typer.Option(help="Only this status")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only open inquiries")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Json = False,
) -> None:
    """Inquiries, newest first."""
    total, views = inquiries.list_inquiries(
        open_database(ctx), status=status, open_only=open_only, limit=limit, offset=offset
    )
    if as_json:
        print_json({"total": total, "items": [v.to_dict() for v in views]})
        return
    table = Table("reference", "name", "born", "unit", "status", "scope", "leads")
    for v in views:
        table.add_row(
            v.reference,
            v.name,
            v.date_of_birth,
            v.unit,
            v.status,
            v.effective_scope,
            ", ".join(f"{k} {n}" for k, n in sorted(v.leads.items())),
        )
    out.print(table)
    out.print(f"{len(views)} of {total}")


@inquiries_app.command("show")
def show_inquiry(ctx: typer.Context, inquiry: Reference, as_json: Json = False) -> None:
    """One inquiry: whom it seeks, its scope, status and leads (never the family's contacts)."""
    view = inquiries.show(open_database(ctx), inquiry)
    if as_json:
        print_json(view.to_dict())
        return
    for key, value in view.to_dict().items():
        if value not in ("", None, [], {}):
            out.print(f"{key:>20}: {value}", highlight=False)


@inquiries_app.command("withdraw")
def withdraw_inquiry(
    ctx: typer.Context,
    inquiry: Reference,
    reason: Annotated[str, typer.Option(help="Why (the family's words, briefly)")],
    actor: Actor = "cli",
) -> None:
    """The family closes the inquiry: no more re-matching."""
    view = inquiries.withdraw(open_database(ctx), inquiry=inquiry, reason=reason, actor=actor)
    out.print(f"{view.reference} withdrawn", highlight=False)


@inquiries_app.command("match")
def match_inquiries(ctx: typer.Context, actor: Actor = "cli", as_json: Json = False) -> None:
    """Match every open inquiry against the whole registry again (new leads only)."""
    db, search = open_with_search(ctx)
    total, views = inquiries.list_inquiries(db, open_only=True, limit=1_000_000)
    created = leads.match_inquiries(db, [v.id for v in views], actor=actor, search=search)
    if as_json:
        print_json({"inquiries": total, "leads": created})
    else:
        out.print(f"matched {total} open inquiries: {created} new lead(s)")


@inquiries_app.command("add-photo")
def add_photo(
    ctx: typer.Context,
    inquiry: Reference,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JPEG, PNG or WebP")],
    caption: Annotated[str, typer.Option(help="What the photo shows")] = "",
    actor: Actor = "cli",
) -> None:
    """Keep a photo the family gave (for debriefs of released people)."""
    photo = inquiries.add_photo(
        open_database(ctx),
        data_dir=settings_of(ctx).data_dir,
        inquiry=inquiry,
        data=path.read_bytes(),
        file_name=path.name,
        caption=caption,
        actor=actor,
    )
    out.print(f"photo {photo.id} added to {photo.reference}", highlight=False)


@inquiries_app.command("gallery")
def gallery(
    ctx: typer.Context,
    unit: Annotated[str, typer.Option(help="Only this unit, e.g. '36th brigade'")] = "",
    region: Annotated[str, typer.Option(help="Only those last seen here")] = "",
    facility: Annotated[str, typer.Option(help="Only those placed in this facility")] = "",
    as_json: Json = False,
) -> None:
    """Photos of open inquiries to show a released person at a debrief."""
    found = inquiries.gallery(open_database(ctx), unit=unit, region=region, facility=facility)
    if as_json:
        print_json([vars_of(p) for p in found])
        return
    table = Table("photo", "reference", "name", "unit", "last seen", "file")
    for p in found:
        table.add_row(str(p.id), p.reference, p.name, p.unit, p.last_seen_place, p.path)
    out.print(table)


@inquiries_app.command("contacts")
def show_contacts(
    ctx: typer.Context,
    inquiry: Reference,
    purpose: Annotated[str, typer.Option(help="Why you read them (kept in the audit log)")],
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """The inquirer's contact details; the read is audited."""
    db = open_database(ctx)
    view = inquiries.show(db, inquiry)
    found = read_contacts(db, record_id=view.record_id, actor=actor, purpose=purpose)
    if as_json:
        print_json([vars_of(c) for c in found])
        return
    for c in found:
        out.print(f"{c.name} ({c.relation}): {c.phone} {c.email} {c.address}", highlight=False)


@inquiries_app.command("export-pfif")
def export_pfif(
    ctx: typer.Context,
    to: Annotated[Recipient, typer.Option(help="Who receives it: bureau, icrc or other_party")],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the PFIF XML")],
    domain: Annotated[str, typer.Option(help="PFIF home domain of our records")] = (
        "homecoming.local"
    ),
    author: Annotated[str, typer.Option(help="Author name on the notes")] = (
        "National Information Bureau"
    ),
    actor: Actor = "cli",
) -> None:
    """PFIF 1.4 notes of tracing status: only inquiries the families let this recipient see."""
    document, count = inquiries.export_pfif_notes(
        open_database(ctx), recipient=to, domain=domain, author=author, actor=actor
    )
    out_path.write_bytes(document)
    err.print(f"{count} inquiries written to {out_path} for {to.value}")


# --- testimonies -------------------------------------------------------------------------------


@testimonies_app.command("add")
def add_testimony(
    ctx: typer.Context,
    witness: Annotated[str, typer.Option(help="Who gave the testimony")],
    saw: Annotated[
        list[str],
        typer.Option(help="Whom they saw, as heard, e.g. 'Nekhir from the 36th brigade'"),
    ],
    facility: Annotated[str, typer.Option(help="Where (for every sighting)")] = "",
    when: Annotated[str, typer.Option(help="Roughly when: YYYY, YYYY-MM or YYYY-MM-DD")] = "",
    condition: Annotated[str, typer.Option(help="In what condition")] = "",
    place: Annotated[str, typer.Option(help="Where the debrief took place")] = "",
    party: Annotated[str | None, typer.Option(help="The witness's side, e.g. UA")] = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Record a released person's testimony; each sighting is matched against open inquiries."""
    sightings = [
        testimonies.sighting_from_words(s, facility=facility, seen_when=when, condition=condition)
        for s in saw
    ]
    result = testimonies.record_testimony(
        open_database(ctx),
        witness=witness,
        sightings=sightings,
        actor=actor,
        party=party.upper() if party else None,
        place=place,
    )
    if as_json:
        print_json(vars_of(result))
        return
    out.print(
        f"testimony {result.id}: {len(result.sightings)} sighting(s), {result.leads} new lead(s)"
    )


@testimonies_app.command("show")
def show_testimony(
    ctx: typer.Context,
    testimony_id: Annotated[int, typer.Argument(help="The testimony's id")],
    as_json: Json = False,
) -> None:
    """A testimony with its sightings and debrief answers."""
    view = testimonies.show(open_database(ctx), testimony_id)
    if as_json:
        print_json(view.to_dict())
        return
    out.print(f"testimony {view.id} by {view.witness} ({view.taken_at})", highlight=False)
    for s in view.sightings:
        out.print(f"  {s['as_heard']}  [{s['facility']}] {s['seen_when']}", highlight=False)


@testimonies_app.command("answer")
def answer_photo(
    ctx: typer.Context,
    testimony_id: Annotated[int, typer.Argument(help="The debrief's testimony")],
    photo_id: Annotated[int, typer.Argument(help="The photo shown")],
    answer: Annotated[testimonies.Answer, typer.Option(help="recognised, not_recognised, unsure")],
    facility: Annotated[str, typer.Option(help="Where they saw the person")] = "",
    when: Annotated[str, typer.Option(help="Roughly when")] = "",
    notes: Annotated[str, typer.Option(help="Anything else they said")] = "",
    actor: Actor = "cli",
) -> None:
    """Record what a released person said on seeing an inquiry's photo."""
    result = testimonies.record_answer(
        open_database(ctx),
        testimony_id=testimony_id,
        photo_id=photo_id,
        answer=answer,
        facility=facility,
        seen_when=when,
        notes=notes,
        actor=actor,
    )
    lead = f"; lead {result.lead_id} to verify" if result.lead_id else ""
    out.print(f"answer {result.id} recorded{lead}")


def vars_of(value: Any) -> dict[str, Any]:
    """A dataclass with slots as a dict, dates as text."""
    import dataclasses

    return {
        k: v.isoformat() if isinstance(v, dt.datetime) else v
        for k, v in dataclasses.asdict(value).items()
    }
