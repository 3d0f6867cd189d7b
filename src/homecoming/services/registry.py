"""Getting evidence in: sources and their records, one transaction per import."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.domain.normalise import CONTACT_FIELDS, RawValue, normalise_row, plan_headers
from homecoming.domain.record import (
    RECORD_FIELD_NAMES,
    Contact,
    Evidence,
    RecordFields,
    SourceKind,
)
from homecoming.errors import AlreadyImported, InvalidInput, NotFound, RowProblem
from homecoming.formats.pfif import DEFAULTED_KEY, parse_pfif, utc_stamp
from homecoming.memory import fewer_full_collections
from homecoming.services import audit
from homecoming.store.db import (
    Database,
    allocate_ids,
    analyse,
    bulk_insert,
    bulk_loading,
    note_records_landed,
)
from homecoming.store.models import CONTACTS, PERSONS, RECORDS, Party, Record, Source

BATCH = 2_000
# An import of this many rows or more gathers the planner's statistics of the tables it grew
# before it commits (PostgreSQL; `store.db.analyse`): the re-match after it and every request
# then plan with them. About 1 s at 1,000,000 records.
ANALYSE_FROM = 10_000
ProgressCallback = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where an import came from."""

    kind: SourceKind
    name: str
    party: str | None = None
    received_from: str = ""
    received_at: dt.datetime | None = None
    file_name: str = ""
    content_hash: str = ""


@dataclass(slots=True)
class ImportResult:
    """What an import wrote, and every row it rejected."""

    source_id: int | None
    imported: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    rejected_lines: set[int] = field(default_factory=set)
    # Required fields a record lacked that were marked unknown (or composed) so it could land.
    defaulted: list[RowProblem] = field(default_factory=list)
    # PFIF records already held (same record id and entry_date): skipped, not written again.
    already_held: int = 0


def ensure_party(db: Database, *, code: str, name: str, actor: str) -> None:
    """Register a party once; later calls are no-ops."""
    with db.transaction() as session:
        if session.get(Party, code) is None:
            session.add(Party(code=code, name=name))
            audit.append(
                session,
                actor=actor,
                action="party.created",
                subject=f"party:{code}",
                details={"name": name},
            )


def list_parties(db: Database) -> list[Party]:
    """Every party, by code."""
    with db.reading() as session:
        return list(session.scalars(select(Party).order_by(Party.code)))


