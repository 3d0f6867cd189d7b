"""review: candidate pairs in the uncertain band

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "linkage_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("engine", sa.String(length=16), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("review_floor", sa.Float(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("review_pairs", sa.Integer(), nullable=False),
        sa.Column("model", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_runs")),
    )
    op.create_table(
        "review_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("record_a_id", sa.Integer(), nullable=False),
        sa.Column("record_b_id", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("explanation", JSON, nullable=False),
        sa.Column("family_rare_a", sa.Boolean(), nullable=False),
        sa.Column("family_rare_b", sa.Boolean(), nullable=False),
        sa.Column("records_affected", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("judgement_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["linkage_runs.id"], name=op.f("fk_review_pairs_run_id_linkage_runs")
        ),
        sa.ForeignKeyConstraint(
            ["record_a_id"], ["records.id"], name=op.f("fk_review_pairs_record_a_id_records")
        ),
        sa.ForeignKeyConstraint(
            ["record_b_id"], ["records.id"], name=op.f("fk_review_pairs_record_b_id_records")
        ),
        sa.ForeignKeyConstraint(
            ["judgement_id"],
            ["judgements.id"],
            name=op.f("fk_review_pairs_judgement_id_judgements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_pairs")),
    )
    with op.batch_alter_table("review_pairs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_pairs_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_review_pairs_record_b_id"), ["record_b_id"], unique=False
        )
        batch_op.create_index("ix_review_pairs_records", ["record_a_id", "record_b_id"])


def downgrade() -> None:
    with op.batch_alter_table("review_pairs", schema=None) as batch_op:
        batch_op.drop_index("ix_review_pairs_records")
        batch_op.drop_index(batch_op.f("ix_review_pairs_record_b_id"))
        batch_op.drop_index(batch_op.f("ix_review_pairs_run_id"))
    op.drop_table("review_pairs")
    op.drop_table("linkage_runs")
