"""Remains in the demo: June 2025's repatriation at one hundredth of its size.

In June 2025 Ukraine received 6,057 bodies in five handovers of which Russia declared 6,060,
and 78 went the other way. The demo has five handovers from RU (60 received of 61 declared),
one of them with a bag holding two persons and a person spread over two bags, one body of
the other side's own sent back, one body handed to RU, and one family's case followed from
the handover to an identification confirmed by a second person and the family told in person.
Everything is generated; nobody is real.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from homecoming.services import remains
from homecoming.store.db import Database
from homecoming.store.tracing_models import Inquiry
from homecoming.tracing.remains import Relation, Step

# (day, bags received, declared by RU): 60 received of 61 declared.
HANDOVERS = (
    (dt.date(2025, 6, 11), 12, 12),
    (dt.date(2025, 6, 13), 12, 12),
    (dt.date(2025, 6, 14), 12, 13),
    (dt.date(2025, 6, 16), 12, 12),
    (dt.date(2025, 6, 19), 12, 12),
)
EXPERT, SECOND_EXPERT, LIAISON = "demo-forensic-a", "demo-forensic-b", "demo-liaison"


@dataclass(frozen=True, slots=True)
class DemoRemains:
    received: int
    declared: int
    identified: str | None  # the inquiry whose relative was identified
    case: str | None

    def __str__(self) -> str:
        told = (
            f"; {self.case} identified as {self.identified}'s relative, family told in person"
            if self.identified
            else ""
        )
        return (
            f"received {self.received} of {self.declared} declared from RU in "
            f"{len(HANDOVERS)} handovers (`homecoming remains list`){told}"
        )


def _first_bags() -> list[remains.Bag]:
    """The first handover: bag 2 holds two persons, bags 5 and 12 are one person."""
    bags = [remains.Bag(label=f"RU-0611-{n:02d}") for n in range(1, 12)]
    bags[1] = remains.Bag(label="RU-0611-02", persons=2)
    bags.append(remains.Bag(label="RU-0611-12", same_as="RU-0611-05"))
    return bags


def _bags(day: dt.date, count: int) -> list[remains.Bag]:
    return [remains.Bag(label=f"RU-{day:%m%d}-{n:02d}") for n in range(1, count + 1)]


def load_demo_remains(
    db: Database, *, actor: str, agreement_id: int | None = None, data_dir: Path | None = None
) -> DemoRemains:
    """Five handovers from RU, one to RU, a return, and one identification followed through."""
    received = declared = 0
    first_case = ""
    other_side = ""
    for number, (day, count, said) in enumerate(HANDOVERS, start=1):
        bags = _first_bags() if number == 1 else _bags(day, count)
        if number == 3:  # one of the other side's own dead among them, with its tag
            bags[6] = remains.Bag(label=bags[6].label, tag="жетон: RU, 1187")
        view = remains.receive(
            db,
            day=day,
            from_party="RU",
            to_party="UA",
            bags=bags,
            declared=said,
            agreement_id=agreement_id,
            stage=None,
            place="Ukrainian–Belarusian border",
            actor=actor,
        )
        received += view.received
        declared += said
        cases = remains.cases(db, handover_id=view.id)
        if number == 1:
            first_case = next(c.reference for c in cases if c.bag_label == "RU-0611-12")
        if number == 3:
            other_side = cases[6].reference
    remains.receive(
        db,
        day=dt.date(2025, 6, 19),
        from_party="UA",
        to_party="RU",
        bags=[remains.Bag(label="UA-0619-01")],
        declared=1,
        place="Ukrainian–Belarusian border",
        actor=actor,
    )
    remains.record_step(
        db, case=other_side, step=Step.EXAMINED, notes="uniform and tag of RU", actor=EXPERT
    )
    remains.mark_other_side(db, case=other_side, tag="", actor=EXPERT)
    remains.send_back(db, cases=[other_side], day=dt.date(2025, 6, 26), actor=actor)
    identified = _identify(db, first_case, data_dir=data_dir)
    return DemoRemains(received, declared, identified, first_case if identified else None)


def _identify(db: Database, case: str, *, data_dir: Path | None) -> str | None:
    """A mother's reference, a DNA match, an identification confirmed twice, the family told."""
    with db.reading() as session:
        inquiry = session.scalar(
            select(Inquiry.reference)
            .where(Inquiry.open.is_(True), Inquiry.party_code == "UA")
            .order_by(Inquiry.id)
        )
    if inquiry is None:
        return None
    remains.add_reference(
        db,
        inquiry=inquiry,
        relation=Relation.MOTHER,
        taken_on=dt.date(2025, 3, 4),
        place="Kyiv",
        institution="Demo forensic laboratory",
        institution_reference="REF-2025-0001",
        investigator_order="demo order 1/2025",
        consent=True,
        actor=LIAISON,
    )
    for step in (Step.EXAMINED, Step.SAMPLE_TAKEN, Step.DNA_PROFILE):
        remains.record_step(db, case=case, step=step, actor=EXPERT)
    match = remains.record_step(
        db,
        case=case,
        step=Step.DNA_MATCH,
        inquiry=inquiry,
        institution="Demo forensic laboratory",
        lab_reference="LAB-2026-0042",
        actor=EXPERT,
    )
    remains.confirm_step(db, step_id=match.id, actor=SECOND_EXPERT)
    found = remains.record_step(
        db, case=case, step=Step.IDENTIFIED, inquiry=inquiry, method="dna", actor=EXPERT
    )
    remains.confirm_step(db, step_id=found.id, actor=SECOND_EXPERT)
    remains.record_step(
        db,
        case=case,
        step=Step.FAMILY_INFORMED,
        inquiry=inquiry,
        notes="told in person by the liaison officer",
        actor=LIAISON,
    )
    if data_dir is not None:
        remains.add_photo(
            db,
            data_dir=data_dir,
            case=case,
            data=_png(),
            file_name="belongings.png",
            description="a wristwatch with a cracked glass",
            consent=True,
            actor=EXPERT,
        )
    return inquiry


def _png() -> bytes:
    """A 1×1 grey PNG, made here (no file shipped)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
