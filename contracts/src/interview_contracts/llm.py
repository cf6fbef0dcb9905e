"""What the LLM capability takes and returns: question generation and answer evaluation."""

from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["en", "ko"]
StageType = Literal["template", "generated", "followup"]


class LLMModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionSource(StrEnum):
    """Which path produced a question, recorded with it."""

    LLM = "llm"
    LLM_REPAIRED = "llm_repaired"
    BANK_FALLBACK = "bank_fallback"


class PreviousTurn(LLMModel):
    question: str
    answer: str


class QuestionRequest(LLMModel):
    interview_id: UUID
    turn_id: UUID | None = None
    language: Language
    stage_key: str
    stage_type: StageType
    competency: str | None = None
    competency_name: str | None = None
    competency_description: str | None = None
    job_title: str
    job_description: str = ""
    resume_excerpts: list[str] = []
    job_excerpts: list[str] = []
    example_questions: list[str] = []
    previous_turns: list[PreviousTurn] = []
    asked_questions: list[str] = []
    # Always provided: the question asked when the model's output stays invalid.
    bank_question: str = Field(min_length=1)


class GeneratedQuestion(LLMModel):
    text: str
    source: QuestionSource
    model_id: str
    attempts: int = Field(ge=0)
    latency_ms: float = Field(ge=0)
    rejected_reasons: list[str] = []


class CompetencySpec(LLMModel):
    key: str
    name: str
    description: str = ""
    weight: float = Field(default=1.0, ge=0)


class SpeechFigures(LLMModel):
    words_per_minute: float | None = None
    fillers_per_minute: float | None = None
    longest_pause_s: float | None = None


class EvaluationRequest(LLMModel):
    turn_id: UUID
    language: Language
    question: str
    answer: str
    competencies: list[CompetencySpec] = Field(min_length=1)
    speech: SpeechFigures | None = None


class CompetencyScore(LLMModel):
    competency: str
    score: int = Field(ge=1, le=5)
    # Exact substrings of the answer that justify the score.
    evidence: list[str] = []
    rationale: str


class AnswerEvaluation(LLMModel):
    scores: list[CompetencyScore]
    overall_note: str
    evaluator: Literal["llm", "deterministic"]
    model_id: str
    attempts: int = Field(ge=0)
