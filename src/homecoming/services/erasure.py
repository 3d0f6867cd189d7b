"""Erasure: when consent is withdrawn, or the data subject asks, an inquiry's personal data goes.

The sought person's record becomes a tombstone (its id, source and line stay, its personal
fields are blanked: the one update the database lets through), the inquirer's contact details
are deleted, the case's free text, photos, notifications and lead explanations are blanked,
and the audit entries about the case keep their digest but lose their details. One audit
entry says what was erased, when, by whom and why, never the data. Then the files are
scrubbed (`Database.scrub`) and the search snapshot is dropped so the index is rebuilt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from homecoming.domain.audit import ERASURE_ACTION
from homecoming.errors import Conflict, InvalidInput
from homecoming.forgetting import forget_personal_data
from homecoming.services import audit, cases, inquiries, push
from homecoming.store.db import Database
from homecoming.store.family_models import FamilyAccess, Nudge
from homecoming.store.models import AuditEntry, Contact, Record, ReviewPair
from homecoming.store.remains_models import DnaReference
from homecoming.store.tracing_models import (
    DebriefAnswer,
    Inquiry,
    InquiryKey,
    InquiryPhoto,
    Lead,
    LeadDecision,
    Notification,
    OutboxMessage,
)
from homecoming.tracing.inquiry import FamilyStatus

SEARCH_SNAPSHOT = "search-index.npz"
ERASED = "[erased]"
SCRUBBED_TABLES = [
    "records",
    "contacts",
    "inquiries",
    "inquiry_keys",
    "inquiry_photos",
    "leads",
    "lead_decisions",
    "notifications",
    "outbox",
    "debrief_answers",
    "review_pairs",
    "dna_references",
    "family_access",
    "audit_log",
]
# Every personal field of a record, and its blank. Category and fate stay: counts need them.
_BLANK_RECORD: dict[str, Any] = {
    "external_id": "",
    "raw": {"erased": True},
    "family_name": "",
    "given_names": "",
    "patronymic": "",
    "full_name": "",
    "mother_maiden_name": "",
    "sex": None,
    "dob_year": None,
    "dob_month": None,
    "dob_day": None,
    "place_of_birth": "",
    "nationality": "",
    "last_residence": "",
    "rank": "",
    "service_number": "",
    "unit": "",
    "event_year": None,
    "event_month": None,
    "event_day": None,
    "event_place": "",
    "place_of_detention": "",
    "health": "",
    "seriously_wounded": False,
    "distinguishing_marks": "",
    "fate_year": None,
    "fate_month": None,
    "fate_day": None,
    "photo_ref": "",
    "notes": "",
    "person_id": None,
}


@dataclass(frozen=True, slots=True)
class ErasurePlan:
    """What an erasure of one inquiry touches: counts and ids, never the data."""

    inquiry_id: int
    reference: str
    record_id: int
    contacts: int
    photos: int
    leads: int
    notifications: int
    audit_entries: list[int]
    already_erased: bool = False
    dna_references: int = 0

    def describe(self) -> str:
        return (
            f"inquiry {self.reference} (id {self.inquiry_id}): record {self.record_id} becomes a"
            f" tombstone; {self.contacts} contact(s) deleted; {self.photos} photo(s),"
            f" {self.leads} lead explanation(s) and {self.notifications} notification(s)"
            f" blanked; the details of {len(self.audit_entries)} audit entr(ies) redacted"
        )


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """An erasure done: its plan, its audit entry and what the scrub did."""

    plan: ErasurePlan
    audit_entry: int
    at: dt.datetime
    scrub: str
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            **asdict(self.plan),
            "audit_entry": self.audit_entry,
            "at": self.at.isoformat(),
            "scrub": self.scrub,
            "notes": self.notes,
        }


def plan(db: Database, *, inquiry: int | str) -> ErasurePlan:
    """What erasing this inquiry would do (a dry run)."""
    with db.reading() as session:
        return _plan(session, inquiries.find(session, inquiry))


def _plan(session: Session, row: Inquiry) -> ErasurePlan:
    record = session.get(Record, row.record_id)
    assert record is not None
    contacts = _ids(session, Contact.id, Contact.record_id == row.record_id)
    leads = _ids(session, Lead.id, Lead.inquiry_id == row.id)
    notes = _ids(session, Notification.id, Notification.inquiry_id == row.id)
    photos = _ids(session, InquiryPhoto.id, InquiryPhoto.inquiry_id == row.id)
    references = _ids(session, DnaReference.id, DnaReference.inquiry_id == row.id)
    subjects = [f"inquiry:{row.id}", f"record:{row.record_id}"]
    subjects += [f"lead:{i}" for i in leads] + [f"notification:{i}" for i in notes]
    entries = _ids(
        session,
        AuditEntry.id,
        AuditEntry.subject.in_(subjects),
        AuditEntry.action != ERASURE_ACTION,
    )
    return ErasurePlan(
        inquiry_id=row.id,
        reference=row.reference,
        record_id=row.record_id,
        contacts=len(contacts),
        photos=len(photos),
        leads=len(leads),
        notifications=len(notes),
        audit_entries=entries,
        already_erased=record.redacted_at is not None,
        dna_references=len(references),
    )


def _ids(session: Session, column: Any, *where: Any) -> list[int]:
    return list(session.scalars(select(column).where(*where).order_by(column)))


def erase(
    db: Database,
    *,
    inquiry: int | str,
    reason: str,
    actor: str,
    data_dir: Path | None = None,
    scrub: bool = True,
) -> ErasureReport:
    """Erase one inquiry's personal data, in one transaction; then scrub the files."""
    if not reason.strip():
        raise InvalidInput("say why the data is erased (consent withdrawn, the family's request…)")
    at = dt.datetime.now(dt.UTC)
    with db.transaction() as session:
        row = inquiries.find(session, inquiry)
        found = _plan(session, row)
        if found.already_erased:
            raise Conflict(f"inquiry {row.reference} was already erased")
        photo_paths = _erase_case(session, row, at=at)
        entry = audit.append(
            session,
            actor=actor,
            action=ERASURE_ACTION,
            subject=f"inquiry:{row.id}",
            details={
                "reference": row.reference,
                "record": row.record_id,
                "reason": reason.strip(),
                "contacts_deleted": found.contacts,
                "photos_removed": found.photos,
                "leads_blanked": found.leads,
                "notifications_blanked": found.notifications,
                "dna_references_deleted": found.dna_references,
                "audit_entries_redacted": found.audit_entries,
            },
        )
        audit.redact(session, found.audit_entries, erasure_entry_id=entry.id)
        entry_id = entry.id
    forget_personal_data()  # what this process made of the erased name goes with it
    notes = remove_files(data_dir, photo_paths)
    scrubbed = db.scrub(SCRUBBED_TABLES) if scrub else "not yet scrubbed"
    return ErasureReport(found, entry_id, at, scrubbed, notes)


