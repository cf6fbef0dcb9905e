import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interview_contracts.llm import QuestionSource
from interview_core.accounts.schemas import Email
from interview_core.interviews.models import InterviewStatus, ProcessingStatus
from interview_core.reports.models import Recommendation, ReportStatus


class InterviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_id: uuid.UUID
    candidate_email: Email
    window_opens_at: datetime | None = None
    window_closes_at: datetime | None = None


class InterviewCreated(BaseModel):
    interview: "InterviewRead"
    # Shown once: only its hash is stored.
    invite_token: str
    invite_url: str


class InviteAccept(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=16, max_length=200)


class InvitePreview(BaseModel):
    """What an invite link's holder sees before signing in: who invites, for what, and the
    address the invitation was sent to (the account must have it)."""

    organisation_name: str
    job_title: str
    language: str
    question_count: int
    candidate_email: str
    status: InterviewStatus
    # Whether an account has accepted the invite already.
    accepted: bool
    window_closes_at: datetime | None


class Consent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    audio: bool = False
    video: bool = False
    emotion: bool = False
    resume_id: uuid.UUID | None = None


class TextAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20000)
    idempotency_key: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")


class InterviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    job_id: uuid.UUID
    candidate_id: uuid.UUID | None
    candidate_email: str
    status: InterviewStatus
    language: str
    scenario_key: str
    scenario_version: int
    current_stage_index: int
    stage_count: int
    consent_audio: bool
    consent_video: bool
    consent_emotion: bool
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None


class RecruiterInterviewRead(InterviewRead):
    """A row of the recruiters' interview list, for triage. Never sent to candidates: they get
    InterviewRead, without the recommendation, score or decision (as CandidateSummary)."""

    # From the candidate's account; None until an account accepted the invite.
    candidate_name: str | None
    # Stages with an answer; out of `stage_count`.
    answered_stages: int
    # None while the interview has no report.
    report_status: ReportStatus | None
    # As the report shows them: None when it has no number or recommendation (the evaluator
    # configuration is not validated, or nothing was scored yet).
    weighted_score: float | None
    recommendation: Recommendation | None
    # The recruiters' decision in force (the latest), if any.
    decision: Recommendation | None


class TurnRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    stage_index: int
    stage_key: str
    stage_type: str
    competency: str | None
    question_text: str | None
    question_source: QuestionSource | None
    question_model_id: str | None
    fallback_reason: str | None
    answer_text: str | None
    answer_kind: str | None
    answered_at: datetime | None
    stt_status: ProcessingStatus
    stt_error: str | None
    evaluation_status: ProcessingStatus


class InterviewState(BaseModel):
    """What a candidate's screen needs after any reload: where they are and what to answer."""

    interview: InterviewRead
    current_turn: TurnRead | None
    answered_turns: int
    phase: Literal[
        "not_started", "waiting_for_question", "answering", "processing_answer", "finished"
    ]
    # Whether the organisation analyses facial expressions: the candidate is asked for that
    # consent only then.
    emotion_analysis_enabled: bool
    # The largest résumé file POST /resumes accepts, so the page refuses a larger one before
    # sending it, whatever this deployment configured.
    max_resume_upload_bytes: int


class AnswerAccepted(BaseModel):
    answered_turn: TurnRead
    state: InterviewState


class FramesAccepted(BaseModel):
    received: int
    # Frames already stored under the same sequence numbers are not stored again.
    stored: int
