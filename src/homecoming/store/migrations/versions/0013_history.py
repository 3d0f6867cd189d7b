"""negotiation history: reply lists and their answers, crossing events, the seriously
wounded's referrals, examinations, consents and repatriations

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:40:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    other = target.partition(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{other}"))


def _table(name: str, columns: list[sa.Column[Any]], fks: dict[str, str], **extra: object) -> None:
    op.create_table(
        name,
        _id(),
        *columns,
        *(_fk(name, column, target) for column, target in fks.items()),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        *extra.get("constraints", []),  # type: ignore[misc]
    )


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _by(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=100), nullable=False)


INDEXES = {
    "reply_lists": ["agreement_id", "list_version_id"],
    "reply_answers": ["reply_list_id", "list_entry_id"],
    "crossing_events": ["stage_id", "person_id"],
    "medical_referrals": ["person_id"],
    "medical_examinations": ["person_id"],
    "repatriation_consents": ["person_id"],
    "medical_repatriations": ["person_id"],
}


def upgrade() -> None:
    _table(
        "reply_lists",
        [
            sa.Column("agreement_id", sa.Integer(), nullable=False),
            sa.Column("list_version_id", sa.Integer(), nullable=False),
            sa.Column("party", sa.String(length=8), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.Column("file_name", sa.String(length=500), nullable=False),
            _when("received_at"),
            sa.Column("received_from", sa.String(length=300), nullable=False),
            sa.Column("answers", sa.Integer(), nullable=False),
            _when("created_at"),
            _by("created_by"),
        ],
        {
            "agreement_id": "agreements.id",
            "list_version_id": "list_versions.id",
            "party": "parties.code",
        },
        constraints=[
            sa.UniqueConstraint(
                "list_version_id",
                "content_hash",
                name=op.f("uq_reply_lists_list_version_id"),
            )
        ],
    )
    _table(
        "reply_answers",
        [
            sa.Column("reply_list_id", sa.Integer(), nullable=False),
            sa.Column("line", sa.Integer(), nullable=False),
            sa.Column("list_entry_id", sa.Integer(), nullable=False),
            sa.Column("answer", sa.String(length=24), nullable=False),
            sa.Column("reason", sa.Text(), nullable=False),
        ],
        {"reply_list_id": "reply_lists.id", "list_entry_id": "list_entries.id"},
    )
    _table(
        "crossing_events",
        [
            sa.Column("stage_id", sa.Integer(), nullable=False),
            sa.Column("party", sa.String(length=8), nullable=False),
            sa.Column("kind", sa.String(length=24), nullable=False),
            sa.Column("person_id", sa.Integer(), nullable=True),
            sa.Column("record_id", sa.Integer(), nullable=True),
            sa.Column("handover_id", sa.Integer(), nullable=True),
            sa.Column("checked_by", sa.String(length=200), nullable=False),
            sa.Column("check_methods", JSON, nullable=False),
            sa.Column("details", JSON, nullable=False),
            sa.Column("reason", sa.Text(), nullable=False),
            _by("recorded_by"),
            _when("recorded_at"),
        ],
        {
            "stage_id": "exchange_stages.id",
            "party": "parties.code",
            "person_id": "persons.id",
            "record_id": "records.id",
            "handover_id": "handovers.id",
        },
    )
    _table(
        "medical_referrals",
        [
            sa.Column("person_id", sa.Integer(), nullable=False),
            sa.Column("referred_by", sa.String(length=24), nullable=False),
            sa.Column("referrer", sa.String(length=200), nullable=False),
            sa.Column("referred_on", sa.Date(), nullable=False),
            sa.Column("examine_by", sa.Date(), nullable=True),
            sa.Column("notes", sa.Text(), nullable=False),
            _by("recorded_by"),
            _when("recorded_at"),
        ],
        {"person_id": "persons.id"},
    )
    _table(
        "medical_examinations",
        [
            sa.Column("person_id", sa.Integer(), nullable=False),
            sa.Column("referral_id", sa.Integer(), nullable=True),
            sa.Column("body", sa.String(length=32), nullable=False),
            sa.Column("examined_on", sa.Date(), nullable=False),
            sa.Column("decision", sa.String(length=24), nullable=False),
            sa.Column("repatriate_by", sa.Date(), nullable=True),
            sa.Column("notes", sa.Text(), nullable=False),
            _by("recorded_by"),
            _when("recorded_at"),
        ],
        {"person_id": "persons.id", "referral_id": "medical_referrals.id"},
    )
    _table(
        "repatriation_consents",
        [
            sa.Column("person_id", sa.Integer(), nullable=False),
            sa.Column("consent", sa.String(length=8), nullable=False),
            sa.Column("given_on", sa.Date(), nullable=False),
            sa.Column("witnessed_by", sa.String(length=200), nullable=False),
            sa.Column("notes", sa.Text(), nullable=False),
            _by("recorded_by"),
            _when("recorded_at"),
        ],
        {"person_id": "persons.id"},
    )
    _table(
        "medical_repatriations",
        [
            sa.Column("person_id", sa.Integer(), nullable=False),
            sa.Column("examination_id", sa.Integer(), nullable=False),
            sa.Column("consent_id", sa.Integer(), nullable=False),
            sa.Column("repatriated_on", sa.Date(), nullable=False),
            sa.Column("place", sa.String(length=200), nullable=False),
            sa.Column("record_id", sa.Integer(), nullable=False),
            _by("recorded_by"),
            _when("recorded_at"),
        ],
        {
            "person_id": "persons.id",
            "examination_id": "medical_examinations.id",
            "consent_id": "repatriation_consents.id",
            "record_id": "records.id",
        },
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    for table, columns in INDEXES.items():
        for column in columns:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    for table in reversed(list(INDEXES)):
        op.drop_table(table)
