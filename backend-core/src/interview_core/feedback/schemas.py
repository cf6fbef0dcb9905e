import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from interview_core.feedback.models import (
    BETTER_WORDING_MAX,
    CONSENT_BASIS_MAX,
    CONSENT_BASIS_MIN,
    NOTE_MAX,
    QuestionVerdict,
    ScoreVerdict,
)


def _blank_is_none(value: str | None) -> str | None:
    return value or None


class QuestionFeedbackPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: QuestionVerdict
    # How the organisation would have asked it; blank counts as none.
    better_wording: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=BETTER_WORDING_MAX)]
        | None
    ) = None

    _blank_wording = field_validator("better_wording")(_blank_is_none)


class QuestionFeedbackRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    interview_id: uuid.UUID
    turn_id: uuid.UUID
    verdict: QuestionVerdict
    better_wording: str | None
    question_text: str
    created_by: uuid.UUID | None
    updated_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class ScoreFeedbackPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: ScoreVerdict
    # Required when correcting, absent when confirming.
    corrected_score: int | None = Field(default=None, ge=1, le=5)
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX)] | None = (
        None
    )

    _blank_note = field_validator("note")(_blank_is_none)


class ScoreFeedbackRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    interview_id: uuid.UUID
    turn_id: uuid.UUID
    competency: str
    # The score the report showed for this answer (its runs' mean, rounded); null: no number.
    ai_score: int | None
    verdict: ScoreVerdict
    corrected_score: int | None
    note: str | None
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class InterviewFeedback(BaseModel):
    interview_id: uuid.UUID
    questions: list[QuestionFeedbackRead]
    scores: list[ScoreFeedbackRead]


class TrainingDatasetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # e.g. "legitimate interest: candidates were told their answers improve our interviews"
    consent_basis: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=CONSENT_BASIS_MIN, max_length=CONSENT_BASIS_MAX
        ),
    ]


class TrainingDatasetRead(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    version: int
    consent_basis: str
    created_by: uuid.UUID | None
    created_at: datetime
    # As frozen at snapshot time.
    question_examples: int
    score_examples: int
    # Examples removed since (their candidate or interview was deleted, or their answer text
    # reached its retention period): the export holds the rest.
    examples_removed: int
