"""The field desk: a stage recorded on a laptop with no connection to the centre.

`open_pack` verifies a stage pack (the bureau's signature, the keys this laptop trusts) and
lays it into the laptop's own embedded SQLite database: the agreement, the stage's members
under the centre's person ids, and their agreed fields as one "stage pack" source. From then
on the desk is an ordinary Homecoming database for one stage, so the handover page, its keys
and `record_handover` work on it unchanged; unlisted arrivals and notes are `desk_notes`.
Every entry carries its operator and time, and `export_log` signs all of them with the
desk's key for `homecoming handovers merge` at the centre.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category, Evidence, RecordFields, SourceKind
from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.exchange.reconciliation import Outcome
from homecoming.formats.signed import Keyring, open_sealed, seal
from homecoming.services import agreements, audit, handovers, registry, stage_packs, stages
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.exchange_models import Handover, StageMember
from homecoming.store.field_models import DeskNote, DeskPack
from homecoming.store.models import PERSONS, Party, Record, Source

LOG_KIND = "homecoming-desk-log"
LOG_VERSION = 1
PHOTO_DIR = "desk-photos"
PHOTO_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


@dataclass(frozen=True, slots=True)
class DeskInfo:
    """The stage this desk was opened with."""

    desk_id: str
    name: str
    agreement_id: int
    agreement: str
    stage: int
    day: str
    members: int
    pack_id: str
    signed_by: str
    opened_at: str
    opened_by: str

    @property
    def page(self) -> str:
        return f"/ui/exchanges/{self.agreement_id}/stages/{self.stage}/handovers"


@dataclass(frozen=True, slots=True)
class PendingView:
    """A member nobody has recorded yet, with the agreed fields and any photos."""

    party: str
    person_id: int
    category: str
    name: str
    date_of_birth: str
    rank: str
    service_number: str
    photos: list[str] = field(default_factory=list)


def info(db: Database) -> DeskInfo:
    """This desk's stage, or NotFound saying how to open one."""
    with db.reading() as session:
        return _info(session)


def _info(session: Session) -> DeskInfo:
    row = session.scalars(select(DeskPack)).first()
    if row is None:
        raise NotFound(
            "no stage pack is open in this data directory: run `homecoming desk open FILE` "
            "(with --data-dir set to the laptop's own directory)"
        )
    meta = row.meta
    return DeskInfo(
        desk_id=row.desk_id,
        name=str(meta.get("name", "")),
        agreement_id=row.agreement_id,
        agreement=str(meta.get("agreement", "")),
        stage=row.stage_number,
        day=str(meta.get("day", "")),
        members=int(meta.get("members", 0)),
        pack_id=row.pack_id,
        signed_by=row.signed_by,
        opened_at=row.opened_at.isoformat(),
        opened_by=row.opened_by,
    )


