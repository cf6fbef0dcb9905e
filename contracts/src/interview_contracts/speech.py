"""Speech-to-text results and input errors, shared by the worker that transcribes and the API."""

from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class SpeechErrorCode(StrEnum):
    """Why audio cannot be transcribed; the turn records it and the candidate may type instead."""

    EMPTY_AUDIO = "empty_audio"
    SILENT_AUDIO = "silent_audio"
    CORRUPT_AUDIO = "corrupt_audio"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TOO_LARGE = "too_large"
    TOO_LONG = "too_long"
    NO_SPEECH = "no_speech"


class SpeechModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordTiming(SpeechModel):
    word: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    probability: float = Field(ge=0, le=1)


class Segment(SpeechModel):
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    text: str
    words: list[WordTiming] = []


class SpeechMetrics(SpeechModel):
    duration_s: float = Field(ge=0)
    # From the first word's start to the last word's end.
    speech_duration_s: float = Field(ge=0)
    words: int = Field(ge=0)
    words_per_minute: float = Field(ge=0)
    pause_count: int = Field(ge=0)
    longest_pause_s: float = Field(ge=0)
    filler_count: int = Field(ge=0)
    fillers_per_minute: float = Field(ge=0)
    fillers: dict[str, int] = {}


class Transcript(SpeechModel):
    text: str
    language: str
    segments: list[Segment]
    metrics: SpeechMetrics
    engine: str
    model_id: str
    processing_s: float = Field(ge=0)


class TranscriptionRequest(SpeechModel):
    """Transcribe one answer's audio, fetched from the media store by key."""

    interview_id: UUID
    turn_id: UUID
    audio_key: str = Field(min_length=1, max_length=500)
    language: str


class TranscriptionResult(SpeechModel):
    """Sent back to interviews.store_transcript: a transcript, or why there is none."""

    interview_id: UUID
    turn_id: UUID
    transcript: Transcript | None = None
    failure: str | None = None
