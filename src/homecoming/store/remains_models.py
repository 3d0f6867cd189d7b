"""Tables of remains: handovers of bodies by count, cases (bags), identification steps, DNA
reference metadata and the belongings catalogue. No genetic data is stored: a laboratory's
reference stands for a profile or a match. Steps are rows, never updates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from homecoming.store.models import Base, utcnow


class RemainsHandover(Base):
    """Remains handed over at one crossing: counted, not named; declared beside received."""

    __tablename__ = "remains_handovers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    category_code: Mapped[str] = mapped_column(String(50), default="")
    stage_number: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[dt.date] = mapped_column(Date)
    from_party: Mapped[str] = mapped_column(ForeignKey("parties.code"))  # the side handing over
    to_party: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    place: Mapped[str] = mapped_column(String(200), default="")
    declared: Mapped[int | None] = mapped_column(Integer)  # what the handing side says it sent
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RemainsCase(Base):
    """One bag or case as received (RC-2025-000001), holding one or more persons' remains."""

    __tablename__ = "remains_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("remains_handovers.id"), index=True)
    bag_label: Mapped[str] = mapped_column(String(100), default="")  # the handing side's tag
    # Several persons in one bag (persons_count > 1); one person in several bags (same_as).
    persons_count: Mapped[int] = mapped_column(Integer, default=1)
    same_as_id: Mapped[int | None] = mapped_column(ForeignKey("remains_cases.id"))
    # The other side's own dead found among the remains, to be sent back.
    other_side: Mapped[bool] = mapped_column(Boolean, default=False)
    returned_in_id: Mapped[int | None] = mapped_column(ForeignKey("remains_handovers.id"))
    tag_text: Mapped[str] = mapped_column(String(400), default="")  # a tag returned with them
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RemainsStep(Base):
    """One identification step of a case (or of one person in a mixed case)."""

    __tablename__ = "remains_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("remains_cases.id"), index=True)
    step: Mapped[str] = mapped_column(String(24))
    individual: Mapped[int] = mapped_column(Integer, default=1)  # which person in the bag
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("inquiries.id"), index=True)
    method: Mapped[str] = mapped_column(String(24), default="")  # dna / forensic
    institution: Mapped[str] = mapped_column(String(200), default="")
    lab_reference: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))


class DnaReference(Base):
    """A family's reference sample: metadata only (who, when, where, which laboratory)."""

    __tablename__ = "dna_references"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    relation: Mapped[str] = mapped_column(String(24))  # mother, father, child, sibling, ...
    taken_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    institution: Mapped[str] = mapped_column(String(200))
    institution_reference: Mapped[str] = mapped_column(String(100))
    investigator_order: Mapped[str] = mapped_column(String(200), default="")
    consent: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BelongingPhoto(Base):
    """A photo of belongings found with a case, for the families' catalogue."""

    __tablename__ = "belonging_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("remains_cases.id"), index=True)
    path: Mapped[str] = mapped_column(String(500))  # relative to the data directory
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(100), default="image/jpeg")
    description: Mapped[str] = mapped_column(String(400), default="")
    # The investigator allowed it to be shown to families.
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
