"""Rows that are searched by meaning: the question bank and chunks of job descriptions and résumés.

The vector columns are declared without a dimension here: the database column carries it
(EMBEDDING_DIMENSION when migrated, changed by `interview-core reembed`), so switching to a
model of another size needs no code change.
"""

import uuid
from enum import StrEnum

from pgvector.sqlalchemy import Vector
from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from interview_core.db.base import Base, Timestamped, UUIDPrimaryKey


class OwnerKind(StrEnum):
    JOB = "job"
    RESUME = "resume"
    # What a job's stages ask about (one row per competency, and the job's title for stages
    # that probe none), embedded ahead so that grounding a question needs no encoder.
    JOB_QUERY = "job_query"


class BankLanguage(StrEnum):
    EN = "en"
    KO = "ko"


class EmbeddedText(UUIDPrimaryKey):
    """Columns every row searched by meaning has; filled by the embed_rows task."""

    embedding: Mapped[list[float] | None] = mapped_column(Vector(), nullable=True)
    # The model that produced `embedding`; a row from another model is re-embedded.
    embedding_model: Mapped[str | None] = mapped_column(String(200), nullable=True)

    def embedding_input(self) -> str:
        raise NotImplementedError


class QuestionBankEntry(EmbeddedText, Timestamped, Base):
    __tablename__ = "question_bank"

    stage_key: Mapped[str] = mapped_column(String(64), index=True)
    competency: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        Index(
            "ix_question_bank_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )

    def embedding_input(self) -> str:
        return self.text


class DocumentChunk(EmbeddedText, Timestamped, Base):
    __tablename__ = "document_chunks"

    owner_kind: Mapped[str] = mapped_column(String(16))
    # No foreign key: a chunk belongs to a job or a résumé, two different tables.
    owner_id: Mapped[uuid.UUID] = mapped_column(index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True, index=True)
    section: Mapped[str | None] = mapped_column(String(200), nullable=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index(
            "ix_document_chunks_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )

    def embedding_input(self) -> str:
        if self.owner_kind == OwnerKind.JOB_QUERY:
            return self.text  # a search query, encoded as the worker encodes queries
        # The heading tells the encoder what a terse paragraph is about ("Requirements").
        return f"{self.section}\n{self.text}" if self.section else self.text
