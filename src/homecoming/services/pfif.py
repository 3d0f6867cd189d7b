"""PFIF 1.4 export of persons, as a peer such as Google Person Finder reads it.

What peers sent goes back as they sent it, under its own record ids (PFIF's clone records):
each PFIF person and note held, the newest version of each id once. What Homecoming itself
holds about a person (lists, reports, testimony) goes out as one person composed from its
fullest record, `DOMAIN/person.ID`, and a note with the derived status, `DOMAIN/note.ID`.
Required fields a record lacks are composed: full_name from the name parts, author_name from
the source. `entry_date` is when the record entered Homecoming (PFIF sets it on import), so
an export of an import of an export differs from the first export in `entry_date` only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from homecoming.domain.record import Fate, SourceKind
from homecoming.formats.pfif import person_values, received_values, utc_stamp, write_pfif_values
from homecoming.services import persons
from homecoming.services.persons import PersonView, record_fields
from homecoming.store.db import Database
from homecoming.store.models import Record

PFIF_STATUS = {
    Fate.DECEASED: "believed_dead",
    Fate.MISSING: "believed_missing",
}
SOURCE_NAME = "Homecoming"


@dataclass(frozen=True, slots=True)
class PfifExport:
    """An export's document and what it holds."""

    document: bytes
    persons: int
    notes: int


@dataclass(frozen=True, slots=True)
class _Entry:
    """One PFIF record to write: its fields, its id and when it entered Homecoming."""

    kind: str  # "person" or "note"
    values: dict[str, str]
    entered: dt.datetime

    @property
    def record_id(self) -> str:
        return self.values[f"{self.kind}_record_id"]

    @property
    def version(self) -> tuple[str, dt.datetime]:
        return self.values.get("source_date", ""), self.entered


def export_persons(
    db: Database,
    *,
    domain: str,
    leave_out: frozenset[SourceKind] = frozenset(),
    since: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> PfifExport:
    """Every person as PFIF 1.4; with `since`, only records that entered Homecoming after it."""
    entries: dict[tuple[str, str], _Entry] = {}
    for view in persons.iterate(db, leave_out=leave_out):
        for entry in _entries(view, domain=domain):
            # Compared as written (to the second), so --since LAST_ENTRY_DATE repeats nothing.
            if since is not None and utc_stamp(entry.entered) <= utc_stamp(since):
                continue
            key = (entry.kind, entry.record_id)
            held = entries.get(key)
            # The same record id twice (a peer's update, or one feed imported twice): the newest.
            if held is None or entry.version > held.version:
                entries[key] = entry
    chosen = list(entries.values())
    people = [e.values for e in chosen if e.kind == "person"]
    notes = [e.values for e in chosen if e.kind == "note"]
    document = write_pfif_values(people, notes, now=now)
    return PfifExport(document=document, persons=len(people), notes=len(notes))


def _entries(view: PersonView, *, domain: str) -> Iterable[_Entry]:
    peers = [r for r in view.records if _is_pfif(r)]
    own = [r for r in view.records if not _is_pfif(r)]
    peer_persons = [r for r in peers if "note_record_id" not in r.raw]
    for record in peer_persons:
        yield _peer_entry(record, "person")
    fallback = peer_persons[0].external_id if peer_persons else f"{domain}/person.{view.id}"
    for record in peers:
        if "note_record_id" in record.raw:
            yield _peer_entry(record, "note", person_id=fallback)
    if own:
        yield from _own_entries(
            view, own, domain=domain, peer_person=bool(peer_persons), subject=fallback
        )


def _is_pfif(record: Record) -> bool:
    return record.source.kind == SourceKind.PFIF_FEED and bool(record.external_id)


def _peer_entry(record: Record, kind: str, *, person_id: str = "") -> _Entry:
    values = received_values(record.raw, kind)
    values.setdefault("author_name", _author(record))
    values.setdefault("source_date", utc_stamp(record.source.received_at))
    if kind == "person":
        values.setdefault("full_name", record.full_name or record_fields(record).display_name())
    else:
        values.setdefault("person_record_id", person_id)  # notes imported before they said
    values["entry_date"] = utc_stamp(record.created_at)
    return _Entry(kind, values, record.created_at)


def _own_entries(
    view: PersonView, own: list[Record], *, domain: str, peer_person: bool, subject: str
) -> Iterable[_Entry]:
    entered = max(r.created_at for r in own)
    stamp = utc_stamp(entered)
    if not peer_person:
        best = max(own, key=lambda r: len(record_fields(r).display_name()))
        source = {
            "entry_date": stamp,
            "source_date": stamp,
            "source_name": SOURCE_NAME,
            "author_name": _author(best),
        }
        yield _Entry("person", person_values(subject, record_fields(best), source), entered)
    status = view.derived.status
    if status is not None:
        # Derived from every record: a peer's later note can change it, and so its date.
        decided = max(r.created_at for r in view.records)
        note = {
            "note_record_id": f"{domain}/note.{view.id}",
            "person_record_id": subject,
            "entry_date": utc_stamp(decided),
            "author_name": SOURCE_NAME,
            "source_date": utc_stamp(decided),
            "status": PFIF_STATUS.get(status, "believed_alive"),
            "text": f"Status from {len(view.records)} record(s): {status.value}",
        }
        yield _Entry("note", note, decided)


def _author(record: Record) -> str:
    """Who a record came from, when it does not say: its source."""
    return record.source.received_from or record.source.name
