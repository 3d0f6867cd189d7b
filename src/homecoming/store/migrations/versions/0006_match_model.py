"""match model: review pairs keep each record's family-name frequency, not a rare/common flag

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review_pairs") as batch:
        batch.add_column(sa.Column("family_tf_a", sa.Float(), nullable=True))
        batch.add_column(sa.Column("family_tf_b", sa.Float(), nullable=True))
        batch.drop_column("family_rare_a")
        batch.drop_column("family_rare_b")


def downgrade() -> None:
    with op.batch_alter_table("review_pairs") as batch:
        batch.add_column(
            sa.Column("family_rare_a", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("family_rare_b", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.drop_column("family_tf_a")
        batch.drop_column("family_tf_b")
