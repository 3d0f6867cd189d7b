"""exchanges: agreements, list versions, findings, stages, handovers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("party_a", sa.String(length=8), nullable=False),
        sa.Column("party_b", sa.String(length=8), nullable=False),
        sa.Column("per_side", sa.Integer(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=True),
        sa.Column("definition", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_a"], ["parties.code"], name=op.f("fk_agreements_party_a_parties")
        ),
        sa.ForeignKeyConstraint(
            ["party_b"], ["parties.code"], name=op.f("fk_agreements_party_b_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint("name", name=op.f("uq_agreements_name")),
    )
    op.create_table(
        "agreement_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("parity", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("seriously_wounded", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_categories_agreement_id_agreements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_categories")),
        sa.UniqueConstraint(
            "agreement_id", "code", name=op.f("uq_agreement_categories_agreement_id")
        ),
    )
    op.create_index(
        op.f("ix_agreement_categories_agreement_id"),
        "agreement_categories",
        ["agreement_id"],
        unique=False,
    )
    op.create_table(
        "exchange_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("counts", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_exchange_stages_agreement_id_agreements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_stages")),
        sa.UniqueConstraint("agreement_id", "number", name=op.f("uq_exchange_stages_agreement_id")),
    )
    op.create_index(
        op.f("ix_exchange_stages_agreement_id"), "exchange_stages", ["agreement_id"], unique=False
    )
    op.create_table(
        "list_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=8), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=50), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_from", sa.String(length=300), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_list_versions_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["party"], ["parties.code"], name=op.f("fk_list_versions_party_parties")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_list_versions_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_versions")),
        sa.UniqueConstraint(
            "agreement_id",
            "party",
            "direction",
            "number",
            name=op.f("uq_list_versions_agreement_id"),
        ),
        sa.UniqueConstraint("source_id", name=op.f("uq_list_versions_source_id")),
    )
    op.create_index(
        op.f("ix_list_versions_agreement_id"), "list_versions", ["agreement_id"], unique=False
    )
    op.create_table(
        "list_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_version_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("entry_key", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_version_id"],
            ["list_versions.id"],
            name=op.f("fk_list_entries_list_version_id_list_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_list_entries_record_id_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_entries")),
    )
    op.create_index(
        op.f("ix_list_entries_list_version_id"), "list_entries", ["list_version_id"], unique=False
    )
    op.create_index(op.f("ix_list_entries_record_id"), "list_entries", ["record_id"], unique=False)
    op.create_table(
        "list_validations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_version_id", sa.Integer(), nullable=False),
        sa.Column("validated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("validated_by", sa.String(length=100), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_version_id"],
            ["list_versions.id"],
            name=op.f("fk_list_validations_list_version_id_list_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_validations")),
    )
    op.create_index(
        op.f("ix_list_validations_list_version_id"),
        "list_validations",
        ["list_version_id"],
        unique=False,
    )
    op.create_table(
        "entry_resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("validation_id", sa.Integer(), nullable=False),
        sa.Column("list_entry_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("runner_up_person_id", sa.Integer(), nullable=True),
        sa.Column("runner_up_score", sa.Float(), nullable=True),
        sa.Column("category_code", sa.String(length=50), nullable=True),
        sa.Column("reasons", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["list_entry_id"],
            ["list_entries.id"],
            name=op.f("fk_entry_resolutions_list_entry_id_list_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_entry_resolutions_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["runner_up_person_id"],
            ["persons.id"],
            name=op.f("fk_entry_resolutions_runner_up_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["validation_id"],
            ["list_validations.id"],
            name=op.f("fk_entry_resolutions_validation_id_list_validations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_resolutions")),
    )
    op.create_index(
        op.f("ix_entry_resolutions_list_entry_id"),
        "entry_resolutions",
        ["list_entry_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_entry_resolutions_validation_id"),
        "entry_resolutions",
        ["validation_id"],
        unique=False,
    )
    op.create_table(
        "list_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("validation_id", sa.Integer(), nullable=False),
        sa.Column("list_entry_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["list_entry_id"],
            ["list_entries.id"],
            name=op.f("fk_list_findings_list_entry_id_list_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_list_findings_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["validation_id"],
            ["list_validations.id"],
            name=op.f("fk_list_findings_validation_id_list_validations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_findings")),
    )
    op.create_index(
        op.f("ix_list_findings_list_entry_id"), "list_findings", ["list_entry_id"], unique=False
    )
    op.create_index(
        op.f("ix_list_findings_validation_id"), "list_findings", ["validation_id"], unique=False
    )
    op.create_table(
        "finding_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("corrected_person_id", sa.Integer(), nullable=True),
        sa.Column("corrected_category", sa.String(length=50), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corrected_person_id"],
            ["persons.id"],
            name=op.f("fk_finding_decisions_corrected_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["list_findings.id"],
            name=op.f("fk_finding_decisions_finding_id_list_findings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_decisions")),
    )
    op.create_index(
        op.f("ix_finding_decisions_finding_id"), "finding_decisions", ["finding_id"], unique=False
    )
    op.create_table(
        "stage_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=8), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("list_entry_id", sa.Integer(), nullable=True),
        sa.Column("category_code", sa.String(length=50), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_entry_id"],
            ["list_entries.id"],
            name=op.f("fk_stage_members_list_entry_id_list_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["party"], ["parties.code"], name=op.f("fk_stage_members_party_parties")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_stage_members_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["exchange_stages.id"],
            name=op.f("fk_stage_members_stage_id_exchange_stages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_members")),
    )
    op.create_index(
        op.f("ix_stage_members_person_id"), "stage_members", ["person_id"], unique=False
    )
    op.create_index(op.f("ix_stage_members_stage_id"), "stage_members", ["stage_id"], unique=False)
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=8), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=50), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("substitute_person_id", sa.Integer(), nullable=True),
        sa.Column("substitute_name", sa.String(length=400), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["handovers.id"], name=op.f("fk_handovers_corrects_id_handovers")
        ),
        sa.ForeignKeyConstraint(
            ["party"], ["parties.code"], name=op.f("fk_handovers_party_parties")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_handovers_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_handovers_record_id_records")
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["exchange_stages.id"], name=op.f("fk_handovers_stage_id_exchange_stages")
        ),
        sa.ForeignKeyConstraint(
            ["substitute_person_id"],
            ["persons.id"],
            name=op.f("fk_handovers_substitute_person_id_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    op.create_index(op.f("ix_handovers_person_id"), "handovers", ["person_id"], unique=False)
    op.create_index(op.f("ix_handovers_stage_id"), "handovers", ["stage_id"], unique=False)
    op.create_table(
        "declared_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("declared_by", sa.String(length=8), nullable=False),
        sa.Column("handing_party", sa.String(length=8), nullable=False),
        sa.Column("category_code", sa.String(length=50), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["declared_by"], ["parties.code"], name=op.f("fk_declared_counts_declared_by_parties")
        ),
        sa.ForeignKeyConstraint(
            ["handing_party"],
            ["parties.code"],
            name=op.f("fk_declared_counts_handing_party_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["exchange_stages.id"],
            name=op.f("fk_declared_counts_stage_id_exchange_stages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declared_counts")),
    )
    op.create_index(
        op.f("ix_declared_counts_stage_id"), "declared_counts", ["stage_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("declared_counts")
    op.drop_table("handovers")
    op.drop_table("stage_members")
    op.drop_table("finding_decisions")
    op.drop_table("list_findings")
    op.drop_table("entry_resolutions")
    op.drop_table("list_validations")
    op.drop_table("list_entries")
    op.drop_table("list_versions")
    op.drop_table("exchange_stages")
    op.drop_table("agreement_categories")
    op.drop_table("agreements")
