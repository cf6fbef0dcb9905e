"""What the LLM capability takes and returns: question generation and answer evaluation."""

from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from interview_contracts.modelops import ModelChoice

Language = Literal["en", "ko"]
StageType = Literal["template", "generated", "followup"]


class LLMModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionSource(StrEnum):
    """Which path produced a question, recorded with it."""

    # A stage's vetted template question, asked as written (no model involved).
    BANK = "bank"
    LLM = "llm"
    LLM_REPAIRED = "llm_repaired"
    # The stage's vetted form around a phrase the code picked from the answer or context,
    # after the model's attempts were refused.
    PHRASE_PICKED = "phrase_picked"
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
    # When the candidate stops waiting and the bank question is served: the worker does not
    # start, and stops writing, past it. None: no candidate waits (benchmarks, previews).
    deadline_at: datetime | None = None
    # The allow-listed model (and the job's adapter) to write with; None: the worker's
    # configured model (LLM_* settings).
    model: ModelChoice | None = None


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
    # What strong evidence of this competency looks like (the rubric's level-5 anchor).
    strong_anchor: str = ""


class SpeechFigures(LLMModel):
    words_per_minute: float | None = None
    fillers_per_minute: float | None = None
    longest_pause_s: float | None = None


class EvaluationRequest(LLMModel):
    turn_id: UUID
    language: Language
    question: str
    answer: str
    # Only the competencies the turn's stage probes; a stage that probes none is not evaluated.
    competencies: list[CompetencySpec] = Field(min_length=1)
    # Observations shown beside the transcript; never read by an evaluator.
    speech: SpeechFigures | None = None


class EvidenceCheck(StrEnum):
    """The yes/no questions a score is computed from (llm/checks.py), in rubric order."""

    SPECIFIC = "specific"
    OWN_ACTIONS = "own_actions"
    RESULT = "result"
    MEASURED = "measured"
    REASONING = "reasoning"


class CheckResult(LLMModel):
    check: EvidenceCheck
    met: bool
    # Verbatim sentences of the answer that show it; empty when not met.
    quotes: list[str] = []


class CompetencyScore(LLMModel):
    competency: str
    # 1-5 from the checks met; None is the "no evidence" state: nothing in the answer shows
    # the competency, so there is nothing to score (never shown as a 1).
    score: int | None = Field(default=None, ge=1, le=5)
    # Exact substrings of the answer that justify the score; at least one for any score.
    evidence: list[str] = []
    # One plain sentence in the interview's language, composed from the checks.
    rationale: str
    checks: list[CheckResult] = []


class AnswerEvaluation(LLMModel):
    scores: list[CompetencyScore]
    overall_note: str
    evaluator: Literal["llm", "deterministic"]
    model_id: str
    # How the judgement was made ("checks") and the version of its prompt and rules.
    method: str
    prompt_version: str
    # This configuration met the score-validity benchmark's targets for the answer's language
    # (bench/score_validity.py); below the bar its scores are not shown as numbers.
    validated: bool = False
    # Why a person should look at this answer (text addressed to the evaluator, a second look
    # that disagrees); shown in the report, never a change to the score.
    review_flags: list[str] = []
    attempts: int = Field(ge=0)


class QuestionResult(LLMModel):
    """Sent back to interviews.store_question: the first one for a turn still waiting wins."""

    interview_id: UUID
    turn_id: UUID
    question: GeneratedQuestion


class EvaluationJob(LLMModel):
    """One answer to evaluate, once per run index still missing; each run's result is sent
    back to interviews.store_evaluation as it finishes."""

    interview_id: UUID
    turn_id: UUID
    run_indexes: list[int] = Field(min_length=1)
    request: EvaluationRequest


class EvaluationResult(LLMModel):
    interview_id: UUID
    turn_id: UUID
    run_index: int = Field(ge=0)
    # None with a failure: the run could not be completed (time limit, worker lost).
    evaluation: AnswerEvaluation | None = None
    latency_ms: float = Field(default=0, ge=0)
    failure: str | None = None
