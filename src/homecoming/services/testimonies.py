"""Testimonies of released people: structured sightings, and answers at the photo debrief.

Each sighting lands in the registry as a `testimony` record (so linkage and search see it) and
is re-matched against the open inquiries like any evidence; a photo recognised at a debrief
becomes a lead for that photo's inquiry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, Fate, RecordFields, SourceKind
from homecoming.errors import InvalidInput, NotFound, RowProblem
from homecoming.services import audit, leads, registry
from homecoming.store.db import Database
from homecoming.store.models import Party, Source
from homecoming.store.tracing_models import (
    DebriefAnswer,
    Inquiry,
    InquiryPhoto,
    Sighting,
    Testimony,
)
from homecoming.tracing.sighting import read_as_heard


@dataclass(frozen=True, slots=True)
class SightingInput:
    """Whom the witness saw, named as heard, where, roughly when and in what condition."""

    as_heard: str
    family_name: str = ""
    given_names: str = ""
    nickname: str = ""
    call_sign: str = ""
    unit: str = ""
    facility: str = ""
    seen_when: PartialDate = dataclasses.field(default_factory=PartialDate)
    condition: str = ""


def sighting_from_words(
    as_heard: str, *, facility: str = "", seen_when: str = "", condition: str = ""
) -> SightingInput:
    """A sighting from the witness's own words, e.g. "Nekhir from the 36th brigade"."""
    heard = read_as_heard(as_heard)
    return SightingInput(
        as_heard=as_heard,
        family_name=heard.family_name,
        given_names=heard.given_names,
        nickname=heard.nickname,
        call_sign=heard.call_sign,
        unit=heard.unit,
        facility=facility,
        seen_when=PartialDate.parse(seen_when) if seen_when else PartialDate(),
        condition=condition,
    )


@dataclass(frozen=True, slots=True)
class RecordedTestimony:
    id: int
    source_id: int
    sightings: list[int]
    record_ids: list[int]
    leads: int


def record_testimony(
    db: Database,
    *,
    witness: str,
    sightings: list[SightingInput],
    actor: str,
    party: str | None = None,
    taken_at: dt.datetime | None = None,
    place: str = "",
    notes: str = "",
    witness_person_id: int | None = None,
) -> RecordedTestimony:
    """Record a testimony and its sightings (one transaction); re-matching follows."""
    _check(witness, sightings)
    before = _lead_count(db)
    with db.transaction() as session:
        if party is not None and session.get(Party, party) is None:
            raise NotFound(f"unknown party {party!r}; register it first (`homecoming parties add`)")
        received = taken_at or dt.datetime.now(dt.UTC)
        # The witness (their name, where they live) stays on the testimony, read with
        # inquiries.read; the source, which every role lists, names no one.
        source = Source(
            kind=str(SourceKind.TESTIMONY),
            name=f"Testimony taken {received:%Y-%m-%d}",
            party_code=party,
            received_at=received,
            received_from="a witness",
            row_count=len(sightings),
            created_by=actor,
        )
        session.add(source)
        session.flush()
        record_ids = registry.add_evidence(
            session,
            source_id=source.id,
            evidence=[_evidence(s, line=n) for n, s in enumerate(sightings, 2)],
            actor=actor,
        )
        testimony = Testimony(
            source_id=source.id,
            witness=witness,
            witness_person_id=witness_person_id,
            taken_at=taken_at or dt.datetime.now(dt.UTC),
            place=place,
            notes=notes,
            created_by=actor,
        )
        session.add(testimony)
        session.flush()
        rows = [
            _sighting_row(testimony.id, rid, s)
            for rid, s in zip(record_ids, sightings, strict=True)
        ]
        session.add_all(rows)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="testimony.recorded",
            subject=f"testimony:{testimony.id}",
            details={"source": source.id, "sightings": len(rows), "records": record_ids},
        )
        result = (testimony.id, source.id, [r.id for r in rows])
    return RecordedTestimony(result[0], result[1], result[2], record_ids, _lead_count(db) - before)


def _lead_count(db: Database) -> int:
    from sqlalchemy import func

    from homecoming.store.tracing_models import Lead

    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Lead)) or 0


def _check(witness: str, sightings: list[SightingInput]) -> None:
    problems = []
    if not witness.strip():
        problems.append(RowProblem(0, "witness", "say who gave the testimony"))
    if not sightings:
        problems.append(RowProblem(0, "sightings", "a testimony needs at least one sighting"))
    for number, s in enumerate(sightings, 1):
        if not (s.family_name or s.given_names or s.nickname or s.call_sign):
            problems.append(
                RowProblem(
                    number,
                    "as_heard",
                    f"{s.as_heard!r} names nobody: give a surname, name, nickname or call sign",
                )
            )
    if problems:
        raise InvalidInput("the testimony cannot be recorded", problems)


