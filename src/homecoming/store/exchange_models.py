"""Tables of exchanges: agreements, list versions, findings, stages, handovers.

Human decisions and what happened at the crossing are rows, never updates: a finding's
decision, a stage member's addition or removal, a handover and its correction each add a
row, and the latest row counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
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


class AgreementRow(Base):
    """An exchange agreement between two parties; `definition` keeps it as it was given."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    party_a: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    party_b: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    per_side: Mapped[int] = mapped_column(Integer)
    agreed_on: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    reference_date: Mapped[dt.date | None] = mapped_column(Date)
    definition: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class AgreementCategory(Base):
    """A category of an agreement: eligibility, parity rule and total per side."""

    __tablename__ = "agreement_categories"
    __table_args__ = (UniqueConstraint("agreement_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(50))
    label: Mapped[str] = mapped_column(String(200))
    parity: Mapped[str] = mapped_column(String(16))  # n_for_n / all_for_all / none
    total: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(16))  # serviceman / civilian
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    seriously_wounded: Mapped[bool | None] = mapped_column(Boolean)


class StageRow(Base):
    """A planned stage: its day and per category the count each side hands over.

    Handovers lock this row, so tallies recorded by many operators at once stay exact.
    """

    __tablename__ = "exchange_stages"
    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    day: Mapped[dt.date] = mapped_column(Date)
    counts: Mapped[dict[str, Any]] = mapped_column(JsonType)


class ListVersion(Base):
    """One party's offer or request as received: a registry source plus this row. Immutable."""

    __tablename__ = "list_versions"
    __table_args__ = (UniqueConstraint("agreement_id", "party", "direction", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    party: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    direction: Mapped[str] = mapped_column(String(8))  # offer / request
    number: Mapped[int] = mapped_column(Integer)
    category_code: Mapped[str | None] = mapped_column(String(50))  # a one-category list
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(500), default="")
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    received_from: Mapped[str] = mapped_column(String(300), default="")
    entries: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class ListEntry(Base):
    """One line of a list version, and the registry record it landed as."""

    __tablename__ = "list_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_version_id: Mapped[int] = mapped_column(ForeignKey("list_versions.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    entry_key: Mapped[str] = mapped_column(String(400))


class ListValidation(Base):
    """One validation run of a list version against the registry."""

    __tablename__ = "list_validations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_version_id: Mapped[int] = mapped_column(ForeignKey("list_versions.id"), index=True)
    validated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    validated_by: Mapped[str] = mapped_column(String(100))
    entries: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[int] = mapped_column(Integer)
    findings: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)


class EntryResolution(Base):
    """An entry resolved to a person in one validation, with its score and the runner-up."""

    __tablename__ = "entry_resolutions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    validation_id: Mapped[int] = mapped_column(ForeignKey("list_validations.id"), index=True)
    list_entry_id: Mapped[int] = mapped_column(ForeignKey("list_entries.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    score: Mapped[float] = mapped_column(Float)
    runner_up_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    runner_up_score: Mapped[float | None] = mapped_column(Float)
    category_code: Mapped[str | None] = mapped_column(String(50))
    reasons: Mapped[list[str]] = mapped_column(JsonType)


class FindingRow(Base):
    """A validation finding about one entry, with the evidence behind it."""

    __tablename__ = "list_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    validation_id: Mapped[int] = mapped_column(ForeignKey("list_validations.id"), index=True)
    list_entry_id: Mapped[int] = mapped_column(ForeignKey("list_entries.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JsonType)


class FindingDecision(Base):
    """A human's accept / reject / correct of a finding. Never updated: the latest counts."""

    __tablename__ = "finding_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("list_findings.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    corrected_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    corrected_category: Mapped[str | None] = mapped_column(String(50))
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StageMember(Base):
    """A person added to or removed from a stage's side. Rows, never updates."""

    __tablename__ = "stage_members"
    # A person's own rows of a stage, the way a handover reads them (migration 0014).
    __table_args__ = (Index("ix_stage_members_stage_id_person_id", "stage_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("exchange_stages.id"), index=True)
    party: Mapped[str] = mapped_column(ForeignKey("parties.code"))  # the side handing over
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    list_entry_id: Mapped[int | None] = mapped_column(ForeignKey("list_entries.id"))
    category_code: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(8))  # add / remove
    origin: Mapped[str] = mapped_column(String(16))  # plan / negotiator
    reason: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str | None] = mapped_column(Text)  # set when parity was overridden
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Handover(Base):
    """What happened to one listed person at the crossing. A correction is a new row."""

    __tablename__ = "handovers"
    # A person's latest row in a stage, read by every recording off the index's end (`max(id)`:
    # migrations 0014 and 0016).
    __table_args__ = (Index("ix_handovers_stage_id_person_id_id", "stage_id", "person_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("exchange_stages.id"), index=True)
    party: Mapped[str] = mapped_column(ForeignKey("parties.code"))  # the side handing over
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    category_code: Mapped[str] = mapped_column(String(50))
    # delivered / not_delivered / substituted / declined / deceased
    outcome: Mapped[str] = mapped_column(String(16))
    substitute_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    substitute_name: Mapped[str] = mapped_column(String(400), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))  # landed evidence
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("handovers.id"))
    # Set when a merged field desk's entry wrote this row (its operator and time are kept).
    field_entry_id: Mapped[int | None] = mapped_column(ForeignKey("field_entries.id"))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeclaredCount(Base):
    """A party's own count of what one side handed over in a stage, kept beside ours."""

    __tablename__ = "declared_counts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("exchange_stages.id"), index=True)
    declared_by: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    handing_party: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    category_code: Mapped[str] = mapped_column(String(50))
    count: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
