"""The report's sentences in the interview's language (English or Korean). Every sentence is
built from figures and stored values only: nothing here is generated text."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

ReportLanguage = Literal["en", "ko"]


def report_language(language: str) -> ReportLanguage:
    return "ko" if language == "ko" else "en"


def _listed(items: Sequence[str], none: str) -> str:
    return ", ".join(items) if items else none


@dataclass(frozen=True)
class Configuration:
    """The evaluator configuration a report's runs came from, as the scoring block names it."""

    evaluators: Sequence[str]
    model_ids: Sequence[str]
    prompt_versions: Sequence[str]

    def describe(self, language: ReportLanguage) -> str:
        unknown = "unrecorded" if language == "en" else "기록 없음"
        if language == "ko":
            return (
                f"평가기 {_listed(self.evaluators, unknown)}, "
                f"모델 {_listed(self.model_ids, unknown)}, "
                f"프롬프트 버전 {_listed(self.prompt_versions, unknown)}"
            )
        return (
            f"evaluator {_listed(self.evaluators, unknown)}; "
            f"model {_listed(self.model_ids, unknown)}; "
            f"prompt version {_listed(self.prompt_versions, unknown)}"
        )


# --- the scoring block ------------------------------------------------------------------------


def scoring_statement(
    language: ReportLanguage,
    state: Literal["validated", "not_validated", "not_evaluated"],
    configuration: Configuration,
    not_model_evaluated: int,
) -> str:
    described = configuration.describe(language)
    if state == "not_evaluated":
        statement = (
            "아직 평가된 답변이 없어 점수가 없습니다."
            if language == "ko"
            else "No answer has been evaluated yet, so there are no scores."
        )
    elif state == "validated":
        statement = (
            f"점수는 이 언어의 점수 타당성 기준을 통과한 평가 구성({described})에서 나왔습니다."
            if language == "ko"
            else (
                "The scores come from an evaluator configuration that met the score-validity "
                f"benchmark for this language ({described})."
            )
        )
    else:
        statement = (
            f"이 평가 구성({described})은 점수 타당성 기준을 통과하지 못했습니다. 그래서 이 "
            "보고서는 점수와 추천을 제시하지 않습니다. 아래의 확인된 근거와 점검 결과를 보고 "
            "채용 담당자가 직접 판단해 주세요."
            if language == "ko"
            else (
                f"This evaluator configuration ({described}) did not meet the score-validity "
                "benchmark, so this report gives no numeric scores and no recommendation. "
                "The verified evidence and checks below are for the recruiter to judge."
            )
        )
    if not_model_evaluated:
        statement += (
            f" 답변 {not_model_evaluated}개는 모델이 아닌 대체 규칙으로 처리되었습니다"
            "(모델 평가 아님)."
            if language == "ko"
            else (
                f" {not_model_evaluated} answer(s) were not evaluated by the model: the "
                "fallback rules handled them."
            )
        )
    return statement


# --- per competency ---------------------------------------------------------------------------

CompetencyReason = Literal[
    "no_stage", "stage_unanswered", "not_evaluated", "pending", "failed", "no_evidence", "evaluated"
]

COMPETENCY_REASONS: dict[ReportLanguage, dict[CompetencyReason, str]] = {
    "en": {
        "no_stage": "Not probed by this interview: no stage asked about it.",
        "stage_unanswered": (
            "Not probed by this interview: the stage that asks about it was not answered."
        ),
        "not_evaluated": (
            "Not probed by this interview: its answer was not evaluated for this competency."
        ),
        "pending": "Its answer is still being transcribed or evaluated.",
        "failed": "Its answer could not be evaluated (see the missing parts).",
        "no_evidence": "No evidence: the answers did not show this competency.",
        "evaluated": "The evaluator gave no reason.",
    },
    "ko": {
        "no_stage": "이번 면접에서 다루지 않음: 이 역량을 묻는 단계가 없었습니다.",
        "stage_unanswered": "이번 면접에서 다루지 않음: 이 역량을 묻는 단계에 답변이 없었습니다.",
        "not_evaluated": "이번 면접에서 다루지 않음: 답변이 이 역량으로 평가되지 않았습니다.",
        "pending": "답변을 아직 글로 옮기거나 평가하는 중입니다.",
        "failed": "답변을 평가하지 못했습니다(누락된 부분 참고).",
        "no_evidence": "근거 없음: 답변에서 이 역량이 드러나지 않았습니다.",
        "evaluated": "평가기가 이유를 남기지 않았습니다.",
    },
}


