"""pfif: index records.external_id (a PFIF import looks up held records by their ids)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_records_external_id", "records", ["external_id"])


def downgrade() -> None:
    op.drop_index("ix_records_external_id", table_name="records")
