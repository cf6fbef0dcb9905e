"""Assemble a report from an interview's rows. Pure and deterministic: the same rows give the
same report, and nothing in it is generated text. No ML here; the API and the worker both call it.

Rules (docs/architecture.md, "Reports"):
- Evidence per competency comes only from the answers of the stages that probe it (follow-ups
  carry their parent's competency; intro, motivation and final statement probe none). Rows for
  any other competency, as evaluators before ASSEMBLY_VERSION 2 stored them, are ignored.
- A competency's state: `scored`; `no_evidence` (probed and evaluated, but every answer's runs
  found nothing to score: shown as such, never as a 1); `not_probed` (no answered stage of this
  interview asks about it); `pending` (its answer has no final evaluation yet); `not_validated`
  (scores exist but are not shown, see the validity gate).
- Validity gate: numbers (run scores, answer means, competency scores, the weighted score, the
  strengths and areas to improve) and the recommendation are shown only when every evaluation
  run used came from a configuration that met the score-validity benchmark (`validated`).
  Otherwise the `scoring` block says so in the interview's language and the recommendation is
  None; the verified evidence and the checks stay. Never a silent downgrade to a number.
- Quotes are verbatim only: a quote not found in its answer is left out (and counted); a check
  no verbatim sentence shows is not reported as met.
- Recommendation (`recommend`), from competency scores and their coverage only: probed = the
  competencies with an answered, evaluated stage; covered = the probed ones with a score;
  coverage = covered's share of probed's weight; the weighted score is over covered. Hold while
  any answered turn lacks its final transcript or evaluation, or when nothing is probed; reject
  when coverage < REJECT_COVERAGE or the weighted score <= REJECT_AT; advance when it is
  >= ADVANCE_AT and coverage >= ADVANCE_COVERAGE; hold otherwise.
- Integrity flags, answers the evaluator flagged and runs that disagree never change the
  recommendation: they are listed in `human_review` for a person to look at. Speech figures,
  gaze and emotion are never read by a score or the rule.
"""

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Literal

from interview_contracts.llm import CheckResult, EvidenceCheck
from interview_contracts.speech import SpeechErrorCode
from interview_contracts.vision import VisionSummary
from interview_core.accounts.models import EmotionAnalysis
from interview_core.interviews.models import Interview, ProcessingStatus, Turn, TurnEvaluation
from interview_core.jobs.models import Job
from interview_core.jobs.rubrics import stored_effective_rubric
from interview_core.reports.models import Recommendation
from interview_core.reports.schemas import (
    AnswerCheck,
    AnswerScore,
    CandidateSummary,
    CommunicationFigures,
    CompetencyCheck,
    CompetencyResult,
    EvidenceQuote,
    Highlight,
    IntegrityFlagEntry,
    MissingEntry,
    Observations,
    Provenance,
    Reliability,
    ReportContent,
    Scoring,
    ScoringState,
    SummaryCompetency,
    TurnObservation,
    TurnSpeech,
)
from interview_core.reports.wording import (
    SUMMARY_EXPLANATION,
    CompetencyReason,
    Configuration,
    RecommendationCase,
    ReportLanguage,
    RuleFigures,
    answer_review,
    competency_reason,
    disagreement_review,
    integrity_review,
    recommendation_reason,
    report_language,
    scoring_statement,
)

# Bump when the rules above change, so a stored report says which rules made it (and a report
# stored by older rules is assembled again when read).
ASSEMBLY_VERSION = 3  # 3: the observation notice, notes and missing parts in Korean too
ADVANCE_AT = 3.5
REJECT_AT = 2.0
ADVANCE_COVERAGE = 0.75
REJECT_COVERAGE = 0.5
STRENGTH_AT = 4.0
IMPROVE_AT = 2.0
# Run scores of one answer this many points apart (1-5 scale) are flagged as disagreeing.
DISAGREEMENT_SPREAD = 2
INCOMPLETE_PARTS = {"speech_to_text_pending", "evaluation_pending", "evaluation_failed"}
DETERMINISTIC_EVALUATOR = "deterministic"