def competency_reason(
    language: ReportLanguage, reason: CompetencyReason, rationales: Sequence[str] = ()
) -> str:
    """The evaluator's own rationales (written in the interview's language) when there are
    any, after the state's sentence for "no evidence"; otherwise the state's sentence."""
    fixed = COMPETENCY_REASONS[language][reason]
    said = " ".join(rationales)
    if reason == "no_evidence":
        return f"{fixed} {said}".strip()
    if reason == "evaluated":
        return said or fixed
    return fixed


# --- the recommendation -----------------------------------------------------------------------


@dataclass(frozen=True)
class RuleFigures:
    """What the recommendation rule reads: competency scores and their coverage only."""

    weighted_score: float | None
    coverage: float | None
    covered: int
    probed: int
    answered: int
    incomplete: int
    disagreements: int


def _figures(language: ReportLanguage, figures: RuleFigures) -> str:
    coverage = f"{(figures.coverage or 0.0):.0%}"
    if figures.weighted_score is None:
        return (
            f"다룬 역량 {figures.probed}개 중 근거가 있는 역량이 없습니다(가중치 기준 근거 비율 "
            f"{coverage})"
            if language == "ko"
            else (
                f"None of the {figures.probed} probed competencies showed evidence "
                f"(coverage {coverage} of their weight)"
            )
        )
    return (
        f"다룬 역량 {figures.probed}개 중 {figures.covered}개에서 나온 가중 점수 "
        f"{figures.weighted_score:.2f}/5(가중치 기준 근거 비율 {coverage})"
        if language == "ko"
        else (
            f"Weighted score {figures.weighted_score:.2f} of 5 over {figures.covered} of "
            f"{figures.probed} probed competencies (coverage {coverage} of their weight)"
        )
    )


RecommendationCase = Literal[
    "not_validated",
    "incomplete",
    "nothing_probed",
    "low_coverage",
    "low_score",
    "advance",
    "partial_coverage",
    "middle",
]


def recommendation_reason(
    language: ReportLanguage,
    case: RecommendationCase,
    figures: RuleFigures,
    advance_at: float,
    reject_at: float,
    advance_coverage: float,
    reject_coverage: float,
) -> str:
    ko = language == "ko"
    if case == "not_validated":
        reason = (
            "이 평가 구성은 점수 타당성 기준을 통과하지 못해 추천의 근거가 될 점수가 없습니다. "
            "근거와 점검 결과를 보고 직접 판단해 주세요"
            if ko
            else (
                "This evaluator configuration did not meet the score-validity benchmark, so "
                "there are no scores to recommend from; judge the evidence and checks yourself"
            )
        )
    elif case == "incomplete":
        reason = (
            f"답변한 {figures.answered}개 중 {figures.incomplete}개의 결과가 아직 없어 보류합니다"
            if ko
            else (
                f"{figures.incomplete} of {figures.answered} answered turns have no final "
                "result yet, so the report holds"
            )
        )
    elif case == "nothing_probed":
        reason = (
            "평가를 마친 답변이 다룬 역량이 없어 추천할 근거가 없습니다"
            if ko
            else (
                "No competency was probed by an answered, evaluated stage, so there is "
                "nothing to recommend from"
            )
        )
    else:
        score = _figures(language, figures)
        advance_share, reject_share = f"{advance_coverage:.0%}", f"{reject_coverage:.0%}"
        reason = {
            "low_coverage": (
                f"{score}: 근거 비율이 {reject_share} 미만입니다"
                if ko
                else f"{score}: coverage is below {reject_share}"
            ),
            "low_score": (
                f"{score}: {reject_at} 이하입니다" if ko else f"{score} is at most {reject_at}"
            ),
            "advance": (
                f"{score}: {advance_at} 이상이고 근거 비율이 {advance_share} 이상입니다"
                if ko
                else f"{score} is at least {advance_at} with coverage of at least {advance_share}"
            ),
            "partial_coverage": (
                f"{score}: {advance_at} 이상이지만 근거 비율이 {advance_share} 미만입니다"
                if ko
                else f"{score} is at least {advance_at}, but coverage is below {advance_share}"
            ),
            "middle": (
                f"{score}: {reject_at}에서 {advance_at} 사이입니다"
                if ko
                else f"{score} is between {reject_at} and {advance_at}"
            ),
        }[case]
    if figures.disagreements:
        reason += (
            f"; 평가 실행 간 결과가 엇갈린 답변이 {figures.disagreements}개 있습니다"
            if ko
            else f"; the evaluation runs disagree on {figures.disagreements} answer(s)"
        )
    return reason + "."


