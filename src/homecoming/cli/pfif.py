"""PFIF in and out for the CLI: a feed's persons and notes become records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from homecoming.domain.record import Evidence, Fate, RecordFields
from homecoming.errors import RowProblem
from homecoming.formats.pfif import write_pfif
from homecoming.services import registry
from homecoming.services.persons import PersonView, record_fields

PFIF_STATUS = {
    Fate.DECEASED: "believed_dead",
    Fate.MISSING: "believed_missing",
}


def pfif_evidence(path: Path) -> Iterator[Evidence | list[RowProblem]]:
    """Every person and note of a PFIF file as evidence; broken ones as problems."""
    return registry.pfif_evidence(path.read_bytes(), name=path.name)


def pfif_of_persons(views: Iterator[PersonView], *, domain: str) -> bytes:
    """A PFIF 1.4 document: one person per Homecoming person, one note with its status."""
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    persons: list[tuple[str, RecordFields, dict[str, str]]] = []
    notes: list[dict[str, str]] = []
    for view in views:
        record_id = f"{domain}/person.{view.id}"
        best = max(view.records, key=lambda r: len(record_fields(r).display_name()))
        persons.append(
            (
                record_id,
                record_fields(best),
                {
                    "source_date": stamp,
                    "source_name": "Homecoming",
                    "author_name": "Homecoming",
                },
            )
        )
        status = view.derived.status
        if status is not None:
            notes.append(
                {
                    "note_record_id": f"{domain}/note.{view.id}",
                    "person_record_id": record_id,
                    "author_name": "Homecoming",
                    "source_date": stamp,
                    "status": PFIF_STATUS.get(status, "believed_alive"),
                    "text": f"Status from {len(view.records)} record(s): {status.value}",
                }
            )
    return write_pfif(persons, notes, now=now)
