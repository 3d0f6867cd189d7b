"""The registry's tables. One schema for SQLite and PostgreSQL; Alembic migrates it."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Party(Base):
    """A party to the conflict (and to exchanges), e.g. UA or RU."""

    __tablename__ = "parties"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Source(Base):
    """Where a batch of evidence came from: a list, a visit report, an inquiry, a feed."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    party_code: Mapped[str | None] = mapped_column(ForeignKey("parties.code"), nullable=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    received_from: Mapped[str] = mapped_column(String(300), default="")
    file_name: Mapped[str] = mapped_column(String(500), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))

    records: Mapped[list[Record]] = relationship(back_populates="source")


class Person(Base):
    """A cluster of records that linkage or a human says are one human being."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    records: Mapped[list[Record]] = relationship(back_populates="person")


class Record(Base):
    """One immutable row of evidence. Only `person_id` (the linkage's assignment) ever changes."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("source_id", "line_number"),
        Index("ix_records_family_name_given_names", "family_name", "given_names"),
        # A person's records, and the first of them off the index's start (migration 0016).
        Index("ix_records_person_id_id", "person_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    # Indexed: a PFIF import looks up the records it may already hold by their record ids.
    external_id: Mapped[str] = mapped_column(String(200), default="", index=True)
    raw: Mapped[dict[str, Any]] = mapped_column(JsonType)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    family_name: Mapped[str] = mapped_column(String(200), default="")
    given_names: Mapped[str] = mapped_column(String(200), default="")
    patronymic: Mapped[str] = mapped_column(String(200), default="")
    full_name: Mapped[str] = mapped_column(String(400), default="")
    mother_maiden_name: Mapped[str] = mapped_column(String(200), default="")
    sex: Mapped[str | None] = mapped_column(String(8))
    dob_year: Mapped[int | None] = mapped_column(Integer)
    dob_month: Mapped[int | None] = mapped_column(Integer)
    dob_day: Mapped[int | None] = mapped_column(Integer)
    place_of_birth: Mapped[str] = mapped_column(String(300), default="")
    nationality: Mapped[str] = mapped_column(String(100), default="")
    last_residence: Mapped[str] = mapped_column(String(300), default="")
    rank: Mapped[str] = mapped_column(String(100), default="")
    service_number: Mapped[str] = mapped_column(String(100), default="", index=True)
    unit: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str | None] = mapped_column(String(16))
    event_year: Mapped[int | None] = mapped_column(Integer)
    event_month: Mapped[int | None] = mapped_column(Integer)
    event_day: Mapped[int | None] = mapped_column(Integer)
    event_place: Mapped[str] = mapped_column(String(300), default="")
    place_of_detention: Mapped[str] = mapped_column(String(300), default="")
    health: Mapped[str] = mapped_column(Text, default="")
    seriously_wounded: Mapped[bool] = mapped_column(Boolean, default=False)
    distinguishing_marks: Mapped[str] = mapped_column(Text, default="")
    fate: Mapped[str | None] = mapped_column(String(16))
    fate_year: Mapped[int | None] = mapped_column(Integer)
    fate_month: Mapped[int | None] = mapped_column(Integer)
    fate_day: Mapped[int | None] = mapped_column(Integer)
    photo_ref: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Set once, by an erasure, which blanks the personal fields (the only update allowed).
    redacted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    source: Mapped[Source] = relationship(back_populates="records")
    person: Mapped[Person | None] = relationship(back_populates="records")


class Contact(Base):
    """Contact details of a next of kin or inquirer. Read only by privileged roles."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    relation: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(Text, default="")


class Judgement(Base):
    """A human decision about two records. Never updated: undo is a new row."""

    __tablename__ = "judgements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_a_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    record_b_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # same / not_same / unsure / undo
    reason: Mapped[str] = mapped_column(Text, default="")
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("judgements.id"))
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """One link of the tamper-evident audit chain; ids are contiguous from 1."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100), index=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JsonType)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the details: what the hash covers, so an erasure may redact the details.
    payload_digest: Mapped[str | None] = mapped_column(String(64))


class Disclosure(Base):
    """Personal data that left the system: what, to whom, on which legal basis, who, when."""

    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))  # export, backup, inquiries, stage_list...
    what: Mapped[str] = mapped_column(String(300))
    recipient: Mapped[str] = mapped_column(String(300))
    legal_basis: Mapped[str] = mapped_column(String(300))
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    items: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict[str, Any]] = mapped_column(JsonType)
    audit_entry_id: Mapped[int | None] = mapped_column(Integer)


