"""Payloads of the interview engine's tasks and the live events it publishes."""

import uuid
from enum import StrEnum

from pydantic import Field

from interview_contracts.payloads import Payload


class TurnTask(Payload):
    """Every core task of a turn takes IDs (its question, transcription, evaluation, frames);
    the core worker re-reads the rows it needs."""

    interview_id: uuid.UUID
    turn_id: uuid.UUID


class SweepTask(Payload):
    """Re-send the turn work that has been pending longer than `older_than_s` (None: the
    configured STALE_WORK_AFTER_S). The sweep only re-sends idempotent tasks."""

    older_than_s: float | None = Field(default=None, ge=0, le=7 * 24 * 3600)
    # Only transcriptions and evaluations (a CPU worker that restarted: what it held died with
    # it); questions, deadlines, expiry and reports are left to the full sweeps.
    cpu_work_only: bool = False


class EventType(StrEnum):
    TRANSCRIBING = "transcribing"
    TRANSCRIBED = "transcribed"
    TRANSCRIPTION_FAILED = "transcription_failed"
    EVALUATING = "evaluating"
    EVALUATED = "evaluated"
    QUESTION_READY = "question_ready"
    INTERVIEW_COMPLETED = "interview_completed"
    REPORT_READY = "report_ready"


def event_channel(interview_id: uuid.UUID) -> str:
    return f"interview:{interview_id}:events"


def question_awaited_key(interview_id: uuid.UUID) -> str:
    """Redis key set (to the turn's id, expiring at its deadline) while the candidate waits for
    a question to be written. A hint, never the only copy: the turn's row says the same. An
    evaluation checks it when it starts and waits, so it never shares the engine with the
    question its candidate is waiting for, however long it sat in the queue."""
    return f"interview:{interview_id}:question-awaited"
