import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from interview_core.accounts.schemas import StrictInput, UserRead
from interview_core.reports.schemas import CandidateSummary


class ExportedConsent(BaseModel):
    audio: bool
    video: bool
    emotion: bool


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


class ExportedResume(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
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