class AuditHead(Base):
    """The chain's head, locked by every append so appends are serial and a cut tail shows."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    # The last entry that may end or alter an authentication (services/audit.py,
    # `concerns_authentication`): the principal cache's mark, 0 and "" before the first.
    auth_id: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    auth_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


class LandedOutbox(Base):
    """Records landed whose subscribers (tracing) have not heard of them yet.

    Written in the transaction that lands the records, so a crash after its commit loses
    nothing; a drainer (`store/db.py`) claims a row (`claimed_by`), tells the subscribers and
    deletes it. A claim older than the database handle's `claim_expires` is taken over.
    """

    __tablename__ = "landed_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(100))
    record_ids: Mapped[list[int]] = mapped_column(JsonType)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64), index=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class User(Base):
    """Someone who logs in (or a machine that sends a token), with one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(32))
    party_code: Mapped[str | None] = mapped_column(ForeignKey("parties.code"), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(300))  # Argon2id, never the password
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class ApiToken(Base):
    """A machine's bearer token; only its SHA-256 is kept. Revoked, never deleted."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str] = mapped_column(String(100), default="")

    user: Mapped[User] = relationship()


class UserSession(Base):
    """A browser login; only the SHA-256 of the cookie's secret is kept."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class LinkageRun(Base):
    """One linkage run over the registry: what it changed, and the trained model it used."""

    __tablename__ = "linkage_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    engine: Mapped[str] = mapped_column(String(16))
    threshold: Mapped[float] = mapped_column(Float)
    review_floor: Mapped[float] = mapped_column(Float)
    records: Mapped[int] = mapped_column(Integer, default=0)
    persons: Mapped[int] = mapped_column(Integer, default=0)
    links: Mapped[int] = mapped_column(Integer, default=0)
    moved: Mapped[int] = mapped_column(Integer, default=0)
    review_pairs: Mapped[int] = mapped_column(Integer, default=0)
    model: Mapped[dict[str, Any]] = mapped_column(JsonType)  # Splink's trained settings


class ReviewPair(Base):
    """A candidate pair in the uncertain band of a run, with its explanation.

    Open while its run is the latest and no judgement (not undone) covers its two records.
    """

    __tablename__ = "review_pairs"
    __table_args__ = (Index("ix_review_pairs_records", "record_a_id", "record_b_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("linkage_runs.id"), index=True)
    record_a_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    record_b_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    family_tf_a: Mapped[float | None] = mapped_column(Float)  # term frequencies in the run
    family_tf_b: Mapped[float | None] = mapped_column(Float)
    records_affected: Mapped[int] = mapped_column(Integer)
    priority: Mapped[float] = mapped_column(Float)
    judgement_id: Mapped[int | None] = mapped_column(ForeignKey("judgements.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


# Core tables for bulk inserts: executemany without the ORM's per-row bookkeeping.
PERSONS = cast(Table, Person.__table__)
RECORDS = cast(Table, Record.__table__)
CONTACTS = cast(Table, Contact.__table__)
SOURCES = cast(Table, Source.__table__)
LANDED_OUTBOX = cast(Table, LandedOutbox.__table__)

# Feature tables live beside their features; importing them here puts them on Base.metadata.
from homecoming.store import (  # noqa: E402
    exchange_models,
    family_models,
    field_models,
    negotiation_models,
    remains_models,
    tracing_models,
)

__all__ = [
    "exchange_models",
    "family_models",
    "field_models",
    "negotiation_models",
    "remains_models",
    "tracing_models",
]
