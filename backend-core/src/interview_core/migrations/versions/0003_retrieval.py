"""retrieval: question bank and document chunks with HNSW (cosine) vector indexes

The vector dimension is EMBEDDING_DIMENSION when this migration runs; `interview-core reembed
--dimension N` changes it later.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector

from interview_core.retrieval.settings import RetrievalSettings

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    dimension = RetrievalSettings().embedding_dimension
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.create_table(
        "question_bank",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("stage_key", sa.String(64), nullable=False),
        sa.Column("competency", sa.String(64), nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("embedding", Vector(dimension), nullable=True),
        sa.Column("embedding_model", sa.String(200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_question_bank"),
    )
    op.create_index("ix_question_bank_stage_key", "question_bank", ["stage_key"])
    op.create_index(
        "ix_question_bank_embedding_hnsw",
        "question_bank",
        ["embedding"],
        postgresql_using="hnsw",
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )
    op.create_table(
        "document_chunks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_kind", sa.String(16), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("section", sa.String(200), nullable=True),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("embedding", Vector(dimension), nullable=True),
        sa.Column("embedding_model", sa.String(200), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_document_chunks"),
    )
    op.create_index("ix_document_chunks_owner_id", "document_chunks", ["owner_id"])
    op.create_index("ix_document_chunks_organisation_id", "document_chunks", ["organisation_id"])
    op.create_index(
        "ix_document_chunks_embedding_hnsw",
        "document_chunks",
        ["embedding"],
        postgresql_using="hnsw",
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )


def downgrade() -> None:
    op.drop_table("document_chunks")
    op.drop_table("question_bank")