def open_pack(
    db: Database, *, data_dir: Path, data: bytes, source: str, name: str, operator: str
) -> DeskInfo:
    """Verify a stage pack and lay it into this (empty) desk database, in one transaction."""
    keyring = Keyring(data_dir)
    opened = open_sealed(
        data,
        kind=stage_packs.PACK_KIND,
        source=source,
        trusted=keyring.trusted(),
        identity=keyring.age_identity() if keyring.exists() else None,
    )
    pack = opened.payload
    if pack.get("version") != stage_packs.PACK_VERSION:
        raise InvalidInput(f"{source}: pack version {pack.get('version')!r} is not one we read")
    try:
        agreement_id = int(pack["agreement"]["id"])
        definition = pack["agreement"]["definition"]
        number = int(pack["stage"]["number"])
        members = list(pack["members"])
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"{source}: the pack lacks {error}") from None
    with db.transaction() as session:
        if session.scalars(select(DeskPack)).first() is not None:
            held = _info(session)
            raise Conflict(
                f"this data directory already holds stage {held.stage} of agreement "
                f"{held.agreement_id} (pack {held.pack_id}); open each pack in its own directory"
            )
        if session.scalars(select(Source.id).limit(1)).first() is not None:
            raise Conflict(
                "this database already holds a registry: a desk opens a pack into an empty data "
                "directory of its own (`homecoming --data-dir DIR desk open FILE`)"
            )
        for code, party_name in dict(pack.get("parties", {})).items():
            if session.get(Party, code) is None:
                session.add(Party(code=code, name=str(party_name)))
        session.flush()
        agreement = agreements.store_copy(
            session, agreement_id=agreement_id, definition=definition, actor=operator
        )
        stage = agreements.stage_row(session, agreement_id, number)
        _lay_members(session, stage.id, agreement.name, members, operator)
        desk_id = uuid.uuid4().hex
        baseline = session.scalar(select(func.max(Handover.id))) or 0
        meta = {
            "baseline": baseline,  # handover rows up to this one came with the pack
            "name": name,
            "agreement": agreement.name,
            "day": stage.day.isoformat(),
            "members": len(members),
            "packed_at": pack.get("packed_at", ""),
            "packed_by": pack.get("packed_by", ""),
            "encrypted": opened.encrypted,
        }
        session.add(
            DeskPack(
                desk_id=desk_id,
                pack_id=str(pack["pack_id"]),
                pack_sha256=opened.sha256,
                agreement_id=agreement_id,
                stage_number=number,
                signed_by=f"{opened.signer.name} ({opened.signer.fingerprint})",
                meta=meta,
                opened_by=operator,
            )
        )
        session.flush()
        audit.append(
            session,
            actor=operator,
            action="desk.opened",
            subject=f"desk:{desk_id}",
            details={
                "pack": pack["pack_id"],
                "sha256": opened.sha256,
                "signed_by": opened.signer.fingerprint,
                "agreement": agreement_id,
                "stage": number,
                "members": len(members),
            },
        )
        desk = _info(session)
    _keep_photos(data_dir, members)
    return desk


def _lay_members(
    session: Session, stage_id: int, agreement: str, members: list[dict[str, Any]], actor: str
) -> None:
    person_ids = [int(m["person_id"]) for m in members]
    now = dt.datetime.now(dt.UTC)
    if person_ids:
        session.execute(insert(PERSONS), [{"id": p, "created_at": now} for p in person_ids])
    source = Source(
        kind=str(SourceKind.OTHER),
        name=f"{agreement}: stage pack",
        received_at=now,
        received_from="the bureau (stage pack)",
        row_count=len(members),
        created_by=actor,
    )
    session.add(source)
    session.flush()
    evidence = []
    for line, member in enumerate(members, start=2):
        f = member.get("fields", {})
        kind = f.get("category") or None
        fields = RecordFields(
            full_name=f.get("full_name", ""),
            family_name=f.get("family_name", ""),
            given_names=f.get("given_names", ""),
            patronymic=f.get("patronymic", ""),
            date_of_birth=PartialDate.parse(f.get("date_of_birth") or None),
            rank=f.get("rank", ""),
            service_number=f.get("service_number", ""),
            category=Category(kind) if kind in set(Category) else None,
        )
        evidence.append(Evidence(line=line, raw={k: str(v) for k, v in f.items()}, fields=fields))
    registry.add_evidence(
        session, source_id=source.id, evidence=evidence, person_ids=person_ids, actor=actor
    )
    for member in members:
        session.add(
            StageMember(
                stage_id=stage_id,
                party=str(member["party"]),
                person_id=int(member["person_id"]),
                category_code=str(member["category"]),
                action="add",
                origin="pack",
                reason="stage pack",
                changed_by=actor,
            )
        )
    session.flush()
    for member in members:
        done = member.get("recorded")
        if done:  # what the centre already holds: shown, never sent back
            session.add(
                Handover(
                    stage_id=stage_id,
                    party=str(member["party"]),
                    person_id=int(member["person_id"]),
                    category_code=str(member["category"]),
                    outcome=str(done["outcome"]),
                    substitute_name=str(done.get("substitute_name", "")),
                    recorded_by=f"centre: {done.get('recorded_by', '')}",
                    recorded_at=dt.datetime.fromisoformat(str(done["recorded_at"])),
                )
            )
    session.flush()


