"""Assemble a report from an interview's rows. Pure and deterministic: the same rows give the
same report, and nothing in it is generated text. No ML here; the API and the worker both call it.

Recommendation rule (docs/architecture.md, "Reports"):
- hold when no answer is scored, or when any answered turn is still without a final evaluation
  or transcript (the report is incomplete);
- otherwise advance when the weighted score is >= ADVANCE_AT and no integrity flag was raised,
  reject when it is <= REJECT_AT, hold in every other case.
Emotion and gaze observations are never read by the rule.
"""

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean

from interview_contracts.vision import VisionSummary
from interview_core.accounts.models import EmotionAnalysis
from interview_core.interviews.models import Interview, ProcessingStatus, Turn, TurnEvaluation
from interview_core.jobs.models import Job
from interview_core.reports.models import Recommendation
from interview_core.reports.schemas import (
    AnswerScore,
    CandidateSummary,
    CommunicationFigures,
    CompetencyResult,
    EvidenceQuote,
    Highlight,
    IntegrityFlagEntry,
    MissingEntry,
    Observations,
    Provenance,
    Reliability,
    ReportContent,
    SummaryCompetency,
    TurnObservation,
    TurnSpeech,
)

# Bump when the rules below change, so a stored report says which rules made it.
ASSEMBLY_VERSION = 1
ADVANCE_AT = 3.5
REJECT_AT = 2.0
STRENGTH_AT = 4.0
IMPROVE_AT = 2.0
# Run scores of one answer this many points apart (1-5 scale) are flagged as disagreeing.
DISAGREEMENT_SPREAD = 2
INCOMPLETE_PARTS = {"speech_to_text_pending", "evaluation_pending", "evaluation_failed"}

OBSERVATION_NOTICE = (
    "Observations describe what a camera model saw; they are not measures of ability or "
    "feelings, may be wrong with lighting, pose or camera quality, and are never used in the "
    "scores or the recommendation."
)
SUMMARY_EXPLANATION = {
    "en": (
        "Each answer was scored from 1 to 5 on the competencies listed, using only what you "
        "said; every score cites your own words. A competency's score is the mean over the "
        "answers that assessed it, and the overall score weights competencies as shown. "
        "People at the organisation make the decision."
    ),
    "ko": (
        "각 답변은 제시된 역량별로 1점에서 5점까지 답변 내용만으로 평가되었으며, 모든 점수에는 "
        "지원자의 실제 발언이 근거로 인용됩니다. 역량 점수는 해당 역량을 평가한 답변 점수의 "
        "평균이며, 전체 점수는 표시된 가중치로 계산됩니다. 최종 결정은 담당자가 내립니다."
    ),
}


@dataclass(frozen=True)
class ReportInputs:
    interview: Interview
    job: Job
    emotion_analysis: EmotionAnalysis
    turns: list[Turn]
    evaluations: list[TurnEvaluation]


