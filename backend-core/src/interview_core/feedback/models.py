"""Recruiters' verdicts on generated questions and on the report's scores, and the datasets
frozen from them. Every row names its turn and interview with ON DELETE CASCADE, so deleting an
interview (a candidate erasing their data, or any other path) takes its feedback and its
training examples with it."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from interview_core.db.base import Base, Timestamped, UUIDPrimaryKey

BETTER_WORDING_MAX = 600
NOTE_MAX = 1000
CONSENT_BASIS_MIN = 10
CONSENT_BASIS_MAX = 500


class QuestionVerdict(StrEnum):
    GOOD = "good"
    NOT_FOR_US = "not_for_us"


class ScoreVerdict(StrEnum):
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"


class ExampleKind(StrEnum):
    QUESTION = "question"
    SCORE = "score"


class QuestionFeedback(UUIDPrimaryKey, Timestamped, Base):
    """A recruiter's verdict on the question one turn asked; one per turn, the latest wins."""

    __tablename__ = "question_feedback"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    turn_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("turns.id", ondelete="CASCADE"), unique=True
    )
    verdict: Mapped[QuestionVerdict] = mapped_column(String(16))
    better_wording: Mapped[str | None] = mapped_column(String(BETTER_WORDING_MAX))
    # The question as the candidate saw it when the verdict was given.
    question_text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    updated_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class ScoreFeedback(UUIDPrimaryKey, Timestamped, Base):
    """A recruiter confirming or correcting the score one answer got on one competency."""

    __tablename__ = "score_feedback"
    __table_args__ = (
        UniqueConstraint("turn_id", "competency", name="uq_score_feedback_turn_competency"),
        CheckConstraint(
            "(verdict = 'confirmed' AND corrected_score IS NULL) OR "
            "(verdict = 'corrected' AND corrected_score BETWEEN 1 AND 5)",
            name="corrected_score_matches_verdict",
        ),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    turn_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("turns.id", ondelete="CASCADE"), index=True
    )
    competency: Mapped[str] = mapped_column(String(64))
    # The score the report showed (the runs' mean, rounded); null when it showed no number.
    ai_score: Mapped[int | None] = mapped_column(Integer)
    verdict: Mapped[ScoreVerdict] = mapped_column(String(16))
    corrected_score: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class TrainingDataset(UUIDPrimaryKey, Base):
    """One frozen version of an organisation's feedback; versions count 1, 2, 3… per
    organisation. The counts are those at snapshot time: examples of candidates deleted since
    are gone from it."""

    __tablename__ = "training_datasets"
    __table_args__ = (
        UniqueConstraint("organisation_id", "version", name="uq_training_datasets_version"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    # Why the organisation may use its candidates' answers this way, as it states it.
    consent_basis: Mapped[str] = mapped_column(String(CONSENT_BASIS_MAX))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    question_examples: Mapped[int] = mapped_column(Integer)
    score_examples: Mapped[int] = mapped_column(Integer)


class TrainingExample(UUIDPrimaryKey, Base):
    """One example as it was at snapshot time: a QuestionExample, or a score example (the
    evaluation request, the AI's score and the recruiter's)."""

    __tablename__ = "training_examples"

    dataset_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_datasets.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    turn_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("turns.id", ondelete="CASCADE"), index=True
    )
    # Order within the dataset, so an export lists the examples the same way every time.
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ExampleKind] = mapped_column(String(16))
    payload: Mapped[dict[str, object]] = mapped_column(JSONB)
