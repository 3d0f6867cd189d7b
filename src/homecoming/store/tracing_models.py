"""Tables of tracing: inquiries, testimonies and sightings, leads, notifications, the outbox.

The sought person's details are registry evidence (a `family_inquiry` record); the inquirer's
contact details are in the protected `contacts` table. These tables hold the case around them.
Decisions about leads are rows, never updates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from homecoming.store.models import Base, JsonType, utcnow


class Inquiry(Base):
    """A family asking after someone: the case, its consent and sharing scope, its status."""

    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    party_code: Mapped[str | None] = mapped_column(ForeignKey("parties.code"), nullable=True)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    sharing_scope: Mapped[str] = mapped_column(String(16), default="bureau")
    harm_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(8), default="uk")
    call_sign: Mapped[str] = mapped_column(String(100), default="")
    circumstances: Mapped[str] = mapped_column(Text, default="")
    # Derived from verified leads (a cache the services keep in step); `open` drives re-matching.
    status: Mapped[str] = mapped_column(String(24), default="registered")
    open: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class InquiryKey(Base):
    """Candidate keys of an open inquiry's name: what new evidence is looked up by."""

    __tablename__ = "inquiry_keys"

    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # The sought person's year of birth: pairs whose years are far apart are not scored at all.
    born: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_inquiry_keys_key", "key"),)


class InquiryPhoto(Base):
    """A photo the family gave; the file is under the data directory."""

    __tablename__ = "inquiry_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    path: Mapped[str] = mapped_column(String(500))  # relative to the data directory
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(100), default="image/jpeg")
    caption: Mapped[str] = mapped_column(String(300), default="")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    added_by: Mapped[str] = mapped_column(String(100))


class Testimony(Base):
    """A released person's account, taken at a debrief; its sightings are registry evidence."""

    __tablename__ = "testimonies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    witness: Mapped[str] = mapped_column(String(300))
    witness_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    place: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class Sighting(Base):
    """One person a witness saw: named as heard, where, roughly when, in what condition."""

    __tablename__ = "sightings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    testimony_id: Mapped[int] = mapped_column(ForeignKey("testimonies.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), unique=True)
    as_heard: Mapped[str] = mapped_column(String(500))
    family_name: Mapped[str] = mapped_column(String(200), default="")
    given_names: Mapped[str] = mapped_column(String(200), default="")
    nickname: Mapped[str] = mapped_column(String(100), default="")
    call_sign: Mapped[str] = mapped_column(String(100), default="")
    unit: Mapped[str] = mapped_column(String(300), default="")
    facility: Mapped[str] = mapped_column(String(300), default="")
    seen_when: Mapped[str] = mapped_column(String(10), default="")  # YYYY, YYYY-MM, YYYY-MM-DD
    condition: Mapped[str] = mapped_column(Text, default="")


class DebriefAnswer(Base):
    """A released person shown an inquiry's photo: recognised, not recognised, or unsure."""

    __tablename__ = "debrief_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    testimony_id: Mapped[int] = mapped_column(ForeignKey("testimonies.id"), index=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("inquiry_photos.id"), index=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    answer: Mapped[str] = mapped_column(String(16))  # recognised / not_recognised / unsure
    facility: Mapped[str] = mapped_column(String(300), default="")
    seen_when: Mapped[str] = mapped_column(String(10), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(100))


class Lead(Base):
    """A possible answer to an inquiry: a record, a sighting or a photo recognition."""

    __tablename__ = "leads"
    __table_args__ = (Index("ix_leads_inquiry_id_person_id", "inquiry_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True)
    sighting_id: Mapped[int | None] = mapped_column(ForeignKey("sightings.id"))
    debrief_answer_id: Mapped[int | None] = mapped_column(ForeignKey("debrief_answers.id"))
    person_id: Mapped[int | None] = mapped_column(Integer)  # the record's person when found
    score: Mapped[float] = mapped_column(Float)
    name_score: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(String(100))  # why it became a lead
    reasons: Mapped[list[str]] = mapped_column(JsonType)
    explanation: Mapped[dict[str, Any]] = mapped_column(JsonType)
    fate: Mapped[str | None] = mapped_column(String(16))  # what the evidence says happened
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # cache
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class LeadDecision(Base):
    """A tracing officer's verify / reject / reopen of a lead, with the reason. Never updated."""

    __tablename__ = "lead_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Notification(Base):
    """A message to the family from a template; sent only after a second person approves."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("approved_by = '' OR approved_by <> prepared_by", name="second_person"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    template: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="prepared", index=True)
    prepared_by: Mapped[str] = mapped_column(String(100))
    prepared_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_by: Mapped[str] = mapped_column(String(100), default="")
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by: Mapped[str] = mapped_column(String(100), default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")


class OutboxMessage(Base):
    """A message waiting for its channel; the address is read from contacts at delivery."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("notification_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    channel: Mapped[str] = mapped_column(String(16), default="email")
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


__all__ = [
    "DebriefAnswer",
    "Inquiry",
    "InquiryKey",
    "InquiryPhoto",
    "Lead",
    "LeadDecision",
    "Notification",
    "OutboxMessage",
    "Sighting",
    "Testimony",
]
