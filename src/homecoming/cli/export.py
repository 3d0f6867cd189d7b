"""`homecoming export persons|records`: CSV, XLSX or PFIF, with formula cells escaped."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from homecoming.cli.options import Actor
from homecoming.cli.runtime import open_database, out
from homecoming.domain.record import RECORD_FIELD_NAMES, SourceKind
from homecoming.errors import InvalidInput
from homecoming.formats import sealed
from homecoming.formats.export import write_csv, write_xlsx
from homecoming.services import disclosures, persons, pfif, registry
from homecoming.store.db import Database

EncryptTo = Annotated[
    list[str] | None,
    typer.Option(
        "--encrypt-to",
        help="Seal the file (age) to this public key (age1…, ssh-ed25519 …) or a file of keys;"
        " repeat for several recipients",
    ),
]
PassphraseFile = Annotated[
    Path | None,
    typer.Option(help="Seal the file (age) with the passphrase on this file's first line"),
]
Plaintext = Annotated[
    bool, typer.Option("--plaintext", help="Write personal data unencrypted (audited)")
]
To = Annotated[str, typer.Option("--to", help="Who the file is for (default: the bureau)")]
LegalBasis = Annotated[str, typer.Option(help="Why the recipient may have it (needed with --to)")]

PERSON_COLUMNS = ("id", "name", "date_of_birth", "status", "records", "contradictions")
RECORD_COLUMNS = (
    "record_id",
    "person_id",
    "source",
    "line",
    "external_id",
    *RECORD_FIELD_NAMES,
)


class What(StrEnum):
    PERSONS = "persons"
    RECORDS = "records"


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PFIF = "pfif"


def register(app: typer.Typer) -> None:
    app.command("export")(export)


def export(
    ctx: typer.Context,
    what: Annotated[What, typer.Argument(help="persons or records")],
    out_path: Annotated[Path, typer.Option("--out", help="File to write", dir_okay=False)],
    fmt: Annotated[
        Format | None, typer.Option("--format", help="Default: from the file's extension")
    ] = None,
    pfif_domain: Annotated[str, typer.Option(help="PFIF record-id domain")] = "homecoming.local",
    include_inquiries: Annotated[
        bool,
        typer.Option(
            help="Also write what families told us in their inquiries (for the bureau's own use "
            "only: `homecoming inquiries export-pfif` shares inquiries as each family allowed)"
        ),
    ] = False,
    encrypt_to: EncryptTo = None,
    passphrase_file: PassphraseFile = None,
    plaintext: Plaintext = False,
    to: To = "",
    legal_basis: LegalBasis = "",
    actor: Actor = "cli",
    since: Annotated[
        dt.datetime | None,
        typer.Option(
            help="PFIF only: write only records that entered Homecoming after this moment "
            "(an entry_date of the last export, e.g. 2025-05-23T10:00:00Z; UTC if no zone)",
            formats=["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
        ),
    ] = None,
) -> None:
    """Write every person or record to CSV, XLSX or PFIF 1.4 (persons only).

    The file holds personal data: it is sealed (age) to --encrypt-to keys or with a
    --passphrase-file, or written unencrypted only with --plaintext. Every export is logged in
    the disclosures, with --to and its --legal-basis when it is for another party.
    Families' inquiries are left out unless --include-inquiries: each family decides how far
    its report may go, and an export file may travel further than the bureau. PFIF sends
    back what peers sent under their own record ids (see docs/pfif.md).
    """
    keys = sealed.recipients(encrypt_to or [])
    passphrase = sealed.passphrase_of(passphrase_file) if passphrase_file else ""
    _check_protection(bool(keys or passphrase), plaintext, to)
    chosen = fmt or _format_of(out_path)
    if since is not None and chosen != Format.PFIF:
        raise typer.BadParameter("--since applies to PFIF exports only")
    disclosures.check(recipient=to, legal_basis=legal_basis)
    db = open_database(ctx)
    leave_out = frozenset() if include_inquiries else frozenset({SourceKind.FAMILY_INQUIRY})
    plain = out_path.with_name(f".{out_path.name}.partial")
    try:
        items = _write(db, what, chosen, plain, leave_out, pfif_domain, _utc(since))
        if keys or passphrase:
            sealed.seal(plain, out_path, to=keys, passphrase=passphrase)
        else:
            plain.replace(out_path)
    finally:
        plain.unlink(missing_ok=True)
    disclosures.record(
        db,
        actor=actor,
        kind="export",
        what=f"{what.value} ({chosen.value}{', with inquiries' if include_inquiries else ''})",
        recipient=to,
        legal_basis=legal_basis,
        encrypted=bool(keys or passphrase),
        items=items,
        details={"file": out_path.name},
    )
    sealing = " (sealed)" if keys or passphrase else " (unencrypted)"
    out.print(f"{items} {what.value} written to {out_path}{sealing}")


def _check_protection(encrypted: bool, plaintext: bool, to: str) -> None:
    if encrypted and plaintext:
        raise InvalidInput("--plaintext and --encrypt-to/--passphrase-file exclude each other")
    if not encrypted and not plaintext:
        for_whom = f" for {to}" if to else ""
        raise InvalidInput(
            f"an export{for_whom} holds personal data: seal it with --encrypt-to KEY (or"
            " --passphrase-file FILE), or pass --plaintext to write it unencrypted"
        )


def _write(
    db: Database,
    what: What,
    chosen: Format,
    path: Path,
    leave_out: frozenset[SourceKind],
    pfif_domain: str,
    since: dt.datetime | None,
) -> int:
    if chosen == Format.PFIF:
        if what != What.PERSONS:
            raise typer.BadParameter("PFIF exports persons: use `export persons`")
        written = pfif.export_persons(db, domain=pfif_domain, leave_out=leave_out, since=since)
        path.write_bytes(written.document)
        out.print(f"{written.persons} persons and {written.notes} notes in PFIF")
        return written.persons
    rows, headers = _rows(db, what, leave_out)
    writer = write_xlsx if chosen == Format.XLSX else write_csv
    writer(path, rows, headers)
    return len(rows)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _format_of(path: Path) -> Format:
    if path.suffix.casefold() == sealed.SUFFIX:
        path = path.with_suffix("")
    suffix = path.suffix.casefold().lstrip(".")
    if suffix == "xml":
        return Format.PFIF
    try:
        return Format(suffix)
    except ValueError as exc:
        raise typer.BadParameter(f"cannot tell the format of {path.name}: give --format") from exc


def _rows(
    db: Database, what: What, leave_out: frozenset[SourceKind]
) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    if what == What.PERSONS:
        rows = [
            {
                **persons.summary(v),
                "contradictions": ", ".join(persons.summary(v)["contradictions"]),
            }
            for v in persons.iterate(db, leave_out=leave_out)
        ]
        return rows, PERSON_COLUMNS
    return list(registry.iterate_records(db, leave_out=leave_out)), RECORD_COLUMNS
