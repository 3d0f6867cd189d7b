"""privacy: erasure (a tombstone the triggers let through once), audit hashed over payload
digests, and the disclosure log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:00:00

- `records.redacted_at`: the one update the immutability triggers let through sets it (from
  empty) and blanks the record's personal fields; id, source and line stay. Every other update
  of evidence, and every DELETE, is still refused.
- `audit_log.payload_digest`: the chain's hash covers the SHA-256 of each entry's details
  instead of the details, so an erasure may redact a payload and the chain still verifies.
  The existing chain is verified under the old rule, then re-hashed under the new one.
- `disclosures`: every export or transfer of personal data: what, to whom, on which legal
  basis, who, when.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")

# Every column of records but person_id (the linkage's) and redacted_at (the erasure's).
_EVIDENCE_COLUMNS = [
    "id",
    "source_id",
    "line_number",
    "external_id",
    "raw",
    "created_at",
    "family_name",
    "given_names",
    "patronymic",
    "full_name",
    "mother_maiden_name",
    "sex",
    "dob_year",
    "dob_month",
    "dob_day",
    "place_of_birth",
    "nationality",
    "last_residence",
    "rank",
    "service_number",
    "unit",
    "category",
    "event_year",
    "event_month",
    "event_day",
    "event_place",
    "place_of_detention",
    "health",
    "seriously_wounded",
    "distinguishing_marks",
    "fate",
    "fate_year",
    "fate_month",
    "fate_day",
    "photo_ref",
    "notes",
]
_IDENTITY = ("id", "source_id", "line_number", "created_at")

_SQLITE_TRIGGERS = (
    # Outside an erasure (redacted_at set from empty), no evidence column may change,
    # and redacted_at never changes again.
    "CREATE TRIGGER records_immutable BEFORE UPDATE ON records WHEN "
    "NOT (OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL) AND ("
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in [*_EVIDENCE_COLUMNS, "redacted_at"])
    + ") BEGIN SELECT RAISE(ABORT, "
    "'records are immutable evidence: import a correction instead'); END",
    # An erasure keeps what the record is (its id, source and line) and blanks the rest.
    "CREATE TRIGGER records_erasure_keeps_identity BEFORE UPDATE ON records WHEN "
    "OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL AND ("
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _IDENTITY)
    + " OR NEW.family_name <> '' OR NEW.given_names <> '' OR NEW.service_number <> ''"
    ") BEGIN SELECT RAISE(ABORT, "
    "'an erasure keeps the record id, source and line and blanks its personal fields'); END",
)

_POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION records_immutable() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'records are immutable evidence and cannot be deleted';
      END IF;
      IF OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL THEN
        IF NEW.id IS DISTINCT FROM OLD.id OR NEW.source_id IS DISTINCT FROM OLD.source_id
           OR NEW.line_number IS DISTINCT FROM OLD.line_number
           OR NEW.created_at IS DISTINCT FROM OLD.created_at
           OR NEW.family_name <> '' OR NEW.given_names <> '' OR NEW.service_number <> '' THEN
          RAISE EXCEPTION
            'an erasure keeps the record id, source and line and blanks its personal fields';
        END IF;
        RETURN NEW;
      END IF;
      IF (to_jsonb(NEW) - 'person_id') IS DISTINCT FROM (to_jsonb(OLD) - 'person_id') THEN
        RAISE EXCEPTION 'records are immutable evidence: import a correction instead';
      END IF;
      RETURN NEW;
    END $$"""

_POSTGRES_FUNCTION_0001 = """CREATE OR REPLACE FUNCTION records_immutable() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'records are immutable evidence and cannot be deleted';
      END IF;
      IF (to_jsonb(NEW) - 'person_id') IS DISTINCT FROM (to_jsonb(OLD) - 'person_id') THEN
        RAISE EXCEPTION 'records are immutable evidence: import a correction instead';
      END IF;
      RETURN NEW;
    END $$"""

_SQLITE_TRIGGER_0001 = (
    "CREATE TRIGGER records_immutable BEFORE UPDATE ON records WHEN "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _EVIDENCE_COLUMNS)
    + " BEGIN SELECT RAISE(ABORT, "
    "'records are immutable evidence: import a correction instead'); END"
)


