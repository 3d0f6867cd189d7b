"""`homecoming export persons|records`: CSV, XLSX or PFIF, with formula cells escaped."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from homecoming.cli.pfif import pfif_of_persons
from homecoming.cli.runtime import open_database, out
from homecoming.domain.record import RECORD_FIELD_NAMES, SourceKind
from homecoming.formats.export import write_csv, write_xlsx
from homecoming.services import persons, registry
from homecoming.store.db import Database

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
) -> None:
    """Write every person or record to CSV, XLSX or PFIF 1.4 (persons only).

    Families' inquiries are left out unless --include-inquiries: each family decides how far
    its report may go, and an export file may travel further than the bureau.
    """
    db = open_database(ctx)
    leave_out = frozenset() if include_inquiries else frozenset({SourceKind.FAMILY_INQUIRY})
    chosen = fmt or _format_of(out_path)
    if chosen == Format.PFIF:
        if what != What.PERSONS:
            raise typer.BadParameter("PFIF exports persons: use `export persons`")
        views = persons.iterate(db, leave_out=leave_out)
        out_path.write_bytes(pfif_of_persons(views, domain=pfif_domain))
    else:
        rows, headers = _rows(db, what, leave_out)
        writer = write_xlsx if chosen == Format.XLSX else write_csv
        writer(out_path, rows, headers)
    out.print(f"{what.value} written to {out_path}")


def _format_of(path: Path) -> Format:
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