def rubric_version(competencies: list[dict[str, object]]) -> str:
    canonical = json.dumps(competencies, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _missing_parts(turn: Turn) -> list[MissingEntry]:
    def entry(part: str, detail: str) -> MissingEntry:
        return MissingEntry.model_validate(
            {
                "turn_id": turn.id,
                "stage_key": turn.stage_key,
                "stage_index": turn.stage_index,
                "part": part,
                "detail": detail,
            }
        )

    stt = ProcessingStatus(turn.stt_status)
    if turn.answer_text is None:
        if stt is ProcessingStatus.FAILED:
            return [entry("speech_to_text_failed", turn.stt_error or "transcription failed")]
        if stt is ProcessingStatus.PENDING:
            return [entry("speech_to_text_pending", "the spoken answer is being transcribed")]
        return [entry("no_answer", "the question was not answered")]
    found = []
    if stt is ProcessingStatus.FAILED:
        found.append(
            entry(
                "speech_to_text_failed",
                f"{turn.stt_error or 'transcription failed'}; answered in writing instead, "
                "so this answer has no speech figures",
            )
        )
    evaluation = ProcessingStatus(turn.evaluation_status)
    if evaluation is ProcessingStatus.FAILED:
        found.append(entry("evaluation_failed", turn.evaluation_error or "evaluation failed"))
    elif evaluation is not ProcessingStatus.DONE:
        found.append(entry("evaluation_pending", "the answer has not been evaluated yet"))
    return found


def _answer_scores(
    turn: Turn, runs: list[TurnEvaluation]
) -> tuple[AnswerScore, list[EvidenceQuote], int]:
    """One competency on one answer. Quotes not found verbatim in the answer are left out."""
    answer = turn.answer_text or ""
    runs = sorted(runs, key=lambda run: run.run_index)
    scores = [run.score for run in runs]
    quotes: list[str] = []
    not_found = 0
    for run in runs:
        for quote in run.evidence:
            text = quote.strip()
            if not text or text not in answer:
                not_found += 1
            elif text not in quotes:
                quotes.append(text)
    spread = max(scores) - min(scores)
    answer_score = AnswerScore(
        turn_id=turn.id,
        stage_key=turn.stage_key,
        stage_index=turn.stage_index,
        run_scores=scores,
        mean_score=round(fmean(scores), 2),
        spread=spread,
        disagreement=spread >= DISAGREEMENT_SPREAD,
        evidence=quotes,
        rationale=runs[0].rationale,
    )
    evidence = [
        EvidenceQuote(
            quote=q, turn_id=turn.id, stage_key=turn.stage_key, stage_index=turn.stage_index
        )
        for q in quotes
    ]
    return answer_score, evidence, not_found


def _communication(turns: list[Turn]) -> CommunicationFigures:
    per_turn: list[TurnSpeech] = []
    words = 0
    duration_s = 0.0
    for turn in turns:
        metrics = (turn.transcript or {}).get("metrics")
        if turn.stt_status != ProcessingStatus.DONE or not isinstance(metrics, dict):
            continue
        words += int(metrics.get("words", 0))
        duration_s += float(metrics.get("speech_duration_s", 0.0))
        per_turn.append(
            TurnSpeech(
                turn_id=turn.id,
                stage_key=turn.stage_key,
                words_per_minute=float(metrics.get("words_per_minute", 0.0)),
                pause_count=int(metrics.get("pause_count", 0)),
                longest_pause_s=float(metrics.get("longest_pause_s", 0.0)),
                filler_count=int(metrics.get("filler_count", 0)),
                fillers_per_minute=float(metrics.get("fillers_per_minute", 0.0)),
            )
        )
    minutes = duration_s / 60
    fillers = sum(t.filler_count for t in per_turn)
    return CommunicationFigures(
        spoken_turns=len(per_turn),
        words=words,
        speech_duration_s=round(duration_s, 2),
        words_per_minute=round(words / minutes, 1) if minutes > 0 else None,
        pause_count=sum(t.pause_count for t in per_turn),
        longest_pause_s=max((t.longest_pause_s for t in per_turn), default=None),
        filler_count=fillers,
        fillers_per_minute=round(fillers / minutes, 2) if minutes > 0 else None,
        turns=per_turn,
    )


def _vision(
    interview: Interview, emotion_analysis: EmotionAnalysis, turns: list[Turn]
) -> tuple[list[IntegrityFlagEntry], Observations]:
    gaze_included = interview.consent_video
    emotion_included = (
        interview.consent_video
        and interview.consent_emotion
        and EmotionAnalysis(emotion_analysis) is EmotionAnalysis.OBSERVE
    )
    notes = []
    if not gaze_included:
        notes.append("The candidate did not consent to video, so there are no gaze observations.")
    if not interview.consent_emotion:
        notes.append("The candidate did not consent to expression analysis.")
    elif EmotionAnalysis(emotion_analysis) is not EmotionAnalysis.OBSERVE:
        notes.append("The organisation has expression analysis turned off.")
    flags: list[IntegrityFlagEntry] = []
    observed: list[TurnObservation] = []
    for turn in turns:
        if not turn.vision_summary:
            continue
        summary = VisionSummary.model_validate(turn.vision_summary)
        flags.extend(
            IntegrityFlagEntry(
                turn_id=turn.id,
                stage_key=turn.stage_key,
                kind=flag.kind,
                start_s=flag.start_s,
                end_s=flag.end_s,
                detail=flag.detail,
            )
            for flag in summary.flags
        )
        if gaze_included:
            observed.append(
                TurnObservation(
                    turn_id=turn.id,
                    stage_key=turn.stage_key,
                    face_present_ratio=summary.face_present_ratio,
                    gaze_on_screen_ratio=summary.gaze_on_screen_ratio,
                    blink_rate_per_min=summary.blink_rate_per_min,
                    emotion=summary.emotion if emotion_included else None,
                )
            )
    observations = Observations(
        gaze_included=gaze_included,
        emotion_included=emotion_included,
        notes=notes,
        notice=OBSERVATION_NOTICE,
        turns=observed,
    )
    return flags, observations


def recommend(
    weighted_score: float | None,
    scored_answers: int,
    answered: int,
    incomplete: int,
    integrity_flags: int,
    disagreements: int,
) -> tuple[Recommendation, str]:
    """The rule in the module docstring; the reason is built from the figures only."""
    if weighted_score is None:
        return Recommendation.HOLD, "No answer has been evaluated yet, so there is no score."
    score = f"Weighted score {weighted_score:.2f} of 5 from {scored_answers} evaluated answers"
    if incomplete:
        recommendation = Recommendation.HOLD
        reason = (
            f"{score}; {incomplete} of {answered} answered turns have no final result yet, "
            "so the report holds"
        )
    elif weighted_score >= ADVANCE_AT and integrity_flags == 0:
        recommendation = Recommendation.ADVANCE
        reason = f"{score} is at least {ADVANCE_AT} and no integrity flag was raised"
    elif weighted_score <= REJECT_AT:
        recommendation = Recommendation.REJECT
        reason = f"{score} is at most {REJECT_AT}"
    elif weighted_score >= ADVANCE_AT:
        recommendation = Recommendation.HOLD
        reason = (
            f"{score} is at least {ADVANCE_AT}, but {integrity_flags} integrity flags "
            "need a person's review"
        )
    else:
        recommendation = Recommendation.HOLD
        reason = f"{score} is between {REJECT_AT} and {ADVANCE_AT}"
    if disagreements:
        reason += f"; the evaluation runs disagree on {disagreements} answer scores"
    return recommendation, reason + "."


def assemble_report(inputs: ReportInputs) -> ReportContent:
    interview, job = inputs.interview, inputs.job
    turns = sorted(inputs.turns, key=lambda turn: turn.stage_index)
    runs_by_answer: dict[tuple[uuid.UUID, str], list[TurnEvaluation]] = defaultdict(list)
    for evaluation in inputs.evaluations:
        runs_by_answer[(evaluation.turn_id, evaluation.competency)].append(evaluation)

    missing = [entry for turn in turns for entry in _missing_parts(turn)]
    scored_turns = [
        turn
        for turn in turns
        if turn.answer_text is not None and turn.evaluation_status == ProcessingStatus.DONE
    ]
    used_runs: list[TurnEvaluation] = []
    competencies: list[CompetencyResult] = []
    quotes_not_found = 0
    for competency in job.competencies:
        key = str(competency["key"])
        answers: list[AnswerScore] = []
        evidence: list[EvidenceQuote] = []
        for turn in scored_turns:
            runs = runs_by_answer.get((turn.id, key))
            if not runs:
                continue
            used_runs.extend(runs)
            answer, quotes, not_found = _answer_scores(turn, runs)
            answers.append(answer)
            evidence.extend(quotes)
            quotes_not_found += not_found
        competencies.append(
            CompetencyResult(
                key=key,
                name=str(competency["name"]),
                description=str(competency.get("description", "")),
                weight=float(competency.get("weight", 1.0)),  # type: ignore[arg-type]
                score=round(fmean(a.mean_score for a in answers), 2) if answers else None,
                answers=answers,
                evidence=evidence,
            )
        )

    scored = [c for c in competencies if c.score is not None]
    total_weight = sum(c.weight for c in scored)
    weighted_score = (
        round(sum(c.weight * (c.score or 0.0) for c in scored) / total_weight, 2)
        if scored and total_weight > 0
        else None
    )

    def highlight(result: CompetencyResult) -> Highlight:
        return Highlight(
            competency=result.key,
            name=result.name,
            score=result.score or 0.0,
            evidence=result.evidence,
        )

    strengths = [highlight(c) for c in scored if (c.score or 0) >= STRENGTH_AT and c.evidence]
    areas = [highlight(c) for c in scored if (c.score or 0) <= IMPROVE_AT and c.evidence]

    all_answers = [answer for c in competencies for answer in c.answers]
    disagreements = [answer for answer in all_answers if answer.disagreement]
    reliability = Reliability(
        evaluation_runs=max((len(a.run_scores) for a in all_answers), default=0),
        disagreement_threshold=DISAGREEMENT_SPREAD,
        disagreements=disagreements,
        max_spread=max((a.spread for a in all_answers), default=0),
        quotes_not_found=quotes_not_found,
    )
    flags, observations = _vision(interview, inputs.emotion_analysis, turns)
    answered = sum(1 for turn in turns if turn.answer_text is not None)
    incomplete_turns = {m.turn_id for m in missing if m.part in INCOMPLETE_PARTS}
    recommendation, reason = recommend(
        weighted_score,
        scored_answers=len({a.turn_id for a in all_answers}),
        answered=answered,
        incomplete=len(incomplete_turns),
        integrity_flags=len(flags),
        disagreements=len(disagreements),
    )
    return ReportContent(
        interview_id=interview.id,
        job_id=job.id,
        job_title=job.title,
        candidate_email=interview.candidate_email,
        language=interview.language,
        interview_status=str(interview.status),
        completed_at=interview.completed_at,
        competencies=competencies,
        weighted_score=weighted_score,
        strengths=strengths,
        areas_to_improve=areas,
        communication=_communication(turns),
        integrity_flags=flags,
        observations=observations,
        missing=missing,
        reliability=reliability,
        recommendation=recommendation,
        recommendation_reason=reason,
        provenance=Provenance(
            evaluators=sorted({run.evaluator for run in used_runs}),
            model_ids=sorted({run.model_id for run in used_runs}),
            scenario_key=interview.scenario_key,
            scenario_version=interview.scenario_version,
            rubric_version=rubric_version(job.competencies),
            assembly_version=ASSEMBLY_VERSION,
        ),
    )


def candidate_summary(content: ReportContent) -> CandidateSummary:
    """The candidate's view: criteria, scores, their own quoted words and the method."""
    return CandidateSummary(
        interview_id=content.interview_id,
        job_title=content.job_title,
        completed_at=content.completed_at,
        criteria=[
            SummaryCompetency(
                name=c.name, description=c.description, weight=c.weight, score=c.score
            )
            for c in content.competencies
        ],
        strengths=content.strengths,
        areas_to_improve=content.areas_to_improve,
        explanation=SUMMARY_EXPLANATION.get(content.language, SUMMARY_EXPLANATION["en"]),
    )