def tombstone(session: Session, record_ids: list[int], *, at: dt.datetime) -> int:
    """Blank these records' personal fields and delete their contacts; how many contacts."""
    contact_ids = _ids(session, Contact.id, Contact.record_id.in_(record_ids))
    session.execute(delete(Nudge).where(Nudge.contact_id.in_(contact_ids)))
    session.execute(delete(OutboxMessage).where(OutboxMessage.contact_id.in_(contact_ids)))
    session.execute(delete(Contact).where(Contact.id.in_(contact_ids)))
    session.execute(
        update(Record)
        .where(Record.id.in_(record_ids), Record.redacted_at.is_(None))
        .values(**_BLANK_RECORD, redacted_at=at)
    )
    session.execute(
        update(ReviewPair)
        .where(or_(ReviewPair.record_a_id.in_(record_ids), ReviewPair.record_b_id.in_(record_ids)))
        .values(explanation=[])
    )
    return len(contact_ids)


def _erase_case(session: Session, row: Inquiry, *, at: dt.datetime) -> list[str]:
    """Blank everything personal around one inquiry; the photo files' paths, to remove."""
    record_id = row.record_id
    tombstone(session, [record_id], at=at)
    if not inquiries.status_is_closed(row.status):
        row.status = FamilyStatus.WITHDRAWN.value
    row.open = False
    row.call_sign, row.circumstances = "", ""
    session.execute(delete(InquiryKey).where(InquiryKey.inquiry_id == row.id))
    # The family's reference samples are theirs: who gave one, where, to which laboratory.
    session.execute(delete(DnaReference).where(DnaReference.inquiry_id == row.id))
    # The family page no longer opens: its access codes go with the case.
    session.execute(delete(FamilyAccess).where(FamilyAccess.inquiry_id == row.id))
    push.erase_in(session, row.id)
    cases.erase_in(session, row.id)
    lead_ids = _ids(session, Lead.id, Lead.inquiry_id == row.id)
    session.execute(update(Lead).where(Lead.id.in_(lead_ids)).values(explanation={}, reasons=[]))
    session.execute(
        update(LeadDecision).where(LeadDecision.lead_id.in_(lead_ids)).values(reason="")
    )
    session.execute(
        update(Notification)
        .where(Notification.inquiry_id == row.id)
        .values(subject=ERASED, body=ERASED, cancel_reason="")
    )
    session.execute(
        update(DebriefAnswer).where(DebriefAnswer.inquiry_id == row.id).values(notes="")
    )
    photos = session.scalars(select(InquiryPhoto).where(InquiryPhoto.inquiry_id == row.id)).all()
    paths = [photo.path for photo in photos if photo.path]
    for photo in photos:
        photo.path, photo.caption = "", ""
    session.flush()
    return paths


def remove_files(data_dir: Path | None, photo_paths: list[str]) -> list[str]:
    if data_dir is None:
        return ["no data directory given: photo files and the search snapshot were left"]
    notes = []
    for relative in photo_paths:
        (data_dir / relative).unlink(missing_ok=True)
    snapshot = data_dir / SEARCH_SNAPSHOT
    if snapshot.exists():
        snapshot.unlink()
        notes.append(f"removed {snapshot}: the search index is rebuilt without the erased data")
    return notes
