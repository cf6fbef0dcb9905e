"""An adapter's benchmark: the same labelled cases through the real generation and evaluation
paths, once on the base model and once with the adapter, before anyone activates it.

Question quality: each case goes through `generate_question` (what the GPU worker runs); the
figures are the share the model wrote itself (accepted first or on the second attempt), the
share in the case's language ending in a question mark, and the median latency. Score
validity: strong and weak answers to one question (a pair) go through `evaluate_answer`; the
figures are the share of pairs the strong answer scored higher, and the mean gap ("no
evidence" counts as level 1, as in bench/score_validity.py).

Without cases of its own, a request runs the packaged ones (benchmark_cases.json: a subset of
bench/data/, with its version in the result).
"""

import hashlib
import json
import statistics
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

from ai_worker.llm.evaluation import evaluate_answer
from ai_worker.llm.generation import generate_question
from ai_worker.llm.loader import LoadedLLM
from ai_worker.llm.validation import language_share
from interview_contracts.llm import (
    CompetencySpec,
    EvaluationRequest,
    Language,
    PreviousTurn,
    QuestionRequest,
    QuestionSource,
)
from interview_contracts.training import (
    AdapterBenchmarkRequest,
    AdapterBenchmarkResult,
    BenchmarkFigures,
    ScoreCase,
)

CASES_PATH = Path(__file__).with_name("benchmark_cases.json")
# The validator's bar for "in the interview's language" (validation.question_problems).
LANGUAGE_SHARE: dict[Language, float] = {"en": 0.95, "ko": 0.6}
_QUESTION_MARKS = ("?", "\uff1f")
_MODEL_WRITTEN = {QuestionSource.LLM, QuestionSource.LLM_REPAIRED}
_EVALUATION_CONCURRENCY = 8
# Stable ids for the packaged cases: the same case is the same request on every run.
_CASE_IDS = uuid.UUID("6f1d3c1e-8a52-4f7e-9b0e-5c2d7a1b9e40")


@lru_cache
def packaged_cases() -> tuple[str, tuple[QuestionRequest, ...], tuple[ScoreCase, ...]]:
    """The packaged cases' version, question requests and score cases."""
    data = json.loads(CASES_PATH.read_text())
    questions = tuple(
        question_request(case, language)
        for language, cases in data["question_cases"].items()
        for case in cases
    )
    scores = tuple(
        case
        for language, pairs in data["score_pairs"].items()
        for pair in pairs
        for case in score_cases_of(pair, language, data["competencies"])
    )
    return str(data["version"]), questions, scores


def question_request(case: dict[str, Any], language: Language) -> QuestionRequest:
    """A case of question_cases.json as the request the backend would send for it."""
    follow_up = case["stage_type"] == "followup"
    previous = (
        [PreviousTurn(question=case["previous_question"], answer=case["previous_answer"])]
        if follow_up
        else []
    )
    return QuestionRequest(
        interview_id=uuid.uuid5(_CASE_IDS, case["id"]),
        language=language,
        stage_key=case["stage_key"],
        stage_type=case["stage_type"],
        competency=case["competency"],
        competency_name=case["competency_name"],
        competency_description=case["competency_description"],
        job_title=case["job_title"],
        job_description=case["job_description"],
        resume_excerpts=case["resume_excerpts"],
        previous_turns=previous,
        asked_questions=[case["previous_question"]] if case["previous_question"] else [],
        bank_question=case["bank_question"],
    )


def score_cases_of(
    pair: dict[str, Any], language: Language, competencies: dict[str, Any]
) -> list[ScoreCase]:
    """A strong/weak pair of score_pairs_<lang>.json as two labelled evaluation requests."""
    key = pair["competency"]
    spec = competencies[key]
    competency = CompetencySpec(
        key=key,
        name=spec["name"],
        description=spec["description"],
        strong_anchor=spec["strong_anchor"][language],
    )
    return [
        ScoreCase(
            request=EvaluationRequest(
                turn_id=uuid.uuid5(_CASE_IDS, f"{pair['id']}-{kind}"),
                language=language,
                question=pair["question"],
                answer=pair[kind],
                competencies=[competency],
            ),
            competency=key,
            expected_level=pair[f"{kind}_level"],
            pair=f"{language}:{pair['id']}",
        )
        for kind in ("strong", "weak")
    ]


def is_valid_question(text: str, language: Language) -> bool:
    """In the case's language and ending in a question mark, whoever wrote it."""
    return text.rstrip().endswith(_QUESTION_MARKS) and (
        language_share(text, language) >= LANGUAGE_SHARE[language]
    )


def _level(score: int | None) -> int:
    return 1 if score is None else score


