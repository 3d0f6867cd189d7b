"""Tables of a person's path through negotiations: the other side's answers to a list, what
happened at the crossing beyond a listed person's handover, and the seriously wounded's
referral, examination, consent and repatriation (GCIII Art. 109-113).

Rows, never updates: a later row says what changed, and the latest counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from homecoming.store.models import Base, JsonType, utcnow


class ReplyList(Base):
    """The other side's reply to one list version, as received (its file's hash kept)."""

    __tablename__ = "reply_lists"
    __table_args__ = (UniqueConstraint("list_version_id", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    list_version_id: Mapped[int] = mapped_column(ForeignKey("list_versions.id"), index=True)
    party: Mapped[str] = mapped_column(ForeignKey("parties.code"))  # the side answering
    content_hash: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(500), default="")
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    received_from: Mapped[str] = mapped_column(String(300), default="")
    answers: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class ReplyAnswer(Base):
    """The answer to one entry: accepted, refused (with why), struck off, under prosecution."""

    __tablename__ = "reply_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reply_list_id: Mapped[int] = mapped_column(ForeignKey("reply_lists.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)  # the reply file's line
    list_entry_id: Mapped[int] = mapped_column(ForeignKey("list_entries.id"), index=True)
    answer: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")


class CrossingEvent(Base):
    """What happened at the crossing beyond a listed person's handover: an arrival on no list
    (with its identity check), a list that differs from the agreed one (with the diff), a
    person brought and taken back, a person handed over and sent back."""

    __tablename__ = "crossing_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("exchange_stages.id"), index=True)
    party: Mapped[str] = mapped_column(ForeignKey("parties.code"))  # the side handing over
    kind: Mapped[str] = mapped_column(String(24))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))  # landed evidence
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("handovers.id"))
    checked_by: Mapped[str] = mapped_column(String(200), default="")
    check_methods: Mapped[list[str]] = mapped_column(JsonType)  # documents, photo, questions
    details: Mapped[dict[str, Any]] = mapped_column(JsonType)  # a diff, a file's hash, notes
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MedicalReferral(Base):
    """Who asked that a prisoner be examined (himself, a doctor, the protecting power, ICRC)."""

    __tablename__ = "medical_referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    referred_by: Mapped[str] = mapped_column(String(24))
    referrer: Mapped[str] = mapped_column(String(200), default="")
    referred_on: Mapped[dt.date] = mapped_column(Date)
    examine_by: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MedicalExamination(Base):
    """An examination by a mixed medical commission or the detaining power's doctors."""

    __tablename__ = "medical_examinations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("medical_referrals.id"))
    body: Mapped[str] = mapped_column(String(32))
    examined_on: Mapped[dt.date] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(24))
    repatriate_by: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RepatriationConsent(Base):
    """The prisoner's own word on going home (Art. 109: never against his will)."""

    __tablename__ = "repatriation_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    consent: Mapped[str] = mapped_column(String(8))  # given / refused
    given_on: Mapped[dt.date] = mapped_column(Date)
    witnessed_by: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MedicalRepatriation(Base):
    """A seriously wounded or sick prisoner repatriated, and the evidence it landed."""

    __tablename__ = "medical_repatriations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    examination_id: Mapped[int] = mapped_column(ForeignKey("medical_examinations.id"))
    consent_id: Mapped[int] = mapped_column(ForeignKey("repatriation_consents.id"))
    repatriated_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