def _evidence(sighting: SightingInput, *, line: int) -> Evidence:
    fields = RecordFields(
        family_name=sighting.family_name,
        given_names=sighting.given_names,
        unit=sighting.unit,
        place_of_detention=sighting.facility,
        health=sighting.condition,
        fate=Fate.DETAINED,
        fate_date=sighting.seen_when,
        notes=f"as heard: {sighting.as_heard}",
    )
    raw = {
        "as_heard": sighting.as_heard,
        "facility": sighting.facility,
        "seen_when": sighting.seen_when.iso(),
        "condition": sighting.condition,
    }
    return Evidence(line=line, raw={k: v for k, v in raw.items() if v}, fields=fields)


def _sighting_row(testimony_id: int, record_id: int, s: SightingInput) -> Sighting:
    return Sighting(
        testimony_id=testimony_id,
        record_id=record_id,
        as_heard=s.as_heard,
        family_name=s.family_name,
        given_names=s.given_names,
        nickname=s.nickname,
        call_sign=s.call_sign,
        unit=s.unit,
        facility=s.facility,
        seen_when=s.seen_when.iso(),
        condition=s.condition,
    )


@dataclass(frozen=True, slots=True)
class TestimonyView:
    id: int
    source_id: int
    witness: str
    taken_at: str
    place: str
    notes: str
    sightings: list[dict[str, Any]]
    answers: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def show(db: Database, testimony_id: int) -> TestimonyView:
    """A testimony with its sightings and debrief answers."""
    with db.reading() as session:
        row = session.get(Testimony, testimony_id)
        if row is None:
            raise NotFound(f"no testimony {testimony_id}")
        sightings = session.scalars(
            select(Sighting).where(Sighting.testimony_id == row.id).order_by(Sighting.id)
        ).all()
        answers = session.scalars(
            select(DebriefAnswer)
            .where(DebriefAnswer.testimony_id == row.id)
            .order_by(DebriefAnswer.id)
        ).all()
        return TestimonyView(
            id=row.id,
            source_id=row.source_id,
            witness=row.witness,
            taken_at=row.taken_at.isoformat(),
            place=row.place,
            notes=row.notes,
            sightings=[
                {
                    "id": s.id,
                    "record_id": s.record_id,
                    "as_heard": s.as_heard,
                    "family_name": s.family_name,
                    "given_names": s.given_names,
                    "nickname": s.nickname,
                    "call_sign": s.call_sign,
                    "unit": s.unit,
                    "facility": s.facility,
                    "seen_when": s.seen_when,
                    "condition": s.condition,
                }
                for s in sightings
            ],
            answers=[
                {
                    "id": a.id,
                    "photo_id": a.photo_id,
                    "inquiry_id": a.inquiry_id,
                    "answer": a.answer,
                    "facility": a.facility,
                    "seen_when": a.seen_when,
                }
                for a in answers
            ],
        )


class Answer(StrEnum):
    RECOGNISED = "recognised"
    NOT_RECOGNISED = "not_recognised"
    UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    id: int
    lead_id: int | None


def record_answer(
    db: Database,
    *,
    testimony_id: int,
    photo_id: int,
    answer: Answer,
    actor: str,
    facility: str = "",
    seen_when: str = "",
    notes: str = "",
) -> RecordedAnswer:
    """What a released person said on seeing an inquiry's photo; a recognition is a lead."""
    when = PartialDate.parse(seen_when) if seen_when else PartialDate()
    with db.transaction() as session:
        if session.get(Testimony, testimony_id) is None:
            raise NotFound(f"no testimony {testimony_id}: record the debrief's testimony first")
        photo = session.get(InquiryPhoto, photo_id)
        if photo is None:
            raise NotFound(f"no photo {photo_id}; the gallery lists the photos to show")
        inquiry = session.get(Inquiry, photo.inquiry_id)
        assert inquiry is not None
        row = DebriefAnswer(
            testimony_id=testimony_id,
            photo_id=photo.id,
            inquiry_id=inquiry.id,
            answer=answer.value,
            facility=facility,
            seen_when=when.iso(),
            notes=notes,
            recorded_by=actor,
        )
        session.add(row)
        session.flush()
        lead_id = None
        if answer is Answer.RECOGNISED:
            reasons = ["recognised in the family's photo"]
            reasons += [f"seen at {facility}"] if facility else []
            reasons += [f"seen {when.iso()}"] if when.year else []
            lead_id = leads.add_recognition_lead(
                session, inquiry=inquiry, answer_id=row.id, reasons=reasons, actor=actor
            )
        audit.append(
            session,
            actor=actor,
            action="debrief.answered",
            subject=f"testimony:{testimony_id}",
            details={
                "photo": photo.id,
                "inquiry": inquiry.id,
                "answer": answer.value,
                "lead": lead_id,
            },
        )
        return RecordedAnswer(row.id, lead_id)
