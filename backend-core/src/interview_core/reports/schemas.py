"""The assembled report (stored as JSON), the candidate's summary, and the API's bodies."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interview_contracts.vision import EmotionObservation, IntegrityFlagKind
from interview_core.reports.models import Recommendation, ReportStatus


class ReportModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceQuote(ReportModel):
    """Words the candidate said, verbatim from the answer of the turn named."""

    quote: str
    turn_id: uuid.UUID
    stage_key: str
    stage_index: int


class AnswerScore(ReportModel):
    """One competency on one answer: the score of each evaluation run and their mean."""

    turn_id: uuid.UUID
    stage_key: str
    stage_index: int
    run_scores: list[int]
    mean_score: float
    # Highest minus lowest run score; 0 with a single run.
    spread: int
    disagreement: bool
    evidence: list[str]
    rationale: str


class CompetencyResult(ReportModel):
    key: str
    name: str
    description: str
    weight: float
    # Mean of the answers' mean scores; None when no answer was evaluated for it.
    score: float | None
    answers: list[AnswerScore]
    evidence: list[EvidenceQuote]


class Highlight(ReportModel):
    """A strength or an area to improve, with the quotes that support it."""

    competency: str
    name: str
    score: float
    evidence: list[EvidenceQuote]


class TurnSpeech(ReportModel):
    turn_id: uuid.UUID
    stage_key: str
    words_per_minute: float
    pause_count: int
    longest_pause_s: float
    filler_count: int
    fillers_per_minute: float


class CommunicationFigures(ReportModel):
    """From the speech-to-text timings of spoken answers; empty when every answer was typed."""

    spoken_turns: int
    words: int
    speech_duration_s: float
    words_per_minute: float | None
    pause_count: int
    longest_pause_s: float | None
    filler_count: int
    fillers_per_minute: float | None
    turns: list[TurnSpeech]


class IntegrityFlagEntry(ReportModel):
    """A stretch of a turn's recording a person should look at; never decides on its own."""

    turn_id: uuid.UUID
    stage_key: str
    kind: IntegrityFlagKind
    start_s: float
    end_s: float
    detail: str


class TurnObservation(ReportModel):
    turn_id: uuid.UUID
    stage_key: str
    face_present_ratio: float
    gaze_on_screen_ratio: float | None
    blink_rate_per_min: float | None
    # Only when the candidate consented and the organisation observes expressions.
    emotion: EmotionObservation | None


class Observations(ReportModel):
    """Gaze and expression observations: shown apart, never used in scores or recommendation."""

    gaze_included: bool
    emotion_included: bool
    # Why a part is absent (no consent, organisation setting), in plain words.
    notes: list[str]
    notice: str
    turns: list[TurnObservation]


MissingPart = Literal[
    "no_answer",
    "speech_to_text_pending",
    "speech_to_text_failed",
    "evaluation_pending",
    "evaluation_failed",
]


class MissingEntry(ReportModel):
    """A part of the interview the report has no result for, and why; nothing is made up."""

    turn_id: uuid.UUID
    stage_key: str
    stage_index: int
    part: MissingPart
    detail: str


class Reliability(ReportModel):
    evaluation_runs: int
    # Answers whose run scores differ by at least `disagreement_threshold` points.
    disagreement_threshold: int
    disagreements: list[AnswerScore]
    max_spread: int
    # Evidence the evaluator gave that is not verbatim in the answer: left out of the report.
    quotes_not_found: int


class Provenance(ReportModel):
    evaluators: list[str]
    model_ids: list[str]
    scenario_key: str
    scenario_version: int
    # Hash of the job's competencies (keys, names, descriptions, weights) the report scored.
    rubric_version: str
    assembly_version: int


class ReportContent(ReportModel):
    interview_id: uuid.UUID
    job_id: uuid.UUID
    job_title: str
    candidate_email: str
    language: str
    interview_status: str
    completed_at: datetime | None
    competencies: list[CompetencyResult]
    weighted_score: float | None
    strengths: list[Highlight]
    areas_to_improve: list[Highlight]
    communication: CommunicationFigures
    integrity_flags: list[IntegrityFlagEntry]
    observations: Observations
    missing: list[MissingEntry]
    reliability: Reliability
    recommendation: Recommendation
    recommendation_reason: str
    provenance: Provenance


class DecisionRead(ReportModel):
    model_config = ConfigDict(from_attributes=True)

    decision: Recommendation
    note: str
    decided_by: uuid.UUID | None
    decided_by_email: str
    decided_at: datetime


class ReportRead(ReportModel):
    id: uuid.UUID
    interview_id: uuid.UUID
    status: ReportStatus
    generated_at: datetime | None
    error: str | None
    share_candidate_summary: bool
    content: ReportContent | None
    decision: DecisionRead | None
    decision_history: list[DecisionRead]


class DecisionCreate(ReportModel):
    decision: Recommendation
    note: str = Field(default="", max_length=5000)
    # Let the candidate read their summary (criteria and explanation, no internal notes).
    share_candidate_summary: bool | None = None


class SummaryCompetency(ReportModel):
    name: str
    description: str
    weight: float
    score: float | None


class CandidateSummary(ReportModel):
    """What the organisation may share with the candidate: criteria, scores and how they were
    reached; no recommendation, decision, notes, integrity flags or observations."""

    interview_id: uuid.UUID
    job_title: str
    completed_at: datetime | None
    criteria: list[SummaryCompetency]
    strengths: list[Highlight]
    areas_to_improve: list[Highlight]
    explanation: str