def upgrade() -> None:
    op.add_column("records", sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_FUNCTION)
    else:
        op.execute("DROP TRIGGER IF EXISTS records_immutable")
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)
    op.add_column("audit_log", sa.Column("payload_digest", sa.String(64), nullable=True))
    _rehash(new=True)
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("what", sa.String(300), nullable=False),
        sa.Column("recipient", sa.String(300), nullable=False),
        sa.Column("legal_basis", sa.String(300), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("details", _JSON, nullable=False),
        sa.Column("audit_entry_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    op.create_index(op.f("ix_disclosures_at"), "disclosures", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_disclosures_at"), table_name="disclosures")
    op.drop_table("disclosures")
    _rehash(new=False)
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("payload_digest")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_FUNCTION_0001)
        op.execute("ALTER TABLE records DROP COLUMN redacted_at")
    else:
        op.execute("DROP TRIGGER IF EXISTS records_immutable")
        op.execute("DROP TRIGGER IF EXISTS records_erasure_keeps_identity")
        op.execute("ALTER TABLE records DROP COLUMN redacted_at")
        op.execute(_SQLITE_TRIGGER_0001)


# --- the chain, re-hashed (a copy of the rules, so this migration never changes) -------------

_AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("subject", sa.String()),
    sa.column("details", _JSON),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
    sa.column("payload_digest", sa.String()),
)
_HEAD = sa.table(
    "audit_head",
    sa.column("id", sa.Integer()),
    sa.column("last_id", sa.Integer()),
    sa.column("last_hash", sa.String()),
)


def _canonical(value: Any) -> bytes:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.encode("utf-8")


def _at(value: dt.datetime) -> str:
    at = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _old_hash(row: Any, prev: str) -> str:
    fields = [row.id, _at(row.at), row.actor, row.action, row.subject, row.details, prev]
    return hashlib.sha256(_canonical(fields)).hexdigest()


def _new_hash(row: Any, digest: str, prev: str) -> str:
    fields = [row.id, _at(row.at), row.actor, row.action, row.subject, digest, prev]
    return hashlib.sha256(_canonical(fields)).hexdigest()


def _rehash(*, new: bool) -> None:
    """Check the chain under the rule in force, then hash it again under the other one."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(_AUDIT).order_by(_AUDIT.c.id)).all()
    prev_stored, prev_new = GENESIS, GENESIS
    for row in rows:
        digest = row.payload_digest or hashlib.sha256(_canonical(row.details)).hexdigest()
        expected = _old_hash(row, prev_stored) if new else _new_hash(row, digest, prev_stored)
        if row.prev_hash != prev_stored or row.hash != expected:
            raise RuntimeError(
                f"audit entry {row.id} does not verify: run `homecoming audit verify` with the"
                " release before this one and resolve it before migrating"
            )
        rehashed = _new_hash(row, digest, prev_new) if new else _old_hash(row, prev_new)
        bind.execute(
            _AUDIT.update()
            .where(_AUDIT.c.id == row.id)
            .values(prev_hash=prev_new, hash=rehashed, payload_digest=digest if new else None)
        )
        prev_stored, prev_new = row.hash, rehashed
    if not rows:
        return
    bind.execute(_HEAD.update().where(_HEAD.c.id == 1).values(last_hash=prev_new))
    if new:
        _note_rehash(rows[-1].id, old_head=prev_stored, new_head=prev_new)


def _note_rehash(last_id: int, *, old_head: str, new_head: str) -> None:
    """One entry that ties the head hash kept elsewhere (under the old rule) to the new chain."""
    details = {
        "previous_head": {"id": last_id, "hash": old_head},
        "rehashed_head": {"id": last_id, "hash": new_head},
        "rule": "each entry's hash covers the SHA-256 of its details",
    }
    at = dt.datetime.now(dt.UTC)
    digest = hashlib.sha256(_canonical(details)).hexdigest()
    row = type("Entry", (), {})()
    row.id, row.at, row.actor, row.action, row.subject = (
        last_id + 1, at, "migration 0008", "audit.rehashed", "audit_log",
    )  # fmt: skip
    hashed = _new_hash(row, digest, new_head)
    op.get_bind().execute(
        _AUDIT.insert().values(
            id=last_id + 1,
            at=at,
            actor=row.actor,
            action=row.action,
            subject=row.subject,
            details=details,
            prev_hash=new_head,
            hash=hashed,
            payload_digest=digest,
        )
    )
    op.get_bind().execute(
        _HEAD.update().where(_HEAD.c.id == 1).values(last_id=last_id + 1, last_hash=hashed)
    )
