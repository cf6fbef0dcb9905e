import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from interview_core.accounts.schemas import StrictInput, UserRead
from interview_core.feedback.models import QuestionVerdict, ScoreVerdict
from interview_core.reports.schemas import CandidateSummary, ReportContent


class ExportedConsent(BaseModel):
    audio: bool
    video: bool
    emotion: bool


class ExportedEvaluation(BaseModel):
    """One evaluation run of an answer on one competency, as stored."""

    model_config = ConfigDict(from_attributes=True)

    run_index: int
    competency: str
    # 1-5; null: no evidence of the competency in the answer.
    score: int | None
    evidence: list[str]
    rationale: str
    checks: list[dict[str, object]]
    overall_note: str
    review_flags: list[str]
    evaluator: str
    model_id: str
    method: str | None
    prompt_version: str | None
    validated: bool
    created_at: datetime


class ExportedFrameObservation(BaseModel):
    """What the analysis of one camera frame recorded (the frame file itself is not exported)."""

    model_config = ConfigDict(from_attributes=True)

    sequence: int
    timestamp_s: float
    observation: dict[str, object] | None
    analysis_error: str | None


class ExportedScoreFeedback(BaseModel):
    """A recruiter confirming or correcting the score an answer got on one competency (who
    gave it is the recruiter's own data)."""

    model_config = ConfigDict(from_attributes=True)

    competency: str
    # The score the report showed; null when it showed no number.
    ai_score: int | None
    verdict: ScoreVerdict
    # 1-5 when corrected.
    corrected_score: int | None
    note: str | None
    created_at: datetime
    updated_at: datetime


class ExportedQuestionFeedback(BaseModel):
    """A recruiter's verdict on the question the turn asked."""

    model_config = ConfigDict(from_attributes=True)

    verdict: QuestionVerdict
    better_wording: str | None
    created_at: datetime
    updated_at: datetime


class ExportedTurn(BaseModel):
    stage_index: int
    stage_key: str
    question: str
    answer_kind: str | None
    answer_text: str | None
    answered_at: datetime | None
    # The speech-to-text output (segments, timings) when the answer was spoken.
    transcript: dict[str, object] | None
    has_audio_recording: bool
    camera_frames_stored: int
    evaluations: list[ExportedEvaluation]
    # What recruiters recorded about the answer's scores and about the question.
    score_feedback: list[ExportedScoreFeedback]
    question_feedback: ExportedQuestionFeedback | None
    # Presence, gaze, integrity flags and (only when consented and enabled) expressions.
    vision_summary: dict[str, object] | None
    frame_observations: list[ExportedFrameObservation]


class ExportedDecision(BaseModel):
    """A recruiter's decision on the candidate (who decided is the recruiter's own data)."""

    model_config = ConfigDict(from_attributes=True)

    decision: str
    note: str
    decided_at: datetime


class ExportedInterview(BaseModel):
    id: uuid.UUID
    organisation_name: str
    job_title: str
    status: str
    language: str
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    consent: ExportedConsent
    turns: list[ExportedTurn]
    # Present only when the organisation chose to share the summary with the candidate.
    shared_summary: CandidateSummary | None
    # The organisation's report as stored (scores, rationales, flags, observations and the
    # recommendation), and the decisions taken on it, newest first.
    report: ReportContent | None
    decisions: list[ExportedDecision]


class ExportedResume(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    # Empty once its retention period removed it.
    text: str
    created_at: datetime


class DataExport(BaseModel):
    """Everything the platform holds about the signed-in candidate, as they may see it."""

    exported_at: datetime
    profile: UserRead
    interviews: list[ExportedInterview]
    resumes: list[ExportedResume]


class DataDeletionRequest(StrictInput):
    # Re-authentication: a stolen access token alone cannot erase an account.
    current_password: Annotated[str, Field(min_length=1, max_length=1024)]


class DataDeletionResult(BaseModel):
    """What was deleted; the account itself is deleted too, so every sign-in ends."""

    interviews_deleted: int
    resumes_deleted: int
    audio_files_deleted: int
    frame_files_deleted: int
    account_deleted: bool