# Why an observation is absent, in the interview's language.
OBSERVATION_NOTES: dict[str, dict[ReportLanguage, str]] = {
    "no_video": {
        "en": "The candidate did not consent to video, so there are no gaze observations.",
        "ko": "지원자가 영상 사용에 동의하지 않아 시선 관찰 기록이 없습니다.",
    },
    "no_emotion_consent": {
        "en": "The candidate did not consent to expression analysis.",
        "ko": "지원자가 표정 분석에 동의하지 않았습니다.",
    },
    "emotion_off": {
        "en": "The organisation has expression analysis turned off.",
        "ko": "조직에서 표정 분석을 사용하지 않도록 설정했습니다.",
    },
}
OBSERVATION_NOTICE: dict[ReportLanguage, str] = {
    "en": (
        "Observations describe what a camera model saw; they are not measures of ability or "
        "feelings, may be wrong with lighting, pose or camera quality, and are never used in the "
        "scores or the recommendation."
    ),
    "ko": (
        "관찰 결과는 카메라 모델이 본 것을 적은 것일 뿐 능력이나 감정의 척도가 아니며, 조명, "
        "자세, 카메라 품질에 따라 틀릴 수 있고 점수나 추천에는 전혀 쓰이지 않습니다."
    ),
}
MissingDetail = Literal[
    "stt_failed",
    "stt_pending",
    "no_answer",
    "typed_instead",
    "evaluation_failed",
    "evaluation_pending",
]
MISSING_DETAILS: dict[ReportLanguage, dict[MissingDetail, str]] = {
    "en": {
        "stt_failed": "transcription failed",
        "stt_pending": "the spoken answer is being transcribed",
        "no_answer": "the question was not answered",
        "typed_instead": "answered in writing instead, so this answer has no speech figures",
        "evaluation_failed": "evaluation failed",
        "evaluation_pending": "the answer has not been evaluated yet",
    },
    "ko": {
        "stt_failed": "음성을 글로 옮기지 못했습니다",
        "stt_pending": "음성 답변을 글로 옮기는 중입니다",
        "no_answer": "질문에 답변하지 않았습니다",
        "typed_instead": "대신 글로 답변해 이 답변에는 음성 지표가 없습니다",
        "evaluation_failed": "평가하지 못했습니다",
        "evaluation_pending": "답변이 아직 평가되지 않았습니다",
    },
}
# The worker stores a speech-to-text failure as "<SpeechErrorCode>: <English message>"; a Korean
# report says the code's meaning first (an unknown code is shown as stored, never guessed).
STT_ERRORS_KO: dict[str, str] = {
    SpeechErrorCode.EMPTY_AUDIO: "녹음이 비어 있습니다.",
    SpeechErrorCode.SILENT_AUDIO: "녹음에 소리가 없습니다. 마이크를 확인해 주세요.",
    SpeechErrorCode.CORRUPT_AUDIO: "녹음을 해독할 수 없습니다.",
    SpeechErrorCode.UNSUPPORTED_FORMAT: "지원하지 않는 오디오 형식입니다.",
    SpeechErrorCode.TOO_LARGE: "녹음 파일이 허용 크기를 넘습니다.",
    SpeechErrorCode.TOO_LONG: "녹음이 허용 길이를 넘습니다.",
    SpeechErrorCode.NO_SPEECH: "말소리를 인식하지 못했습니다.",
}


def stt_error_text(language: ReportLanguage, stored: str | None) -> str:
    """The turn's stored speech-to-text error in the report's language; a Korean report keeps
    the stored text after its Korean meaning, so the record itself is never hidden."""
    if not stored:
        return MISSING_DETAILS[language]["stt_failed"]
    if language == "ko":
        code = stored.split(":", 1)[0].strip()
        meaning = STT_ERRORS_KO.get(code)
        return f"{meaning} ({stored})" if meaning else stored
    return stored


@dataclass(frozen=True)
class ReportInputs:
    interview: Interview
    job: Job
    emotion_analysis: EmotionAnalysis
    turns: list[Turn]
    evaluations: list[TurnEvaluation]