def import_evidence(
    db: Database,
    *,
    source: SourceInfo,
    rows: Iterable[Evidence | list[RowProblem]],
    actor: str,
    skip_bad_rows: bool = False,
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Write a source and its records in one transaction; any bad row stops it unless skipped."""
    with fewer_full_collections(), db.transaction() as session, bulk_loading(session):
        _refuse_reimport(session, source, force)
        _require_party(session, source.party)
        row = _add_source(session, source, actor)
        result = ImportResult(source_id=row.id)
        writer = _BatchWriter(
            session, row.id, actor=actor, pfif=source.kind == SourceKind.PFIF_FEED
        )
        for item in rows:
            if isinstance(item, list):
                result.problems.extend(item)
                result.rejected_lines.update(p.line for p in item)
            elif not result.problems or skip_bad_rows:
                writer.add(item)
                if writer.pending >= BATCH:
                    result.imported += writer.flush()
                    if progress:
                        progress(result.imported)
        if result.problems and not skip_bad_rows:
            raise InvalidInput(
                f"{len(result.rejected_lines)} row(s) of {source.file_name or source.name} are "
                "invalid; nothing was imported. Fix them, or import the good rows with "
                "--skip-bad-rows",
                result.problems,
            )
        result.imported += writer.flush()
        result.already_held = writer.already_held
        result.defaulted = writer.defaulted
        if progress:
            progress(result.imported)
        row.row_count = result.imported
        audit.append(
            session,
            actor=actor,
            action="source.imported",
            subject=f"source:{row.id}",
            details={
                "kind": str(source.kind),
                "name": source.name,
                "party": source.party,
                "file_name": source.file_name,
                "content_hash": source.content_hash,
                "records": result.imported,
                "rejected_rows": len(result.rejected_lines),
                "defaulted_fields": len(result.defaulted),
                "already_held": result.already_held,
                "forced": force,
            },
        )
        if result.imported >= ANALYSE_FROM:
            analyse(session, (RECORDS, PERSONS))
    return result


def record_ids_of(db: Database, source_id: int) -> list[int]:
    """The ids of one source's records, in line order."""
    with db.reading() as session:
        query = select(Record.id).where(Record.source_id == source_id).order_by(Record.line_number)
        return list(session.scalars(query))


def add_evidence(
    session: Session,
    *,
    source_id: int,
    evidence: Sequence[Evidence],
    person_ids: Sequence[int | None] | None = None,
    actor: str,
) -> list[int]:
    """Write records in the caller's transaction; each joins the given person, or a new one.

    The transaction announces them (`actor` landed them) to its subscribers after it commits.
    """
    wanted: list[int | None] = (
        list(person_ids) if person_ids is not None else [None] * len(evidence)
    )
    if len(wanted) != len(evidence):
        raise ValueError("add_evidence: one person id (or None) per piece of evidence")
    return _insert(session, source_id, evidence, wanted, actor=actor)


# What an import report says of a required field a record lacked.
_DEFAULTED_REASONS = {
    "full_name": "missing; composed from given_name and family_name",
    "author_name": "missing; marked unknown (an export names the source instead)",
}


def _defaulted(evidence: Evidence) -> list[RowProblem]:
    names = evidence.raw.get(DEFAULTED_KEY, "")
    return [
        RowProblem(evidence.line, name, _DEFAULTED_REASONS.get(name, "missing; marked unknown"))
        for name in names.split(",")
        if name
    ]


def _insert(
    session: Session,
    source_id: int,
    evidence: Sequence[Evidence],
    wanted: list[int | None],
    *,
    actor: str,
) -> list[int]:
    now = dt.datetime.now(dt.UTC)
    fresh = list(allocate_ids(session, "persons", wanted.count(None)))
    if fresh:
        bulk_insert(session, PERSONS, [{"id": p, "created_at": now} for p in fresh])
    new_person = iter(fresh)
    assigned = [p if p is not None else next(new_person) for p in wanted]
    record_ids = list(allocate_ids(session, "records", len(evidence)))
    bulk_insert(
        session,
        RECORDS,
        [
            record_values(e, source_id=source_id, person_id=pid, now=now) | {"id": rid}
            for e, pid, rid in zip(evidence, assigned, record_ids, strict=True)
        ],
    )
    contacts = [
        {
            "record_id": rid,
            "name": e.contact.name,
            "relation": e.contact.relation,
            "phone": e.contact.phone,
            "email": e.contact.email,
            "address": e.contact.address,
        }
        for e, rid in zip(evidence, record_ids, strict=True)
        if e.contact is not None
    ]
    bulk_insert(session, CONTACTS, contacts)
    note_records_landed(session, record_ids, actor=actor)
    return record_ids


def evidence_from_rows(
    rows: Iterable[tuple[int, Mapping[str, RawValue]]],
    *,
    mapping: Mapping[str, str] | None = None,
    ignore_unknown: bool = False,
    file_name: str = "file",
) -> Iterator[Evidence | list[RowProblem]]:
    """Normalise table rows as they stream; unusable headers stop the whole file at once."""
    plan = None
    contacts: frozenset[str] = frozenset()  # the columns that feed a contact field
    for line, row in rows:
        if plan is None:
            planned = plan_headers(list(row), mapping=mapping, ignore_unknown=ignore_unknown)
            if isinstance(planned, list):
                raise InvalidInput(f"the header of {file_name} cannot be read", planned)
            plan = planned
            contacts = frozenset(c for c, f in plan.columns.items() if f in CONTACT_FIELDS)
        result = normalise_row(row, line=line, plan=plan)
        if isinstance(result, list):
            yield result
        else:
            # Contact details live only in the protected contacts table, never in `raw`.
            raw = {
                k: v if type(v) is str else _raw_text(v)
                for k, v in row.items()
                if k not in contacts
            }
            yield Evidence(
                line=line,
                raw=raw,
                fields=result.fields,
                contact=result.contact,
                external_id=result.external_id,
            )


# PFIF fields that carry someone's contact details: kept in `contacts`, never in `raw`.
PFIF_CONTACT_FIELDS = frozenset(
    {"author_email", "author_phone", "email_of_found_person", "phone_of_found_person"}
)


def pfif_evidence(data: bytes, *, name: str) -> Iterator[Evidence | list[RowProblem]]:
    """Every person and note of a PFIF document as evidence; broken ones as problems.

    The author's e-mail and phone (and a found person's) become the record's contact.
    """
    document = parse_pfif(data, name=name)
    if document.problems:
        yield document.problems
    entries = [(p.line, p.raw, p.fields, p.person_record_id) for p in document.persons]
    # A note says who it is about by the person's id: it carries that person's identity, so
    # that its status ("believed_alive") is matched like any other record.
    identity = {p.person_record_id: p.fields for p in document.persons}
    entries += [
        (n.line, n.raw, _about(n.fields, identity.get(n.person_record_id)), n.note_record_id)
        for n in document.notes
    ]
    for line, raw, fields, external_id in entries:
        yield Evidence(
            line=line,
            raw={k: v for k, v in raw.items() if k not in PFIF_CONTACT_FIELDS},
            fields=fields,
            contact=_pfif_contact(raw),
            external_id=external_id,
        )


def _about(note: RecordFields, person: RecordFields | None) -> RecordFields:
    if person is None or note.display_name():
        return note
    return dataclasses.replace(
        note,
        family_name=person.family_name,
        given_names=person.given_names,
        patronymic=person.patronymic,
        full_name=person.full_name,
        sex=person.sex,
        date_of_birth=person.date_of_birth,
    )


def _pfif_contact(raw: Mapping[str, str]) -> Contact | None:
    phone = raw.get("author_phone") or raw.get("phone_of_found_person", "")
    email = raw.get("author_email") or raw.get("email_of_found_person", "")
    if not phone and not email:
        return None
    return Contact(
        name=raw.get("author_name", ""), relation="PFIF author", phone=phone, email=email
    )


def _raw_text(value: RawValue) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _refuse_reimport(session: Session, source: SourceInfo, force: bool) -> None:
    if not source.content_hash or force:
        return
    earlier = session.scalars(
        select(Source).where(Source.content_hash == source.content_hash).limit(1)
    ).first()
    if earlier is not None:
        raise AlreadyImported(
            f"{source.file_name or 'this file'} was already imported as source {earlier.id} "
            f"({earlier.name!r}, {earlier.created_at:%Y-%m-%d %H:%M}); use --force to import "
            "it again as a new source"
        )


def _require_party(session: Session, party: str | None) -> None:
    if party is not None and session.get(Party, party) is None:
        known = ", ".join(session.scalars(select(Party.code)).all()) or "none yet"
        raise NotFound(f"unknown party {party!r} (known: {known}); register it first")


def _add_source(session: Session, source: SourceInfo, actor: str) -> Source:
    row = Source(
        kind=str(source.kind),
        name=source.name,
        party_code=source.party,
        received_at=source.received_at or dt.datetime.now(dt.UTC),
        received_from=source.received_from,
        file_name=source.file_name,
        content_hash=source.content_hash,
        row_count=0,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    return row


class _BatchWriter:
    """Bulk inserts: one person per record until linkage clusters them.

    PFIF records are the exception: a note joins the person it is about (written in this
    import or held already), a newer version of a held record joins that record's person,
    and a record already held (same id and entry_date) is skipped and counted.
    """

    def __init__(self, session: Session, source_id: int, *, actor: str, pfif: bool = False) -> None:
        self.session = session
        self.source_id = source_id
        self.actor = actor
        self.batch: list[Evidence] = []
        self.pfif = pfif
        self.already_held = 0
        self.defaulted: list[RowProblem] = []  # of the PFIF records written
        self.person_of: dict[str, int] = {}  # PFIF person_record_id -> Homecoming person

    @property
    def pending(self) -> int:
        return len(self.batch)

    def add(self, evidence: Evidence) -> None:
        self.batch.append(evidence)

    def flush(self) -> int:
        batch, self.batch = self.batch, []
        if not batch:
            return 0
        if self.pfif:
            return self._flush_pfif(batch)
        _insert(self.session, self.source_id, batch, [None] * len(batch), actor=self.actor)
        return len(batch)

    def _flush_pfif(self, batch: list[Evidence]) -> int:
        held = _held_pfif(
            self.session, {_subject(e) for e in batch} | {e.external_id for e in batch}
        )
        kept: list[tuple[Evidence, str]] = []
        new_subjects: list[str] = []
        for evidence in sorted(batch, key=lambda e: "note_record_id" in e.raw):
            if evidence.raw.get("entry_date", "") in held.versions.get(evidence.external_id, ()):
                self.already_held += 1
                continue
            subject = _subject(evidence)
            if subject not in self.person_of:
                person = held.persons.get(subject)
                if person is None:
                    new_subjects.append(subject)
                    self.person_of[subject] = 0  # allocated below
                else:
                    self.person_of[subject] = person
            kept.append((evidence, subject))
        if not kept:
            return 0
        fresh = list(allocate_ids(self.session, "persons", len(new_subjects)))
        if fresh:
            now = dt.datetime.now(dt.UTC)
            bulk_insert(self.session, PERSONS, [{"id": p, "created_at": now} for p in fresh])
            self.person_of.update(zip(new_subjects, fresh, strict=True))
        wanted: list[int | None] = [self.person_of[subject] for _, subject in kept]
        _insert(self.session, self.source_id, [e for e, _ in kept], wanted, actor=self.actor)
        self.defaulted.extend(
            d for e, _ in sorted(kept, key=lambda k: k[0].line) for d in _defaulted(e)
        )
        return len(kept)


@dataclass(frozen=True, slots=True)
class _HeldPfif:
    """PFIF records already held: each id's versions (entry dates) and each subject's person."""

    versions: dict[str, set[str]]
    persons: dict[str, int]


def _subject(evidence: Evidence) -> str:
    """The PFIF person a record is about: a note's person, or a person record itself."""
    subject = evidence.raw.get("person_record_id") or evidence.external_id
    return subject or f"line:{evidence.line}"  # no id at all: a person of its own


def _held_pfif(session: Session, ids: set[str]) -> _HeldPfif:
    """Held PFIF records with these ids (`records.external_id` is indexed for this)."""
    versions: dict[str, set[str]] = {}
    persons: dict[str, int] = {}
    wanted = sorted(i for i in ids if i)
    for start in range(0, len(wanted), 500):
        query = (
            select(Record.external_id, Record.raw, Record.created_at, Record.person_id)
            .join(Source)
            .where(
                Source.kind == str(SourceKind.PFIF_FEED),
                Record.external_id.in_(wanted[start : start + 500]),
            )
            .order_by(Record.id)
        )
        for external_id, raw, created_at, person_id in session.execute(query):
            # As received, and as an export of ours dated it (PFIF sets entry_date on import).
            versions.setdefault(external_id, set()).update(
                {raw.get("entry_date", ""), utc_stamp(created_at)}
            )
            if person_id is not None and "note_record_id" not in raw:
                persons[external_id] = person_id
    return _HeldPfif(versions, persons)


def record_values(
    evidence: Evidence, *, source_id: int, person_id: int | None, now: dt.datetime
) -> dict[str, Any]:
    """Column values of a record row from its evidence."""
    f: RecordFields = evidence.fields
    return {
        "source_id": source_id,
        "line_number": evidence.line,
        "external_id": evidence.external_id,
        "raw": evidence.raw,
        "person_id": person_id,
        "created_at": now,
        "family_name": f.family_name,
        "given_names": f.given_names,
        "patronymic": f.patronymic,
        "full_name": f.full_name,
        "mother_maiden_name": f.mother_maiden_name,
        "sex": f.sex.value if f.sex else None,
        "dob_year": f.date_of_birth.year,
        "dob_month": f.date_of_birth.month,
        "dob_day": f.date_of_birth.day,
        "place_of_birth": f.place_of_birth,
        "nationality": f.nationality,
        "last_residence": f.last_residence,
        "rank": f.rank,
        "service_number": f.service_number,
        "unit": f.unit,
        "category": f.category.value if f.category else None,
        "event_year": f.event_date.year,
        "event_month": f.event_date.month,
        "event_day": f.event_date.day,
        "event_place": f.event_place,
        "place_of_detention": f.place_of_detention,
        "health": f.health,
        "seriously_wounded": f.seriously_wounded,
        "distinguishing_marks": f.distinguishing_marks,
        "fate": f.fate.value if f.fate else None,
        "fate_year": f.fate_date.year,
        "fate_month": f.fate_date.month,
        "fate_day": f.fate_date.day,
        "photo_ref": f.photo_ref,
        "notes": f.notes,
    }


def iterate_records(
    db: Database, *, batch: int = 5_000, leave_out: frozenset[SourceKind] = frozenset()
) -> Iterator[dict[str, Any]]:
    """Every record's normalised fields, with its person and source, for exports; records of
    the source kinds in `leave_out` are not included."""
    from homecoming.services.persons import record_fields

    with db.reading() as session:
        query = (
            select(Record, Source.name)
            .join(Source)
            .where(
                Source.kind.not_in([str(kind) for kind in leave_out]),
                Record.redacted_at.is_(None),
            )
            .order_by(Record.id)
            .execution_options(yield_per=batch)
        )
        for record, source_name in session.execute(query):
            fields = record_fields(record)
            yield {
                "record_id": record.id,
                "person_id": record.person_id,
                "source": source_name,
                "line": record.line_number,
                "external_id": record.external_id,
                **{name: getattr(fields, name) for name in RECORD_FIELD_NAMES},
            }
