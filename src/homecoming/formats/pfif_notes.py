"""PFIF 1.4 notes of tracing status: one person per inquiry, one note with the case's status.

Only what a tracing partner needs leaves: the sought person's names, sex and date of birth,
and a note saying where the case stands. No contact details, circumstances, unit or photo
path; the caller decides which inquiries the recipient may see at all (sharing scope).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from homecoming.domain.record import RecordFields
from homecoming.formats.pfif import write_pfif
from homecoming.tracing.inquiry import FamilyStatus

# The family-facing status as a PFIF note status.
PFIF_STATUS = {
    FamilyStatus.REGISTERED: "information_sought",
    FamilyStatus.INFORMATION_ADDED: "information_sought",
    FamilyStatus.CONFIRMED_CAPTIVITY: "believed_alive",
    FamilyStatus.RELEASED: "believed_alive",
    FamilyStatus.DECEASED: "believed_dead",
    FamilyStatus.WITHDRAWN: "",
}
NOTE_TEXT = {
    FamilyStatus.REGISTERED: "Tracing inquiry registered; the person is sought.",
    FamilyStatus.INFORMATION_ADDED: "Tracing inquiry open; information has been added.",
    FamilyStatus.CONFIRMED_CAPTIVITY: "Confirmed in captivity (verified by a tracing officer).",
    FamilyStatus.RELEASED: "Released; the handover was confirmed.",
    FamilyStatus.DECEASED: "Reported deceased (verified; the family has been told).",
    FamilyStatus.WITHDRAWN: "The family withdrew the inquiry.",
}


@dataclass(frozen=True, slots=True)
class TracingEntry:
    """One inquiry as it may be exported."""

    reference: str
    fields: RecordFields
    status: FamilyStatus
    registered_at: dt.datetime
    status_at: dt.datetime


def write_tracing_notes(
    entries: Iterable[TracingEntry],
    *,
    domain: str,
    author: str,
    now: dt.datetime | None = None,
) -> bytes:
    """A PFIF 1.4 document: a person per inquiry (names only) and its status note."""
    persons = []
    notes = []
    for entry in entries:
        person_id = f"{domain}/inquiry.{entry.reference}"
        fields = RecordFields(
            family_name=entry.fields.family_name,
            given_names=entry.fields.given_names,
            full_name=entry.fields.full_name,
            sex=entry.fields.sex,
            date_of_birth=entry.fields.date_of_birth,
        )
        persons.append(
            (
                person_id,
                fields,
                {
                    "author_name": author,
                    "source_name": domain,
                    "source_date": _stamp(entry.registered_at),
                },
            )
        )
        notes.append(
            {
                "note_record_id": f"{domain}/note.{entry.reference}.{entry.status.value}",
                "person_record_id": person_id,
                "author_name": author,
                "source_date": _stamp(entry.status_at),
                "status": PFIF_STATUS[entry.status],
                "text": f"{NOTE_TEXT[entry.status]} Case {entry.reference}.",
            }
        )
    return write_pfif(persons, notes, now=now)


def _stamp(moment: dt.datetime) -> str:
    utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    return utc.replace(microsecond=0, tzinfo=None).isoformat() + "Z"
