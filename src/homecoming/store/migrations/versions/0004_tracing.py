"""tracing: inquiries, testimonies, leads, notifications

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
NOW = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    other = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{other}"))


def _index(table: str, *columns: str, unique: bool = False) -> None:
    name = f"ix_{table}_{'_'.join(columns)}"
    op.create_index(op.f(name), table, list(columns), unique=unique)


def upgrade() -> None:
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("party_code", sa.String(length=8), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("sharing_scope", sa.String(length=16), nullable=False),
        sa.Column("harm_risk", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("call_sign", sa.String(length=100), nullable=False),
        sa.Column("circumstances", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _fk("inquiries", "record_id", "records.id"),
        _fk("inquiries", "party_code", "parties.code"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiries")),
        sa.UniqueConstraint("reference", name=op.f("uq_inquiries_reference")),
    )
    _index("inquiries", "record_id")
    _index("inquiries", "open")

    op.create_table(
        "inquiry_keys",
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("born", sa.Integer(), nullable=True),
        _fk("inquiry_keys", "inquiry_id", "inquiries.id"),
        sa.PrimaryKeyConstraint("inquiry_id", "key", name=op.f("pk_inquiry_keys")),
    )
    op.create_index("ix_inquiry_keys_key", "inquiry_keys", ["key"])

    op.create_table(
        "inquiry_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("caption", sa.String(length=300), nullable=False),
        sa.Column("added_at", NOW, nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        _fk("inquiry_photos", "inquiry_id", "inquiries.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_photos")),
    )
    _index("inquiry_photos", "inquiry_id")

    op.create_table(
        "testimonies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("witness", sa.String(length=300), nullable=False),
        sa.Column("witness_person_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", NOW, nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _fk("testimonies", "source_id", "sources.id"),
        _fk("testimonies", "witness_person_id", "persons.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_testimonies")),
    )
    _index("testimonies", "source_id")

    op.create_table(
        "sightings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("testimony_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("as_heard", sa.String(length=500), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("given_names", sa.String(length=200), nullable=False),
        sa.Column("nickname", sa.String(length=100), nullable=False),
        sa.Column("call_sign", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("facility", sa.String(length=300), nullable=False),
        sa.Column("seen_when", sa.String(length=10), nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        _fk("sightings", "testimony_id", "testimonies.id"),
        _fk("sightings", "record_id", "records.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sightings")),
        sa.UniqueConstraint("record_id", name=op.f("uq_sightings_record_id")),
    )
    _index("sightings", "testimony_id")

    op.create_table(
        "debrief_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("testimony_id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("facility", sa.String(length=300), nullable=False),
        sa.Column("seen_when", sa.String(length=10), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_at", NOW, nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _fk("debrief_answers", "testimony_id", "testimonies.id"),
        _fk("debrief_answers", "photo_id", "inquiry_photos.id"),
        _fk("debrief_answers", "inquiry_id", "inquiries.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debrief_answers")),
    )
    for column in ("testimony_id", "photo_id", "inquiry_id"):
        _index("debrief_answers", column)

    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("sighting_id", sa.Integer(), nullable=True),
        sa.Column("debrief_answer_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("name_score", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("explanation", JSON, nullable=False),
        sa.Column("fate", sa.String(length=16), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _fk("leads", "inquiry_id", "inquiries.id"),
        _fk("leads", "record_id", "records.id"),
        _fk("leads", "sighting_id", "sightings.id"),
        _fk("leads", "debrief_answer_id", "debrief_answers.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    _index("leads", "inquiry_id")
    _index("leads", "record_id")
    _index("leads", "state")
    op.create_index("ix_leads_inquiry_id_person_id", "leads", ["inquiry_id", "person_id"])

    op.create_table(
        "lead_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", NOW, nullable=False),
        _fk("lead_decisions", "lead_id", "leads.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_decisions")),
    )
    _index("lead_decisions", "lead_id")

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("template", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("prepared_by", sa.String(length=100), nullable=False),
        sa.Column("prepared_at", NOW, nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("approved_at", NOW, nullable=True),
        sa.Column("cancelled_by", sa.String(length=100), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        _fk("notifications", "inquiry_id", "inquiries.id"),
        _fk("notifications", "lead_id", "leads.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        # The second person: whoever approves is not whoever prepared.
        sa.CheckConstraint(
            "approved_by = '' OR approved_by <> prepared_by",
            name=op.f("ck_notifications_second_person"),
        ),
    )
    _index("notifications", "inquiry_id")
    _index("notifications", "state")

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("sent_at", NOW, nullable=True),
        _fk("outbox", "notification_id", "notifications.id"),
        _fk("outbox", "contact_id", "contacts.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("notification_id", name=op.f("uq_outbox_notification_id")),
    )
    _index("outbox", "state")


def downgrade() -> None:
    for table in (
        "outbox",
        "notifications",
        "lead_decisions",
        "leads",
        "debrief_answers",
        "sightings",
        "testimonies",
        "inquiry_photos",
        "inquiry_keys",
        "inquiries",
    ):
        op.drop_table(table)
