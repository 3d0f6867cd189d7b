"""families' channels and the tracing officer's day: push subscriptions, nudges (Web Push,
SMS), case files, hand-overs between offices, the contact log

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("p256dh", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=100), nullable=False),
        _when("created_at"),
        _when("removed_at", nullable=True),
        sa.Column("removed_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_push_subscriptions_inquiry_id_inquiries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscriptions")),
    )
    op.create_index(op.f("ix_push_subscriptions_inquiry_id"), "push_subscriptions", ["inquiry_id"])
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        _when("created_at"),
        _when("sent_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_nudges_notification_id_notifications"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["push_subscriptions.id"],
            name=op.f("fk_nudges_subscription_id_push_subscriptions"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_nudges_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudges")),
    )
    op.create_index(op.f("ix_nudges_notification_id"), "nudges", ["notification_id"])
    op.create_index(op.f("ix_nudges_state"), "nudges", ["state"])
    op.create_table(
        "case_files",
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(length=100), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("follow_up_note", sa.Text(), nullable=False),
        _when("updated_at"),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"], ["inquiries.id"], name=op.f("fk_case_files_inquiry_id_inquiries")
        ),
        sa.PrimaryKeyConstraint("inquiry_id", name=op.f("pk_case_files")),
    )
    op.create_index(op.f("ix_case_files_follow_up_on"), "case_files", ["follow_up_on"])
    op.create_table(
        "case_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("from_office", sa.String(length=100), nullable=False),
        sa.Column("to_office", sa.String(length=100), nullable=False),
        sa.Column("from_owner", sa.String(length=100), nullable=False),
        sa.Column("to_owner", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _when("transferred_at"),
        sa.Column("transferred_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"], ["inquiries.id"], name=op.f("fk_case_transfers_inquiry_id_inquiries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_transfers")),
    )
    op.create_index(op.f("ix_case_transfers_inquiry_id"), "case_transfers", ["inquiry_id"])
    op.create_table(
        "case_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        _when("happened_at"),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("no_news", sa.Boolean(), nullable=False),
        _when("recorded_at"),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"], ["inquiries.id"], name=op.f("fk_case_contacts_inquiry_id_inquiries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_contacts")),
    )
    op.create_index(op.f("ix_case_contacts_inquiry_id"), "case_contacts", ["inquiry_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_contacts_inquiry_id"), table_name="case_contacts")
    op.drop_table("case_contacts")
    op.drop_index(op.f("ix_case_transfers_inquiry_id"), table_name="case_transfers")
    op.drop_table("case_transfers")
    op.drop_index(op.f("ix_case_files_follow_up_on"), table_name="case_files")
    op.drop_table("case_files")
    op.drop_index(op.f("ix_nudges_state"), table_name="nudges")
    op.drop_index(op.f("ix_nudges_notification_id"), table_name="nudges")
    op.drop_table("nudges")
    op.drop_index(op.f("ix_push_subscriptions_inquiry_id"), table_name="push_subscriptions")
    op.drop_table("push_subscriptions")