def _keep_photos(data_dir: Path, members: list[dict[str, Any]]) -> None:
    for member in members:
        for photo in member.get("photos", []):
            suffix = PHOTO_SUFFIX.get(str(photo.get("media_type")), ".bin")
            target = data_dir / PHOTO_DIR / str(member["person_id"]) / f"{photo['sha256']}{suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(base64.b64decode(photo["data"]))


def pending(db: Database, *, data_dir: Path) -> list[PendingView]:
    """Who is still to come: the stage's members with nothing recorded yet."""
    with db.reading() as session:
        desk = _info(session)
        stage = agreements.stage_row(session, desk.agreement_id, desk.stage)
        members = stages.current_members(session, stage.id)
        done = {r.person_id for r in handovers.latest_rows(session, stage.id)}
        waiting = [m for m in members.values() if m.person_id not in done]
        records = stages.listed_records(session, waiting)
        views = []
        for m in waiting:
            record = records.get(m.person_id)
            folder = data_dir / PHOTO_DIR / str(m.person_id)
            views.append(
                PendingView(
                    party=m.party,
                    person_id=m.person_id,
                    category=m.category_code,
                    name=_name(record),
                    date_of_birth=_dob(record),
                    rank=record.rank if record else "",
                    service_number=record.service_number if record else "",
                    photos=sorted(str(p) for p in folder.glob("*")) if folder.is_dir() else [],
                )
            )
    return sorted(views, key=lambda v: (v.party, v.name, v.person_id))


def _name(record: Record | None) -> str:
    if record is None:
        return ""
    parts = (record.family_name, record.given_names, record.patronymic)
    return " ".join(p for p in parts if p) or record.full_name


def _dob(record: Record | None) -> str:
    if record is None or record.dob_year is None:
        return ""
    return PartialDate(record.dob_year, record.dob_month, record.dob_day).iso()


def record_outcome(
    db: Database,
    search: SearchService | None,
    *,
    person_id: int,
    outcome: Outcome,
    operator: str,
    evidence: str = "",
    substitute: handovers.Substitute | None = None,
    correct: bool = False,
) -> handovers.HandoverView:
    """Record a listed person's outcome at this desk (the same rules as at the centre)."""
    with db.reading() as session:
        desk = _info(session)
        stage = agreements.stage_row(session, desk.agreement_id, desk.stage)
        sides = [p for (p, pid) in stages.current_members(session, stage.id) if pid == person_id]
    if not sides:
        raise NotFound(
            f"person {person_id} is not in stage {desk.stage}: `homecoming desk pending` lists "
            "who is; record someone unlisted with --arrival"
        )
    return handovers.record_handover(
        db,
        search,
        agreement_id=desk.agreement_id,
        number=desk.stage,
        party=sides[0],
        person_id=person_id,
        outcome=outcome,
        actor=operator,
        evidence=evidence,
        substitute=substitute,
        correct=correct,
    )


@dataclass(frozen=True, slots=True)
class NoteView:
    id: int
    kind: str
    party: str
    person_id: int | None
    fields: dict[str, str]
    text: str
    recorded_by: str
    recorded_at: str


def record_note(
    db: Database,
    *,
    kind: str,
    operator: str,
    text: str = "",
    party: str = "",
    person_id: int | None = None,
    arrival: handovers.Substitute | None = None,
) -> NoteView:
    """Record an unlisted arrival (who came, as their papers read) or a free note."""
    if kind not in ("arrival", "note"):
        raise InvalidInput(f"a desk note is an arrival or a note, not {kind!r}")
    if kind == "arrival" and (arrival is None or not arrival.family_name.strip()):
        raise InvalidInput("an unlisted arrival needs at least a family name (--arrival NAME)")
    if kind == "note" and not text.strip():
        raise InvalidInput("a note needs its text (--note TEXT)")
    with db.transaction() as session:
        desk = _info(session)
        agreement = agreements.load(session, desk.agreement_id)
        party = party.upper()
        if party and party not in agreement.parties:
            raise InvalidInput(f"--party {party}: this stage's sides are {agreement.parties}")
        if kind == "arrival" and not party:
            raise InvalidInput("an unlisted arrival needs the side that handed them over (--party)")
        fields: dict[str, str] = {}
        if arrival is not None:
            fields = {
                "family_name": arrival.family_name.strip(),
                "given_names": arrival.given_names.strip(),
                "patronymic": arrival.patronymic.strip(),
                "date_of_birth": arrival.date_of_birth.iso(),
                "service_number": arrival.service_number.strip(),
            }
        row = DeskNote(
            kind=kind,
            party=party,
            person_id=person_id,
            fields=fields,
            text=text.strip(),
            recorded_by=operator,
        )
        session.add(row)
        session.flush()
        audit.append(
            session,
            actor=operator,
            action=f"desk.{kind}",
            subject=f"desk_note:{row.id}",
            details={"party": party, "person": person_id},
        )
        return _note_view(row)