def rubric_version(competencies: list[dict[str, object]], language: str) -> str:
    """A hash of the competencies with the anchors in force (their own or the defaults)."""
    anchored = [
        {**c, "rubric": stored_effective_rubric(c, language).model_dump()} for c in competencies
    ]
    canonical = json.dumps(anchored, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _missing_parts(turn: Turn, language: ReportLanguage) -> list[MissingEntry]:
    details = MISSING_DETAILS[language]

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
            return [entry("speech_to_text_failed", stt_error_text(language, turn.stt_error))]
        if stt is ProcessingStatus.PENDING:
            return [entry("speech_to_text_pending", details["stt_pending"])]
        return [entry("no_answer", details["no_answer"])]
    found = []
    if stt is ProcessingStatus.FAILED:
        found.append(
            entry(
                "speech_to_text_failed",
                f"{stt_error_text(language, turn.stt_error)}; {details['typed_instead']}",
            )
        )
    evaluation = ProcessingStatus(turn.evaluation_status)
    if evaluation is ProcessingStatus.FAILED:
        found.append(
            entry("evaluation_failed", turn.evaluation_error or details["evaluation_failed"])
        )
    elif evaluation is not ProcessingStatus.DONE:
        found.append(entry("evaluation_pending", details["evaluation_pending"]))
    return found


def _verbatim(quotes: Sequence[str], answer: str) -> tuple[list[str], int]:
    """The quotes found word for word in the answer, each once, and how many were not."""
    kept: list[str] = []
    not_found = 0
    for quote in quotes:
        text = quote.strip()
        if not text or text not in answer:
            not_found += 1
        elif text not in kept:
            kept.append(text)
    return kept, not_found


@dataclass(frozen=True)
class JudgedAnswer:
    """One answer on the competency its stage probes, before the report's parts are built."""

    turn: Turn
    score: AnswerScore
    # Some run found evidence enough to give a score (shown or not).
    has_score: bool
    quotes_not_found: int


def _answer_checks(turn: Turn, first_run: TurnEvaluation) -> tuple[list[AnswerCheck], int]:
    answer = turn.answer_text or ""
    checks: list[AnswerCheck] = []
    not_found = 0
    for stored in first_run.checks:
        result = CheckResult.model_validate(stored)
        quotes, missing = _verbatim(result.quotes, answer)
        not_found += missing
        checks.append(
            AnswerCheck(check=result.check, met=result.met and bool(quotes), quotes=quotes)
        )
    return checks, not_found


def judge_answer(turn: Turn, runs: list[TurnEvaluation], numbers_shown: bool) -> JudgedAnswer:
    runs = sorted(runs, key=lambda run: run.run_index)
    run_scores = [run.score for run in runs]
    given = [score for score in run_scores if score is not None]
    evidence, not_found = _verbatim(
        [quote for run in runs for quote in run.evidence], turn.answer_text or ""
    )
    checks, checks_not_found = _answer_checks(turn, runs[0])
    spread = max(given) - min(given) if given else 0
    # Runs that differ on whether there is evidence at all disagree as much as a wide spread.
    split_on_evidence = 0 < len(given) < len(run_scores)
    review_flags: list[str] = []
    for run in runs:
        review_flags.extend(flag for flag in run.review_flags if flag not in review_flags)
    validated = all(run.validated for run in runs)
    score = AnswerScore(
        turn_id=turn.id,
        stage_key=turn.stage_key,
        stage_index=turn.stage_index,
        state="no_evidence" if not given else "scored" if numbers_shown else "not_validated",
        runs=len(runs),
        run_scores=run_scores if numbers_shown else [],
        mean_score=round(fmean(given), 2) if given and numbers_shown else None,
        spread=spread,
        disagreement=spread >= DISAGREEMENT_SPREAD or split_on_evidence,
        evidence=evidence,
        rationale=runs[0].rationale,
        checks=checks,
        review_flags=review_flags,
        evaluator=", ".join(sorted({run.evaluator for run in runs})),
        validated=validated,
    )
    return JudgedAnswer(turn, score, bool(given), not_found + checks_not_found)


def _quotes_of(judged: JudgedAnswer, quotes: Sequence[str]) -> list[EvidenceQuote]:
    turn = judged.turn
    return [
        EvidenceQuote(
            quote=quote, turn_id=turn.id, stage_key=turn.stage_key, stage_index=turn.stage_index
        )
        for quote in quotes
    ]


def _merged_evidence(judged: Sequence[JudgedAnswer]) -> list[EvidenceQuote]:
    """Each quote once across the competency's answers, with the first stage that gave it."""
    merged: list[EvidenceQuote] = []
    for answer in judged:
        for quote in _quotes_of(answer, answer.score.evidence):
            if all(existing.quote != quote.quote for existing in merged):
                merged.append(quote)
    return merged


def _merged_checks(judged: Sequence[JudgedAnswer]) -> list[CompetencyCheck]:
    """Per check, in rubric order: met when any answer met it, with the quotes that show it."""
    merged: list[CompetencyCheck] = []
    for check in EvidenceCheck:
        found = [
            (answer, result)
            for answer in judged
            for result in answer.score.checks
            if result.check is check
        ]
        if not found:
            continue
        evidence: list[EvidenceQuote] = []
        for answer, result in found:
            for quote in _quotes_of(answer, result.quotes if result.met else []):
                if all(existing.quote != quote.quote for existing in evidence):
                    evidence.append(quote)
        merged.append(
            CompetencyCheck(
                check=check, met=any(result.met for _, result in found), evidence=evidence
            )
        )
    return merged


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(item.strip() for item in items if item.strip()))


