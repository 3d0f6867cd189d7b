"""the outbox of landed records (tracing re-matches them after the response, never loses
them), and the indexes a handover reads a person's rows of a stage by

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


# Without them SQLite walks every row of the stage (it picks the stage's index).
PAIRS = {
    "handovers": "ix_handovers_stage_id_person_id",
    "stage_members": "ix_stage_members_stage_id_person_id",
}


def upgrade() -> None:
    for table, name in PAIRS.items():
        op.create_index(name, table, ["stage_id", "person_id"], unique=False)
    op.create_table(
        "landed_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("record_ids", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_landed_outbox")),
    )
    op.create_index(
        op.f("ix_landed_outbox_claimed_by"), "landed_outbox", ["claimed_by"], unique=False
    )


def downgrade() -> None:
    for table, name in PAIRS.items():
        op.drop_index(name, table_name=table)
    op.drop_index(op.f("ix_landed_outbox_claimed_by"), table_name="landed_outbox")
    op.drop_table("landed_outbox")
