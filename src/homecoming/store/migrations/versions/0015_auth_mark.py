"""the audit head remembers the last entry about users, tokens or sessions (the principal
cache checks that one mark instead of reading the entries since the head it last saw)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As services/audit.py's `concerns_authentication`, at the time of this migration.
_CONCERNS = (
    "subject LIKE 'user:%' OR action LIKE 'user.%' OR action LIKE 'token.%' "
    "OR action LIKE 'auth.%' OR action LIKE 'session.%'"
)


def upgrade() -> None:
    with op.batch_alter_table("audit_head") as batch:
        batch.add_column(
            sa.Column("auth_id", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(
            sa.Column("auth_hash", sa.String(length=64), nullable=False, server_default="")
        )
    last = (
        op.get_bind()
        .execute(
            sa.text(f"SELECT id, hash FROM audit_log WHERE {_CONCERNS} ORDER BY id DESC LIMIT 1")
        )
        .first()
    )
    if last is not None:
        op.get_bind().execute(
            sa.text("UPDATE audit_head SET auth_id = :id, auth_hash = :hash"),
            {"id": last[0], "hash": last[1]},
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("auth_hash")
        batch.drop_column("auth_id")
