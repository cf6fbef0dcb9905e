"""LoRA adapters per organisation, selectable per job; what the question model slot serves

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 06:00:00.000000

`adapters` records each training (dataset version, base model and hash, hyper-parameters),
its files in the media store and its benchmark against the base. `organisations` and `jobs`
name the adapter their questions are written with. `model_serving` holds the operator's
choice of model for a worker slot (one row per slot, created on first use).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = ("queued", "training", "benchmarking", "ready", "failed", "cancelled")


def _timestamps() -> list[sa.Column[sa.DateTime]]:
    return [
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "adapters",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("base_model_id", sa.String(length=64), nullable=False),
        sa.Column("dataset_id", sa.Uuid(), nullable=True),
        sa.Column("dataset_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum(*_STATUSES, name="adapter_status"), nullable=False),
        sa.Column("hyper_parameters", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("progress_step", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=False),
        sa.Column("progress_loss", sa.Float(), nullable=True),
        sa.Column("files", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("media_prefix", sa.String(length=200), nullable=False),
        sa.Column("base_model_sha256", sa.String(length=64), nullable=True),
        sa.Column("final_loss", sa.Float(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("device", sa.String(length=32), nullable=True),
        sa.Column("quantization", sa.String(length=32), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("benchmark", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("benchmarked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_adapters_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["training_datasets.id"],
            name=op.f("fk_adapters_dataset_id_training_datasets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_adapters_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adapters")),
        sa.UniqueConstraint("organisation_id", "version", name=op.f("uq_adapters_organisation_id")),
    )
    op.create_index(
        op.f("ix_adapters_organisation_id"), "adapters", ["organisation_id"], unique=False
    )
    op.add_column("organisations", sa.Column("active_adapter_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_organisations_active_adapter_id_adapters"),
        "organisations",
        "adapters",
        ["active_adapter_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.add_column("jobs", sa.Column("adapter_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_jobs_adapter_id_adapters"),
        "jobs",
        "adapters",
        ["adapter_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_table(
        "model_serving",
        sa.Column("slot", sa.String(length=32), nullable=False),
        sa.Column("model_id", sa.String(length=64), nullable=True),
        sa.Column("unloaded", sa.Boolean(), nullable=False),
        sa.Column("pending_model_id", sa.String(length=64), nullable=True),
        sa.Column("pending_configured", sa.Boolean(), nullable=False),
        sa.Column("pending_request_id", sa.Uuid(), nullable=True),
        sa.Column("pending_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_load", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["users.id"],
            name=op.f("fk_model_serving_changed_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("slot", name=op.f("pk_model_serving")),
    )


def downgrade() -> None:
    op.drop_table("model_serving")
    op.drop_constraint(op.f("fk_jobs_adapter_id_adapters"), "jobs", type_="foreignkey")
    op.drop_column("jobs", "adapter_id")
    op.drop_constraint(
        op.f("fk_organisations_active_adapter_id_adapters"), "organisations", type_="foreignkey"
    )
    op.drop_column("organisations", "active_adapter_id")
    op.drop_index(op.f("ix_adapters_organisation_id"), table_name="adapters")
    op.drop_table("adapters")
    sa.Enum(name="adapter_status").drop(op.get_bind())
