import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from interview_contracts.llm import QuestionSource
from interview_core.db.base import Base, Timestamped, UUIDPrimaryKey


class InterviewStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class ProcessingStatus(StrEnum):
    NOT_NEEDED = "not_needed"
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


# Predicates of the partial indexes the recovery sweep reads (interviews/recovery.py): they hold
# only rows that still owe work, so a sweep stays cheap however many interviews are done.
TURN_WORK_PENDING = "evaluation_status = 'pending' OR stt_status = 'pending'"
TURN_AWAITING_QUESTION = "question_text IS NULL"
INTERVIEW_COMPLETED = "status = 'completed'"


class Interview(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "interviews"
    __table_args__ = (
        Index(
            "ix_interviews_completed_at",
            "completed_at",
            postgresql_where=text(INTERVIEW_COMPLETED),
        ),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, nullable=True
    )
    candidate_email: Mapped[str] = mapped_column(String(320))
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[InterviewStatus] = mapped_column(String(16), default=InterviewStatus.SCHEDULED)
    language: Mapped[str] = mapped_column(String(2))
    scenario_key: Mapped[str] = mapped_column(String(64))
    scenario_version: Mapped[int] = mapped_column(Integer)
    # The stages as they were when the interview was created: later edits never shift it.
    stages: Mapped[list[dict[str, object]]] = mapped_column(JSONB)
    current_stage_index: Mapped[int] = mapped_column(Integer, default=0)
    resume_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("resumes.id", ondelete="SET NULL"), nullable=True
    )
    window_opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    window_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_audio: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_video: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_emotion: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_activity_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Turn(UUIDPrimaryKey, Timestamped, Base):
    """One stage of one interview: the question asked and the answer given."""

    __tablename__ = "turns"
    __table_args__ = (
        UniqueConstraint("interview_id", "stage_index", name="uq_turns_interview_stage"),
        UniqueConstraint(
            "interview_id", "answer_idempotency_key", name="uq_turns_interview_idempotency"
        ),
        Index("ix_turns_pending_work", "updated_at", postgresql_where=text(TURN_WORK_PENDING)),
        Index(
            "ix_turns_awaiting_question",
            "generation_deadline_at",
            postgresql_where=text(TURN_AWAITING_QUESTION),
        ),
    )

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    stage_index: Mapped[int] = mapped_column(Integer)
    stage_key: Mapped[str] = mapped_column(String(64))
    stage_type: Mapped[str] = mapped_column(String(16))
    competency: Mapped[str | None] = mapped_column(String(64))
    # Chosen from the bank when the turn is created, so a fallback is always at hand.
    bank_question: Mapped[str] = mapped_column(Text)
    question_text: Mapped[str | None] = mapped_column(Text)
    question_source: Mapped[QuestionSource | None] = mapped_column(String(16))
    question_model_id: Mapped[str | None] = mapped_column(String(200))
    question_ready_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    generation_deadline_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fallback_reason: Mapped[str | None] = mapped_column(String(200))
    answer_text: Mapped[str | None] = mapped_column(Text)
    answer_kind: Mapped[str | None] = mapped_column(String(8))
    answer_idempotency_key: Mapped[str | None] = mapped_column(String(100))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    audio_path: Mapped[str | None] = mapped_column(String(500))
    transcript: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    stt_status: Mapped[ProcessingStatus] = mapped_column(
        String(16), default=ProcessingStatus.NOT_NEEDED
    )
    stt_error: Mapped[str | None] = mapped_column(String(500))
    evaluation_status: Mapped[ProcessingStatus] = mapped_column(
        String(16), default=ProcessingStatus.NOT_NEEDED
    )
    evaluation_error: Mapped[str | None] = mapped_column(String(500))
    # Presence, gaze, integrity flags and (only when consented and enabled) emotion.
    vision_summary: Mapped[dict[str, object] | None] = mapped_column(JSONB)


class TurnEvaluation(UUIDPrimaryKey, Timestamped, Base):
    """One competency the turn's stage probes, judged on its answer by one evaluation run;
    unique per run so redelivery adds nothing."""

    __tablename__ = "turn_evaluations"
    __table_args__ = (
        UniqueConstraint("turn_id", "run_index", "competency", name="uq_turn_evaluations_run"),
    )

    turn_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("turns.id", ondelete="CASCADE"), index=True
    )
    run_index: Mapped[int] = mapped_column(Integer, default=0)
    competency: Mapped[str] = mapped_column(String(64))
    # 1-5; null is "no evidence": nothing in the answer shows the competency.
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    evidence: Mapped[list[str]] = mapped_column(JSONB)
    rationale: Mapped[str] = mapped_column(Text)
    # The yes/no checks the score was computed from: CheckResult dicts (contracts' llm.py).
    checks: Mapped[list[dict[str, object]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    overall_note: Mapped[str] = mapped_column(Text, default="")
    evaluator: Mapped[str] = mapped_column(String(32))
    model_id: Mapped[str] = mapped_column(String(200))
    # How the judgement was made and its prompt's version; null on rows from before they were
    # recorded.
    method: Mapped[str | None] = mapped_column(String(32))
    prompt_version: Mapped[str | None] = mapped_column(String(64))
    # The configuration met the score-validity benchmark for the answer's language; only then
    # does a report show its score as a number.
    validated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Why a person should look at the answer (for example text addressed to the evaluator).
    review_flags: Mapped[list[str]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    latency_ms: Mapped[float | None] = mapped_column(Float)


class Resume(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "resumes"

    candidate_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class VideoFrame(UUIDPrimaryKey, Timestamped, Base):
    """One sampled camera frame of a turn; its analysis is written once by the vision task."""

    __tablename__ = "video_frames"
    __table_args__ = (
        UniqueConstraint("turn_id", "sequence", name="uq_video_frames_turn_sequence"),
    )

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    turn_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("turns.id", ondelete="CASCADE"), index=True
    )
    # The client's frame counter within the turn: a re-sent batch stores nothing twice.
    sequence: Mapped[int] = mapped_column(Integer)
    timestamp_s: Mapped[float] = mapped_column(Float)
    path: Mapped[str | None] = mapped_column(String(500))
    observation: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    analysis_error: Mapped[str | None] = mapped_column(String(300))


def reached_turns(interview: Interview) -> Select[Turn]:
    """The interview's turns up to its current stage, in order. A turn prepared ahead for the
    next stage is not part of the interview until that stage opens: nobody sees it early."""
    return (
        select(Turn)
        .where(Turn.interview_id == interview.id, Turn.stage_index <= interview.current_stage_index)
        .order_by(Turn.stage_index)
    )
