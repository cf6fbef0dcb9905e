"""The assembled report (stored as JSON), the candidate's summary, and the API's bodies."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interview_contracts.llm import EvidenceCheck
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


class AnswerCheck(ReportModel):
    """One yes/no check on one answer (its first evaluation run) with the verbatim sentences
    that show it; a check no sentence of the answer shows is never reported as met."""

    check: EvidenceCheck
    met: bool
    quotes: list[str]


AnswerState = Literal["scored", "no_evidence", "not_validated"]


class AnswerScore(ReportModel):
    """One answer judged on the competency its stage probes, over the evaluation runs."""

    turn_id: uuid.UUID
    stage_key: str
    stage_index: int
    # scored: its mean is shown; no_evidence: no run found evidence to score; not_validated: a
    # score exists but is not shown (the evaluator configuration is not validated).
    state: AnswerState
    runs: int
    # Each run's score in run order; None is a run that found no evidence. Empty while the
    # evaluator configuration is not validated: the numbers are not shown then.
    run_scores: list[int | None]
    # Mean over the runs that gave a score; None when none did (or numbers are not shown).
    mean_score: float | None
    # Highest minus lowest run score among the runs that gave one; 0 with a single run.
    spread: int
    # Runs `disagreement_threshold` points apart, or some finding evidence and some none.
    disagreement: bool
    evidence: list[str]
    rationale: str
    checks: list[AnswerCheck]
    # Why a person should look at this answer, from any run (text addressed to the evaluator).
    review_flags: list[str]
    # "deterministic": the fallback rules, not the model, judged this answer.
    evaluator: str
    # Every run of this answer came from a configuration that met the validity benchmark.
    validated: bool


CompetencyState = Literal["scored", "no_evidence", "not_probed", "pending", "not_validated"]


class CompetencyCheck(ReportModel):
    """A check over every answer that probed the competency: met when any answer met it."""

    check: EvidenceCheck
    met: bool
    evidence: list[EvidenceQuote]


class CompetencyResult(ReportModel):
    key: str
    name: str
    description: str
    weight: float
    # scored: a number is shown; no_evidence: evaluated, but no answer showed it;
    # not_probed: no answered stage of this interview asked about it; pending: its answer has
    # no final evaluation yet; not_validated: evaluated, but the evaluator configuration did
    # not meet the validity benchmark, so no number is shown.
    state: CompetencyState
    # An answered stage of this interview asks about it.
    probed: bool
    # Mean of the answers' mean scores; None unless the state is "scored".
    score: float | None
    # Plain words in the interview's language: the evaluator's rationales, or why there are none.
    reason: str
    answers: list[AnswerScore]
    # Verbatim quotes, each once, with the stage it came from.
    evidence: list[EvidenceQuote]
    checks: list[CompetencyCheck]


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


ScoringState = Literal["validated", "not_validated", "not_evaluated"]


class Scoring(ReportModel):
    """Whether the report shows numbers, and why, said plainly in the interview's language.
    Numbers and a recommendation come only from evaluation runs whose configuration met the
    score-validity benchmark; otherwise the evidence and checks are left to the recruiter."""

    # validated: every run used met the benchmark; not_validated: at least one did not, so
    # no numeric score and no recommendation; not_evaluated: no run yet.
    state: ScoringState
    statement: str
    evaluators: list[str]
    model_ids: list[str]
    methods: list[str]
    prompt_versions: list[str]
    # Answers the fallback rules judged: "not evaluated by the model".
    not_model_evaluated: int


class Provenance(ReportModel):
    evaluators: list[str]
    model_ids: list[str]
    prompt_versions: list[str]
    scenario_key: str
    scenario_version: int
    # Hash of the job's competencies (keys, names, descriptions, weights and the rubric anchors
    # in force) the report scored.
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
    scoring: Scoring
    competencies: list[CompetencyResult]
    # Weight-averaged over the competencies with a score; None when numbers are not shown.
    weighted_score: float | None
    # Weight share of the probed competencies that have a score (not "no evidence").
    coverage: float | None
    strengths: list[Highlight]
    areas_to_improve: list[Highlight]
    communication: CommunicationFigures
    integrity_flags: list[IntegrityFlagEntry]
    # Reasons a person must look before deciding (integrity flags, answers flagged by the
    # evaluator, runs that disagree); they never change the recommendation.
    human_review: list[str]
    observations: Observations
    missing: list[MissingEntry]
    reliability: Reliability
    # None when the evaluator configuration is not validated: the reason says so.
    recommendation: Recommendation | None
    recommendation_reason: str
    provenance: Provenance


class DecisionRead(ReportModel):
    model_config = ConfigDict(from_attributes=True)

    decision: Recommendation
    note: str
    decided_by: uuid.UUID | None
    decided_by_email: str
    decided_at: datetime


class ReportResume(ReportModel):
    """The résumé the candidate chose when starting the interview, without its text (read
    through GET /resumes/{id} when the recruiter opens it)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    # When the candidate uploaded it.
    created_at: datetime


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
    # Read from the interview at every request, not stored with the assembled content: None
    # when the candidate gave none (or it has since been deleted).
    resume: ReportResume | None


class DecisionCreate(ReportModel):
    decision: Recommendation
    note: str = Field(default="", max_length=5000)
    # Let the candidate read their summary (criteria and explanation, no internal notes).
    share_candidate_summary: bool | None = None


class SummaryCompetency(ReportModel):
    name: str
    description: str
    weight: float
    state: CompetencyState
    # None unless the state is "scored".
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