# --- for a person to look at ------------------------------------------------------------------


def integrity_review(language: ReportLanguage, count: int, kinds: Sequence[str]) -> str:
    listed = ", ".join(kinds)
    if language == "ko":
        return (
            f"무결성 플래그 {count}건({listed}): 결정하기 전에 표시된 구간을 직접 확인해 주세요. "
            "플래그는 추천에 반영되지 않습니다."
        )
    return (
        f"{count} integrity flag(s) raised ({listed}): look at the flagged stretches before "
        "deciding. Flags never change the recommendation."
    )


def answer_review(language: ReportLanguage, stage_key: str, flag: str) -> str:
    if language == "ko":
        return f"'{stage_key}' 단계 답변: {flag}"
    return f"Answer at stage '{stage_key}': {flag}"


def disagreement_review(language: ReportLanguage, stage_keys: Sequence[str]) -> str:
    listed = ", ".join(stage_keys)
    if language == "ko":
        return (
            f"평가 실행 간 결과가 엇갈린 답변 {len(stage_keys)}개({listed}): 해당 답변을 직접 "
            "읽어 주세요."
        )
    return (
        f"The evaluation runs disagree on {len(stage_keys)} answer(s) ({listed}): read those "
        "answers yourself."
    )


# --- the candidate's summary ------------------------------------------------------------------

SUMMARY_EXPLANATION: dict[ReportLanguage, dict[bool, str]] = {
    "en": {
        True: (
            "Each answer was scored from 1 to 5 on the competency its question asked about, "
            "using only what you said; every score cites your own words. A competency's score "
            "is the mean over the answers that assessed it, and the overall score weights "
            "competencies as shown. People at the organisation make the decision."
        ),
        False: (
            "Each answer was reviewed for evidence of the competency its question asked about, "
            "using only what you said. No numeric scores are given: the automatic evaluation "
            "used has not met the platform's validity benchmark, so people at the "
            "organisation read your answers themselves and make the decision."
        ),
    },
    "ko": {
        True: (
            "각 답변은 해당 질문이 묻는 역량에 대해 1점에서 5점까지 답변 내용만으로 "
            "평가되었으며, 모든 점수에는 지원자의 실제 발언이 근거로 인용됩니다. 역량 점수는 "
            "해당 역량을 평가한 답변 점수의 평균이며, 전체 점수는 표시된 가중치로 계산됩니다. "
            "최종 결정은 담당자가 내립니다."
        ),
        False: (
            "각 답변은 해당 질문이 묻는 역량의 근거가 있는지 답변 내용만으로 검토되었습니다. "
            "사용된 자동 평가가 플랫폼의 타당성 기준을 아직 통과하지 못해 점수는 제시하지 "
            "않으며, 담당자가 답변을 직접 읽고 결정합니다."
        ),
    },
}
