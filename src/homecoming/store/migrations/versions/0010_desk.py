"""field desk: the laptop's opened stage pack and notes; at the centre merged field entries,
the conflicts a person decides, and which handover a field entry wrote

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "desk_packs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("desk_id", sa.String(64), nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("pack_sha256", sa.String(64), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("stage_number", sa.Integer(), nullable=False),
        sa.Column("signed_by", sa.String(200), nullable=False),
        sa.Column("meta", JSON, nullable=False),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("opened_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("desk_id", name=op.f("uq_desk_packs_desk_id")),
    )
    op.create_table(
        "desk_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("party", sa.String(8), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
    )
    op.create_table(
        "field_conflicts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stage_id", sa.Integer(), sa.ForeignKey("exchange_stages.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("opened_by", sa.String(100), nullable=False),
        sa.Column("resolved_at", WHEN, nullable=True),
        sa.Column("resolved_by", sa.String(100), nullable=True),
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index(op.f("ix_field_conflicts_stage_id"), "field_conflicts", ["stage_id"])
    op.create_table(
        "field_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("desk_id", sa.String(64), nullable=False),
        sa.Column("entry_key", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("desk_name", sa.String(200), nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("stage_id", sa.Integer(), sa.ForeignKey("exchange_stages.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("party", sa.String(8), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("substitute", JSON, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(100), nullable=False),
        sa.Column("field_at", WHEN, nullable=False),
        sa.Column("log_sha256", sa.String(64), nullable=False),
        sa.Column("merged_at", WHEN, nullable=False),
        sa.Column("merged_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("desk_id", "entry_key", name=op.f("uq_field_entries_desk_id")),
    )
    op.create_index(op.f("ix_field_entries_stage_id"), "field_entries", ["stage_id"])
    op.create_index(op.f("ix_field_entries_person_id"), "field_entries", ["person_id"])
    with op.batch_alter_table("handovers") as batch:
        batch.add_column(sa.Column("field_entry_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_handovers_field_entry_id_field_entries"),
            "field_entries",
            ["field_entry_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("handovers") as batch:
        batch.drop_constraint(op.f("fk_handovers_field_entry_id_field_entries"), type_="foreignkey")
        batch.drop_column("field_entry_id")
    op.drop_table("field_entries")
    op.drop_table("field_conflicts")
    op.drop_table("desk_notes")
    op.drop_table("desk_packs")