def _pairs(score_cases: list[ScoreCase]) -> list[tuple[ScoreCase, ScoreCase]]:
    """(strong, weak) per pair key, in first-seen order."""
    grouped: dict[str, list[ScoreCase]] = defaultdict(list)
    for case in score_cases:
        grouped[case.pair].append(case)
    pairs = []
    for key, cases in grouped.items():
        if len(cases) != 2 or cases[0].expected_level == cases[1].expected_level:
            raise ValueError(
                f"score pair {key!r} needs one strong and one weak answer (two cases with "
                "different expected levels)"
            )
        strong, weak = sorted(cases, key=lambda c: c.expected_level, reverse=True)
        pairs.append((strong, weak))
    return pairs


def _score(llm: LoadedLLM, case: ScoreCase) -> int:
    evaluation = evaluate_answer(case.request, llm=llm)
    scores = {score.competency: score.score for score in evaluation.scores}
    return _level(scores.get(case.competency))


def benchmark(
    llm: LoadedLLM, question_cases: list[QuestionRequest], score_cases: list[ScoreCase]
) -> BenchmarkFigures:
    """One model's (or adapted model's) figures on the cases; None where a kind has none."""
    pairs = _pairs(score_cases)
    written = valid = 0
    latencies: list[float] = []
    for request in question_cases:
        question = generate_question(request, llm=llm)
        written += question.source in _MODEL_WRITTEN
        valid += is_valid_question(question.text, request.language)
        latencies.append(question.latency_ms)
    # Answers are read concurrently, as the CPU role's processes would send them: the batcher
    # (or the engine) batches them; questions go one at a time, so their latency is one
    # interview's.
    with ThreadPoolExecutor(_EVALUATION_CONCURRENCY) as pool:
        levels = list(pool.map(lambda case: _score(llm, case), [c for p in pairs for c in p]))
    gaps = [strong - weak for strong, weak in zip(levels[::2], levels[1::2], strict=True)]
    asked = len(question_cases)
    return BenchmarkFigures(
        question_cases=asked,
        model_question_share=round(written / asked, 3) if asked else None,
        valid_question_share=round(valid / asked, 3) if asked else None,
        question_latency_p50_ms=round(statistics.median(latencies), 1) if latencies else None,
        score_pairs=len(pairs),
        pair_accuracy=round(sum(gap > 0 for gap in gaps) / len(gaps), 3) if gaps else None,
        mean_score_gap=round(statistics.fmean(gaps), 3) if gaps else None,
    )


def _cases_of(
    request: AdapterBenchmarkRequest,
) -> tuple[str, list[QuestionRequest], list[ScoreCase]]:
    if not request.question_cases and not request.score_cases:
        version, questions, scores = packaged_cases()
        return version, list(questions), list(scores)
    # The request's own cases: named by their content, so equal runs compare.
    identity = json.dumps(
        [
            [c.model_dump(mode="json") for c in request.question_cases],
            [c.model_dump(mode="json") for c in request.score_cases],
        ],
        sort_keys=True,
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:12]
    return f"request-{digest}", list(request.question_cases), list(request.score_cases)


def limited_cases(
    request: AdapterBenchmarkRequest, questions: list[QuestionRequest], scores: list[ScoreCase]
) -> tuple[list[QuestionRequest], list[ScoreCase]]:
    """The first cases of each language within the request's limits (pairs stay whole)."""
    pair_limit = (
        request.score_pair_limit if request.score_pair_limit is not None else request.case_limit
    )
    kept_questions: list[QuestionRequest] = []
    per_language: dict[str, int] = defaultdict(int)
    for question in questions:
        if request.case_limit is None or per_language[question.language] < request.case_limit:
            per_language[question.language] += 1
            kept_questions.append(question)
    pairs_by_language: dict[str, list[str]] = defaultdict(list)
    for case in scores:
        keys = pairs_by_language[case.request.language]
        if case.pair not in keys:
            keys.append(case.pair)
    allowed = {
        pair
        for keys in pairs_by_language.values()
        for pair in (keys if pair_limit is None else keys[:pair_limit])
    }
    return kept_questions, [case for case in scores if case.pair in allowed]


def run_adapter_benchmark(
    request: AdapterBenchmarkRequest, base: LoadedLLM, adapted: LoadedLLM
) -> AdapterBenchmarkResult:
    """The cases on the base model, then on the base with the adapter."""
    started = time.monotonic()
    version, questions, scores = _cases_of(request)
    questions, scores = limited_cases(request, questions, scores)
    return AdapterBenchmarkResult(
        adapter_id=request.adapter.adapter_id,
        base=benchmark(base, questions, scores),
        adapter=benchmark(adapted, questions, scores),
        cases_version=version,
        duration_s=time.monotonic() - started,
    )