def _awaiting_result(turn: Turn) -> bool:
    """Answered (or being transcribed) but without a final evaluation yet."""
    if turn.stt_status == ProcessingStatus.PENDING:
        return True
    return turn.answer_text is not None and turn.evaluation_status != ProcessingStatus.DONE


def _competency(
    competency: dict[str, object],
    interview: Interview,
    turns: Sequence[Turn],
    judged_by_turn: dict[uuid.UUID, JudgedAnswer],
    numbers_shown: bool,
    language: ReportLanguage,
) -> CompetencyResult:
    key = str(competency["key"])
    probing = [turn for turn in turns if turn.competency == key]
    judged = [judged_by_turn[turn.id] for turn in probing if turn.id in judged_by_turn]
    with_score = [answer for answer in judged if answer.has_score]
    score: float | None = None
    reason: CompetencyReason
    if judged:
        rationales = _unique([answer.score.rationale for answer in judged])
        if not with_score:
            state, reason = "no_evidence", "no_evidence"
        elif numbers_shown:
            state, reason = "scored", "evaluated"
            score = round(fmean(a.score.mean_score or 0.0 for a in with_score), 2)
        else:
            state, reason = "not_validated", "evaluated"
    else:
        rationales = []
        awaiting = [turn for turn in probing if _awaiting_result(turn)]
        if awaiting:
            state = "pending"
            failed = all(t.evaluation_status == ProcessingStatus.FAILED for t in awaiting)
            reason = "failed" if failed else "pending"
        else:
            state = "not_probed"
            answered = any(turn.answer_text is not None for turn in probing)
            has_stage = any(stage.get("competency") == key for stage in interview.stages)
            reason = (
                "not_evaluated" if answered else "stage_unanswered" if has_stage else "no_stage"
            )
    return CompetencyResult(
        key=key,
        name=str(competency["name"]),
        description=str(competency.get("description", "")),
        weight=float(competency.get("weight", 1.0)),  # type: ignore[arg-type]
        state=state,
        probed=state != "not_probed",
        score=score,
        reason=competency_reason(language, reason, rationales),
        answers=[answer.score for answer in judged],
        evidence=_merged_evidence(judged),
        checks=_merged_checks(judged),
    )


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
    interview: Interview,
    emotion_analysis: EmotionAnalysis,
    turns: list[Turn],
    language: ReportLanguage,
) -> tuple[list[IntegrityFlagEntry], Observations]:
    gaze_included = interview.consent_video
    emotion_included = (
        interview.consent_video
        and interview.consent_emotion
        and EmotionAnalysis(emotion_analysis) is EmotionAnalysis.OBSERVE
    )
    notes = []
    if not gaze_included:
        notes.append(OBSERVATION_NOTES["no_video"][language])
    if not interview.consent_emotion:
        notes.append(OBSERVATION_NOTES["no_emotion_consent"][language])
    elif EmotionAnalysis(emotion_analysis) is not EmotionAnalysis.OBSERVE:
        notes.append(OBSERVATION_NOTES["emotion_off"][language])
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
        notice=OBSERVATION_NOTICE[language],
        turns=observed,
    )
    return flags, observations


