"""remains: handovers of bodies by count, cases, identification steps, DNA references, belongings

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "remains_handovers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agreement_id", sa.Integer(), sa.ForeignKey("agreements.id"), nullable=True),
        sa.Column("category_code", sa.String(50), nullable=False),
        sa.Column("stage_number", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("from_party", sa.String(8), sa.ForeignKey("parties.code"), nullable=False),
        sa.Column("to_party", sa.String(8), sa.ForeignKey("parties.code"), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("declared", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", _WHEN, nullable=False),
    )
    op.create_index("ix_remains_handovers_agreement_id", "remains_handovers", ["agreement_id"])
    op.create_table(
        "remains_cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False, unique=True),
        sa.Column(
            "handover_id", sa.Integer(), sa.ForeignKey("remains_handovers.id"), nullable=False
        ),
        sa.Column("bag_label", sa.String(100), nullable=False),
        sa.Column("persons_count", sa.Integer(), nullable=False),
        sa.Column("same_as_id", sa.Integer(), sa.ForeignKey("remains_cases.id"), nullable=True),
        sa.Column("other_side", sa.Boolean(), nullable=False),
        sa.Column(
            "returned_in_id", sa.Integer(), sa.ForeignKey("remains_handovers.id"), nullable=True
        ),
        sa.Column("tag_text", sa.String(400), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_index("ix_remains_cases_handover_id", "remains_cases", ["handover_id"])
    op.create_table(
        "remains_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("remains_cases.id"), nullable=False),
        sa.Column("step", sa.String(24), nullable=False),
        sa.Column("individual", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), sa.ForeignKey("inquiries.id"), nullable=True),
        sa.Column("method", sa.String(24), nullable=False),
        sa.Column("institution", sa.String(200), nullable=False),
        sa.Column("lab_reference", sa.String(100), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", _WHEN, nullable=False),
        sa.Column("confirmed_by", sa.String(100), nullable=True),
        sa.Column("confirmed_at", _WHEN, nullable=True),
        sa.Column("lead_id", sa.Integer(), sa.ForeignKey("leads.id"), nullable=True),
    )
    op.create_index("ix_remains_steps_case_id", "remains_steps", ["case_id"])
    op.create_index("ix_remains_steps_inquiry_id", "remains_steps", ["inquiry_id"])
    op.create_table(
        "dna_references",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("inquiry_id", sa.Integer(), sa.ForeignKey("inquiries.id"), nullable=False),
        sa.Column("relation", sa.String(24), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("institution", sa.String(200), nullable=False),
        sa.Column("institution_reference", sa.String(100), nullable=False),
        sa.Column("investigator_order", sa.String(200), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", _WHEN, nullable=False),
    )
    op.create_index("ix_dna_references_inquiry_id", "dna_references", ["inquiry_id"])
    op.create_table(
        "belonging_photos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("remains_cases.id"), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("description", sa.String(400), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", _WHEN, nullable=False),
    )
    op.create_index("ix_belonging_photos_case_id", "belonging_photos", ["case_id"])


def downgrade() -> None:
    for table in (
        "belonging_photos",
        "dna_references",
        "remains_steps",
        "remains_cases",
        "remains_handovers",
    ):
        op.drop_table(table)