def _note_view(row: DeskNote) -> NoteView:
    return NoteView(
        id=row.id,
        kind=row.kind,
        party=row.party,
        person_id=row.person_id,
        fields=dict(row.fields),
        text=row.text,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at.isoformat(),
    )


@dataclass(frozen=True, slots=True)
class ExportResult:
    data: bytes
    entries: int
    outcomes: int
    notes: int


def export_log(db: Database, *, data_dir: Path, operator: str) -> ExportResult:
    """Everything recorded at this desk, signed with the desk's key (the whole log every time:
    the centre merges each entry once, so a later export carries the earlier entries too)."""
    key = Keyring(data_dir).signing_key()
    with db.reading() as session:
        desk = _info(session)
        stage = agreements.stage_row(session, desk.agreement_id, desk.stage)
        baseline = int(session.scalars(select(DeskPack)).one().meta.get("baseline", 0))
        rows = session.scalars(
            select(Handover)
            .where(Handover.stage_id == stage.id, Handover.id > baseline)
            .order_by(Handover.id)
        ).all()
        landed = {
            r.id: r
            for r in session.scalars(
                select(Record).where(Record.id.in_([h.record_id for h in rows if h.record_id]))
            )
        }
        entries: list[dict[str, Any]] = [_outcome_entry(h, landed) for h in rows]
        notes = session.scalars(select(DeskNote).order_by(DeskNote.id)).all()
        entries += [_note_entry(n) for n in notes]
        count = len(rows)
    payload = {
        "version": LOG_VERSION,
        "desk_id": desk.desk_id,
        "desk_name": desk.name,
        "pack_id": desk.pack_id,
        "agreement_id": desk.agreement_id,
        "stage": desk.stage,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "exported_by": operator,
        "entries": entries,
    }
    data = seal(payload, kind=LOG_KIND, key=key)
    with db.transaction() as session:
        audit.append(
            session,
            actor=operator,
            action="desk.exported",
            subject=f"desk:{desk.desk_id}",
            details={"entries": len(entries), "handovers": count},
        )
    return ExportResult(data=data, entries=len(entries), outcomes=len(rows), notes=len(notes))


def _outcome_entry(row: Handover, landed: dict[int, Record]) -> dict[str, Any]:
    substitute = None
    record = landed.get(row.record_id) if row.record_id is not None else None
    if row.outcome == Outcome.SUBSTITUTED and record is not None:
        substitute = {
            "family_name": record.family_name,
            "given_names": record.given_names,
            "patronymic": record.patronymic,
            "date_of_birth": _dob(record),
            "service_number": record.service_number,
        }
    return {
        "key": f"h{row.id}",
        "seq": row.id,
        "kind": "outcome",
        "party": row.party,
        "person_id": row.person_id,
        "outcome": row.outcome,
        "evidence": row.evidence,
        "substitute": substitute,
        "operator": row.recorded_by,
        "at": row.recorded_at.isoformat(),
    }


def _note_entry(row: DeskNote) -> dict[str, Any]:
    return {
        "key": f"n{row.id}",
        "seq": row.id,
        "kind": row.kind,
        "party": row.party,
        "person_id": row.person_id,
        "fields": dict(row.fields),
        "text": row.text,
        "operator": row.recorded_by,
        "at": row.recorded_at.isoformat(),
    }