def recommend(
    figures: RuleFigures, numbers_shown: bool, language: ReportLanguage
) -> tuple[Recommendation | None, str]:
    """The rule in the module docstring; the reason is built from the figures only."""
    case: RecommendationCase
    recommendation: Recommendation | None
    coverage = figures.coverage or 0.0
    weighted = figures.weighted_score
    if not numbers_shown:
        recommendation, case = None, "not_validated"
    elif figures.incomplete:
        recommendation, case = Recommendation.HOLD, "incomplete"
    elif figures.probed == 0:
        recommendation, case = Recommendation.HOLD, "nothing_probed"
    elif coverage < REJECT_COVERAGE:
        recommendation, case = Recommendation.REJECT, "low_coverage"
    elif weighted is None or weighted <= REJECT_AT:
        recommendation, case = Recommendation.REJECT, "low_score"
    elif weighted >= ADVANCE_AT and coverage >= ADVANCE_COVERAGE:
        recommendation, case = Recommendation.ADVANCE, "advance"
    elif weighted >= ADVANCE_AT:
        recommendation, case = Recommendation.HOLD, "partial_coverage"
    else:
        recommendation, case = Recommendation.HOLD, "middle"
    reason = recommendation_reason(
        language,
        case,
        figures,
        advance_at=ADVANCE_AT,
        reject_at=REJECT_AT,
        advance_coverage=ADVANCE_COVERAGE,
        reject_coverage=REJECT_COVERAGE,
    )
    return recommendation, reason


def _weighted(results: Sequence[CompetencyResult]) -> float | None:
    total = sum(result.weight for result in results)
    if not results or total <= 0:
        return None
    return sum(result.weight * (result.score or 0.0) for result in results) / total


def _human_review(
    language: ReportLanguage,
    flags: Sequence[IntegrityFlagEntry],
    answers: Sequence[AnswerScore],
    disagreements: Sequence[AnswerScore],
) -> list[str]:
    reviews: list[str] = []
    if flags:
        kinds = sorted({str(flag.kind) for flag in flags})
        reviews.append(integrity_review(language, len(flags), kinds))
    reviews.extend(
        answer_review(language, answer.stage_key, flag)
        for answer in answers
        for flag in answer.review_flags
    )
    if disagreements:
        reviews.append(disagreement_review(language, [a.stage_key for a in disagreements]))
    return reviews


def _scoring(
    language: ReportLanguage,
    used_runs: Sequence[TurnEvaluation],
    numbers_shown: bool,
    answers: Sequence[AnswerScore],
) -> Scoring:
    state: ScoringState = (
        "not_evaluated" if not used_runs else "validated" if numbers_shown else "not_validated"
    )
    configuration = Configuration(
        evaluators=sorted({run.evaluator for run in used_runs}),
        model_ids=sorted({run.model_id for run in used_runs}),
        prompt_versions=sorted({run.prompt_version for run in used_runs if run.prompt_version}),
    )
    not_model_evaluated = sum(
        1 for answer in answers if DETERMINISTIC_EVALUATOR in answer.evaluator.split(", ")
    )
    return Scoring(
        state=state,
        statement=scoring_statement(language, state, configuration, not_model_evaluated),
        evaluators=list(configuration.evaluators),
        model_ids=list(configuration.model_ids),
        methods=sorted({run.method for run in used_runs if run.method}),
        prompt_versions=list(configuration.prompt_versions),
        not_model_evaluated=not_model_evaluated,
    )


