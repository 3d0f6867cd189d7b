"""registry: sources, records, persons, contacts, judgements, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-24 20:21:38.302028
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)

    op.create_table(
        "parties",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_parties")),
    )
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("party_code", sa.String(length=8), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_from", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_code"], ["parties.code"], name=op.f("fk_sources_party_code_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sources_content_hash"), ["content_hash"], unique=False)

    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("given_names", sa.String(length=200), nullable=False),
        sa.Column("patronymic", sa.String(length=200), nullable=False),
        sa.Column("full_name", sa.String(length=400), nullable=False),
        sa.Column("mother_maiden_name", sa.String(length=200), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=True),
        sa.Column("dob_year", sa.Integer(), nullable=True),
        sa.Column("dob_month", sa.Integer(), nullable=True),
        sa.Column("dob_day", sa.Integer(), nullable=True),
        sa.Column("place_of_birth", sa.String(length=300), nullable=False),
        sa.Column("nationality", sa.String(length=100), nullable=False),
        sa.Column("last_residence", sa.String(length=300), nullable=False),
        sa.Column("rank", sa.String(length=100), nullable=False),
        sa.Column("service_number", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("event_year", sa.Integer(), nullable=True),
        sa.Column("event_month", sa.Integer(), nullable=True),
        sa.Column("event_day", sa.Integer(), nullable=True),
        sa.Column("event_place", sa.String(length=300), nullable=False),
        sa.Column("place_of_detention", sa.String(length=300), nullable=False),
        sa.Column("health", sa.Text(), nullable=False),
        sa.Column("seriously_wounded", sa.Boolean(), nullable=False),
        sa.Column("distinguishing_marks", sa.Text(), nullable=False),
        sa.Column("fate", sa.String(length=16), nullable=True),
        sa.Column("fate_year", sa.Integer(), nullable=True),
        sa.Column("fate_month", sa.Integer(), nullable=True),
        sa.Column("fate_day", sa.Integer(), nullable=True),
        sa.Column("photo_ref", sa.String(length=500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_records_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_records_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
        sa.UniqueConstraint("source_id", "line_number", name=op.f("uq_records_source_id")),
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_records_family_name_given_names", ["family_name", "given_names"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_records_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_records_service_number"), ["service_number"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_records_source_id"), ["source_id"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("relation", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_contacts_record_id_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_record_id"), ["record_id"], unique=False)

    op.create_table(
        "judgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_a_id", sa.Integer(), nullable=False),
        sa.Column("record_b_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("undoes_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_a_id"], ["records.id"], name=op.f("fk_judgements_record_a_id_records")
        ),
        sa.ForeignKeyConstraint(
            ["record_b_id"], ["records.id"], name=op.f("fk_judgements_record_b_id_records")
        ),
        sa.ForeignKeyConstraint(
            ["undoes_id"], ["judgements.id"], name=op.f("fk_judgements_undoes_id_judgements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judgements")),
    )
    with op.batch_alter_table("judgements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_judgements_record_a_id"), ["record_a_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_judgements_record_b_id"), ["record_b_id"], unique=False
        )

    _create_immutability_triggers()


def downgrade() -> None:
    _drop_immutability_triggers()

    with op.batch_alter_table("judgements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_judgements_record_b_id"))
        batch_op.drop_index(batch_op.f("ix_judgements_record_a_id"))

    op.drop_table("judgements")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_record_id"))

    op.drop_table("contacts")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_records_source_id"))
        batch_op.drop_index(batch_op.f("ix_records_service_number"))
        batch_op.drop_index(batch_op.f("ix_records_person_id"))
        batch_op.drop_index("ix_records_family_name_given_names")

    op.drop_table("records")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_content_hash"))

    op.drop_table("sources")
    op.drop_table("persons")
    op.drop_table("parties")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    op.drop_table("audit_head")


# Evidence is never edited: a correction is a new record. Only the linkage's
# person assignment may change. The database itself refuses the rest.
_EVIDENCE_COLUMNS = [
    "id",
    "source_id",
    "line_number",
    "external_id",
    "raw",
    "created_at",
    "family_name",
    "given_names",
    "patronymic",
    "full_name",
    "mother_maiden_name",
    "sex",
    "dob_year",
    "dob_month",
    "dob_day",
    "place_of_birth",
    "nationality",
    "last_residence",
    "rank",
    "service_number",
    "unit",
    "category",
    "event_year",
    "event_month",
    "event_day",
    "event_place",
    "place_of_detention",
    "health",
    "seriously_wounded",
    "distinguishing_marks",
    "fate",
    "fate_year",
    "fate_month",
    "fate_day",
    "photo_ref",
    "notes",
]

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER records_immutable BEFORE UPDATE ON records WHEN "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _EVIDENCE_COLUMNS)
    + " BEGIN SELECT RAISE(ABORT, "
    "'records are immutable evidence: import a correction instead'); END",
    """CREATE TRIGGER records_undeletable BEFORE DELETE ON records
    BEGIN SELECT RAISE(ABORT, 'records are immutable evidence and cannot be deleted'); END""",
)

_POSTGRES_TRIGGERS = (
    """CREATE FUNCTION records_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'records are immutable evidence and cannot be deleted';
      END IF;
      IF (to_jsonb(NEW) - 'person_id') IS DISTINCT FROM (to_jsonb(OLD) - 'person_id') THEN
        RAISE EXCEPTION 'records are immutable evidence: import a correction instead';
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER records_immutable BEFORE UPDATE OR DELETE ON records
    FOR EACH ROW EXECUTE FUNCTION records_immutable()""",
)


def _create_immutability_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def _drop_immutability_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS records_immutable ON records")
        op.execute("DROP FUNCTION IF EXISTS records_immutable()")
    else:
        op.execute("DROP TRIGGER IF EXISTS records_immutable")
        op.execute("DROP TRIGGER IF EXISTS records_undeletable")
