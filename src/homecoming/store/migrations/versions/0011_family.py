"""family channel: the access codes families open their case page with (hashes only)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 07:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "family_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_family_access_inquiry_id_inquiries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_access")),
    )
    op.create_index(
        op.f("ix_family_access_inquiry_id"), "family_access", ["inquiry_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_family_access_inquiry_id"), table_name="family_access")
    op.drop_table("family_access")