def assemble_report(inputs: ReportInputs) -> ReportContent:
    interview, job = inputs.interview, inputs.job
    language = report_language(interview.language)
    turns = sorted(inputs.turns, key=lambda turn: turn.stage_index)
    missing = [entry for turn in turns for entry in _missing_parts(turn, language)]

    # The runs used: each evaluated answer on the one competency its stage probes.
    keys = {str(c["key"]) for c in job.competencies}
    runs_by_turn: dict[uuid.UUID, list[TurnEvaluation]] = {}
    for turn in turns:
        if turn.answer_text is None or turn.evaluation_status != ProcessingStatus.DONE:
            continue
        if turn.competency not in keys:
            continue
        runs = [
            run
            for run in inputs.evaluations
            if run.turn_id == turn.id and run.competency == turn.competency
        ]
        if runs:
            runs_by_turn[turn.id] = runs
    used_runs = [run for runs in runs_by_turn.values() for run in runs]
    numbers_shown = all(run.validated for run in used_runs)

    turn_by_id = {turn.id: turn for turn in turns}
    judged_by_turn = {
        turn_id: judge_answer(turn_by_id[turn_id], runs, numbers_shown)
        for turn_id, runs in runs_by_turn.items()
    }
    competencies = [
        _competency(competency, interview, turns, judged_by_turn, numbers_shown, language)
        for competency in job.competencies
    ]

    probed = [c for c in competencies if c.state in ("scored", "no_evidence", "not_validated")]
    covered = [c for c in probed if c.state != "no_evidence"]
    probed_weight = sum(c.weight for c in probed)
    coverage = (
        round(sum(c.weight for c in covered) / probed_weight, 2) if probed_weight > 0 else None
    )
    scored = [c for c in competencies if c.state == "scored"]
    weighted = _weighted(scored)
    weighted_score = round(weighted, 2) if weighted is not None else None

    def highlight(result: CompetencyResult) -> Highlight:
        return Highlight(
            competency=result.key,
            name=result.name,
            score=result.score or 0.0,
            evidence=result.evidence,
        )

    strengths = [highlight(c) for c in scored if (c.score or 0) >= STRENGTH_AT and c.evidence]
    areas = [highlight(c) for c in scored if (c.score or 0) <= IMPROVE_AT and c.evidence]

    all_answers = sorted(
        (judged.score for judged in judged_by_turn.values()), key=lambda a: a.stage_index
    )
    disagreements = [answer for answer in all_answers if answer.disagreement]
    reliability = Reliability(
        evaluation_runs=max((a.runs for a in all_answers), default=0),
        disagreement_threshold=DISAGREEMENT_SPREAD,
        disagreements=disagreements,
        max_spread=max((a.spread for a in all_answers), default=0),
        quotes_not_found=sum(judged.quotes_not_found for judged in judged_by_turn.values()),
    )
    flags, observations = _vision(interview, inputs.emotion_analysis, turns, language)
    incomplete_turns = {m.turn_id for m in missing if m.part in INCOMPLETE_PARTS}
    recommendation, reason = recommend(
        RuleFigures(
            weighted_score=weighted_score,
            coverage=coverage,
            covered=len(covered),
            probed=len(probed),
            answered=sum(1 for turn in turns if turn.answer_text is not None),
            incomplete=len(incomplete_turns),
            disagreements=len(disagreements),
        ),
        numbers_shown,
        language,
    )
    return ReportContent(
        interview_id=interview.id,
        job_id=job.id,
        job_title=job.title,
        candidate_email=interview.candidate_email,
        language=interview.language,
        interview_status=str(interview.status),
        completed_at=interview.completed_at,
        scoring=_scoring(language, used_runs, numbers_shown, all_answers),
        competencies=competencies,
        weighted_score=weighted_score,
        coverage=coverage,
        strengths=strengths,
        areas_to_improve=areas,
        communication=_communication(turns),
        integrity_flags=flags,
        human_review=_human_review(language, flags, all_answers, disagreements),
        observations=observations,
        missing=missing,
        reliability=reliability,
        recommendation=recommendation,
        recommendation_reason=reason,
        provenance=Provenance(
            evaluators=sorted({run.evaluator for run in used_runs}),
            model_ids=sorted({run.model_id for run in used_runs}),
            prompt_versions=sorted({run.prompt_version for run in used_runs if run.prompt_version}),
            scenario_key=interview.scenario_key,
            scenario_version=interview.scenario_version,
            rubric_version=rubric_version(job.competencies, interview.language),
            assembly_version=ASSEMBLY_VERSION,
        ),
    )


def candidate_summary(content: ReportContent) -> CandidateSummary:
    """The candidate's view: criteria, scores when shown, their own quoted words and the
    method; the explanation never speaks of scores the report does not show."""
    scores_hidden = content.scoring.state == "not_validated"
    return CandidateSummary(
        interview_id=content.interview_id,
        job_title=content.job_title,
        completed_at=content.completed_at,
        criteria=[
            SummaryCompetency(
                name=c.name,
                description=c.description,
                weight=c.weight,
                state=c.state,
                score=c.score,
            )
            for c in content.competencies
        ],
        strengths=content.strengths,
        areas_to_improve=content.areas_to_improve,
        explanation=SUMMARY_EXPLANATION[report_language(content.language)][not scores_hidden],
    )
