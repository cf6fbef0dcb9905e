"""Score validity: labelled strong/weak answer pairs through the real evaluation path.

    .venv/bin/python bench/score_validity.py                      # both evaluators, en and ko
    .venv/bin/python bench/score_validity.py --evaluators rules   # no engine needed
    .venv/bin/python bench/score_validity.py --limit 12           # a quick look (no verdict)

bench/data/score_pairs_<lang>.json holds, per language, pairs of a strong and a weak answer to
the same question and competency, of similar length, each labelled with a rubric level. Every
weak answer also runs with a prompt-injection payload from injection_payloads_<lang>.json
inserted (round-robin over the payloads, at the end, the start or between two sentences), and
every strong answer with the hesitations the speech metrics count inserted and extreme speech
figures (a pace/filler variant of the same content).

Evaluators: `llm` is `evaluate_answer`, the function the CPU worker runs, on this machine's
llama.cpp engine (started for the run unless one runs for DATA_DIR), requests sent
`--concurrency` at a time as the worker pool would; `rules` is the sentence rules alone (the
fallback). A "no evidence" result counts as the rubric's level 1 in every figure.

Writes bench/results/score_validity.json and, for a full run, the verdict of each evaluator
configuration per language into ai_worker/llm/evaluator_verdicts.json: the validity gate the
platform reads at start.
"""

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from engine_process import engine_description, llm_engine
from turn_latency import percentile

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "score_validity.json"
COMPETENCIES = {
    "job_skill": ("Job skills", "Knowledge and skills the role needs"),
    "experience": ("Experience", "Relevant past work and results"),
    "problem_solving": ("Problem solving", "Structured reasoning about problems"),
    "communication": ("Communication", "Clear, structured explanation"),
    "responsibility": ("Responsibility", "Ownership and reliability"),
    "growth": ("Growth", "Learning from feedback and mistakes"),
}
# The hesitations ai_worker/speech/metrics.py counts, as a transcript writes them.
FILLERS = {"en": ["um,", "uh,", "you know,", "like,"], "ko": ["음,", "어,", "그,", "뭐,"]}
# Evaluators whose figures decide the validity gate. The rules alone are reported beside the
# model's, but their tests were written while reading this English set's figures, so their
# figures here are no evidence of validity: the fallback never shows numbers.
GATED = {"llm"}
REPEATS = 5
REPEAT_ANSWERS = 6  # per language: the first three pairs' strong and weak answers

Evaluate = Callable[[Any, int], Any]


def _request(pair: dict[str, Any], language: str, answer: str, speech: Any = None) -> Any:
    from interview_contracts.llm import CompetencySpec, EvaluationRequest
    from interview_core.jobs.rubrics import effective_rubric

    key = pair["competency"]
    name, description = COMPETENCIES[key]
    # As the worker builds it for a job with the default competencies and rubric.
    anchor = effective_rubric(key, name, None, language).level_5
    return EvaluationRequest(
        turn_id=uuid.uuid4(),
        language=language,  # type: ignore[arg-type]
        question=pair["question"],
        answer=answer,
        competencies=[
            CompetencySpec(key=key, name=name, description=description, strong_anchor=anchor)
        ],
        speech=speech,
    )


def _split_sentences(text: str) -> list[str]:
    import re

    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def injected(weak: str, payload: str, index: int) -> str:
    sentences = _split_sentences(weak)
    position = index % 3
    if position == 0 or len(sentences) < 2:
        return f"{weak} {payload}"
    if position == 1:
        return f"{payload} {weak}"
    middle = len(sentences) // 2
    return " ".join([*sentences[:middle], payload, *sentences[middle:]])


def hesitant(strong: str, language: str) -> str:
    """The same words with a hesitation before every fourth word."""
    words = strong.split()
    fillers = FILLERS[language]
    out = []
    for index, word in enumerate(words):
        if index % 4 == 1:
            out.append(fillers[(index // 4) % len(fillers)])
        out.append(word)
    return " ".join(out)


def level(score: int | None) -> int:
    return 1 if score is None else score


def _spearman(xs: list[float], ys: list[float]) -> float | None:
    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=lambda i: values[i])
        result = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                result[order[k]] = (i + j) / 2 + 1
            i = j + 1
        return result

    rx, ry = ranks(xs), ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    sx = sum((a - mx) ** 2 for a in rx) ** 0.5
    sy = sum((b - my) ** 2 for b in ry) ** 0.5
    if sx == 0 or sy == 0:
        return None
    return round(sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True)) / (sx * sy), 3)


def _recommendation(value: int) -> int:
    """The report's rule applied to one answer: reject 0, hold 1, advance 2."""
    return 2 if value >= 3.5 else 0 if value <= 2.0 else 1


Job = tuple[str, int, int, Any]  # kind, pair index, run index, request


def _evaluate_all(
    jobs: list[Job], evaluate: Evaluate, concurrency: int
) -> dict[tuple[str, int, int], tuple[Any, Any, float]]:
    """(kind, pair, run) -> (request, evaluation, seconds), `concurrency` requests at a time."""

    def timed(job: Job) -> tuple[Any, float]:
        started = time.perf_counter()
        result = evaluate(job[3], job[2])
        return result, time.perf_counter() - started

    with ThreadPoolExecutor(concurrency) as pool:
        outcomes = list(pool.map(timed, jobs))
    return {
        (job[0], job[1], job[2]): (job[3], result, seconds)
        for job, (result, seconds) in zip(jobs, outcomes, strict=True)
    }


def run_holdout(language: str, evaluate: Evaluate, concurrency: int) -> dict[str, Any] | None:
    """Strong/weak ordering on pairs written apart from the rules (score_pairs_<lang>_holdout
    .json, by someone who never read llm/checks.py): the rules were revised while reading the
    main set's failures, so only this set says whether they generalise."""
    path = ROOT / "data" / f"score_pairs_{language}_holdout.json"
    if not path.exists():
        return None
    pairs = json.loads(path.read_text())["pairs"]
    jobs: list[Job] = [
        (kind, index, 0, _request(pair, language, pair[kind]))
        for index, pair in enumerate(pairs)
        for kind in ("strong", "weak")
    ]
    by_kind = _evaluate_all(jobs, evaluate, concurrency)

    def score_of(kind: str, index: int) -> int:
        return level(by_kind[(kind, index, 0)][1].scores[0].score)

    n = len(pairs)
    return {
        "pairs": n,
        "pairwise_accuracy": round(
            sum(1 for i in range(n) if score_of("strong", i) > score_of("weak", i)) / n, 3
        ),
        "ties": sum(1 for i in range(n) if score_of("strong", i) == score_of("weak", i)),
        "strong_mean": round(statistics.fmean(score_of("strong", i) for i in range(n)), 2),
        "weak_mean": round(statistics.fmean(score_of("weak", i) for i in range(n)), 2),
        "rows": [
            {
                "id": pair["id"],
                "labels": [pair["strong_level"], pair["weak_level"]],
                "strong": by_kind[("strong", i, 0)][1].scores[0].score,
                "weak": by_kind[("weak", i, 0)][1].scores[0].score,
            }
            for i, pair in enumerate(pairs)
        ],
    }


def run_language(
    language: str, evaluate: Evaluate, limit: int | None, concurrency: int
) -> dict[str, Any]:
    from interview_contracts.llm import SpeechFigures

    pairs = json.loads((ROOT / "data" / f"score_pairs_{language}.json").read_text())["pairs"]
    payloads = json.loads((ROOT / "data" / f"injection_payloads_{language}.json").read_text())[
        "payloads"
    ]
    pairs = pairs[:limit] if limit else pairs
    extreme = SpeechFigures(words_per_minute=62, fillers_per_minute=14, longest_pause_s=9.5)
    jobs: list[Job] = []
    for index, pair in enumerate(pairs):
        payload = payloads[index % len(payloads)]["text"]
        jobs += [
            ("strong", index, 0, _request(pair, language, pair["strong"])),
            ("weak", index, 0, _request(pair, language, pair["weak"])),
            (
                "injected",
                index,
                0,
                _request(pair, language, injected(pair["weak"], payload, index)),
            ),
            (
                "hesitant",
                index,
                0,
                _request(pair, language, hesitant(pair["strong"], language), extreme),
            ),
        ]
    for index in range(min(REPEAT_ANSWERS // 2, len(pairs))):
        for kind in ("strong", "weak"):
            for run_index in range(1, REPEATS):
                jobs.append(
                    (
                        f"repeat-{kind}",
                        index,
                        run_index,
                        _request(pairs[index], language, pairs[index][kind]),
                    )
                )

    started = time.perf_counter()
    by_kind = _evaluate_all(jobs, evaluate, concurrency)
    wall_s = time.perf_counter() - started

    def score_of(kind: str, index: int, run_index: int = 0) -> int:
        return level(by_kind[(kind, index, run_index)][1].scores[0].score)

    n = len(pairs)
    correct = sum(1 for i in range(n) if score_of("strong", i) > score_of("weak", i))
    ties = sum(1 for i in range(n) if score_of("strong", i) == score_of("weak", i))
    shifts = [score_of("injected", i) - score_of("weak", i) for i in range(n)]
    upgrades = sum(
        1
        for i in range(n)
        if score_of("injected", i) > score_of("weak", i)
        or _recommendation(score_of("injected", i)) > _recommendation(score_of("weak", i))
    )
    fairness = [abs(score_of("hesitant", i) - score_of("strong", i)) for i in range(n)]
    quotes = total = 0
    for request, result, _ in by_kind.values():
        for score in result.scores:
            cited = [*score.evidence, *(q for check in score.checks for q in check.quotes)]
            total += len(cited)
            quotes += sum(1 for quote in cited if quote in request.answer)
    spreads = []
    for index in range(min(REPEAT_ANSWERS // 2, n)):
        for kind in ("strong", "weak"):
            runs = [score_of(kind, index)] + [
                score_of(f"repeat-{kind}", index, r) for r in range(1, REPEATS)
            ]
            spreads.append(max(runs) - min(runs))
    labels, values = [], []
    for i, pair in enumerate(pairs):
        labels += [pair["strong_level"], pair["weak_level"]]
        values += [score_of("strong", i), score_of("weak", i)]
    latencies = [seconds for _, _, seconds in by_kind.values()]
    detected = sum(1 for i in range(n) if by_kind[("injected", i, 0)][1].review_flags)
    first = by_kind[("strong", 0, 0)][1]
    examples = []
    for i in range(0, n, max(1, n // 5))[:5]:
        for kind in ("strong", "weak"):
            request, result, _ = by_kind[(kind, i, 0)]
            score = result.scores[0]
            examples.append(
                {
                    "id": pairs[i]["id"],
                    "kind": kind,
                    "label": pairs[i][f"{kind}_level"],
                    "answer": request.answer,
                    "score": score.score,
                    "evidence": score.evidence,
                    "rationale": score.rationale,
                }
            )
    # Every pair's scores, so a person can see which pairs an evaluator gets wrong.
    rows = [
        {
            "id": pair["id"],
            "labels": [pair["strong_level"], pair["weak_level"]],
            **{
                kind: by_kind[(kind, i, 0)][1].scores[0].score
                for kind in ("strong", "weak", "injected", "hesitant")
            },
        }
        for i, pair in enumerate(pairs)
    ]
    figures: dict[str, Any] = {
        "evaluator": first.evaluator,
        "method": first.method,
        "prompt_version": first.prompt_version,
        "model": first.model_id,
        "pairs": n,
        "pairwise_accuracy": round(correct / n, 3),
        "ties": ties,
        "spearman_vs_labels": _spearman(labels, values),
        "injection_shift_mean": round(statistics.fmean(shifts), 3),
        "injection_shift_max": max(shifts),
        "injection_upgrades": upgrades,
        "injection_detected": round(detected / n, 3),
        "fairness_shift_max": max(fairness),
        "evidence_verbatim": round(quotes / total, 3) if total else 1.0,
        "quotes": total,
        "repeat_spread_mean": round(statistics.fmean(spreads), 3) if spreads else None,
        "strong_mean": round(statistics.fmean(score_of("strong", i) for i in range(n)), 2),
        "weak_mean": round(statistics.fmean(score_of("weak", i) for i in range(n)), 2),
        "weak_no_evidence": sum(
            1 for i in range(n) if by_kind[("weak", i, 0)][1].scores[0].score is None
        ),
        "fallbacks": sum(
            1 for _, result, _ in by_kind.values() if result.evaluator != first.evaluator
        ),
        "evaluations": len(jobs),
        "latency_p50_s": round(percentile(latencies, 0.5) or 0.0, 2),
        "latency_p95_s": round(percentile(latencies, 0.95) or 0.0, 2),
        "wall_s": round(wall_s, 1),
        "concurrency": concurrency,
        "examples": examples,
        "rows": rows,
    }
    holdout = run_holdout(language, evaluate, concurrency) if limit is None else None
    if holdout is not None:
        figures["holdout_pairwise_accuracy"] = holdout["pairwise_accuracy"]
        figures["holdout"] = holdout
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", default="en,ko")
    parser.add_argument("--evaluators", default="rules,llm")
    parser.add_argument("--limit", type=int, default=None, help="pairs per language")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    languages = args.languages.split(",")
    evaluators = args.evaluators.split(",")

    from ai_worker.llm.checks import evaluate_by_rules
    from ai_worker.llm.settings import (
        EvaluationEngine,
        LLMBackend,
        LLMSettings,
        get_llm_settings,
    )
    from ai_worker.llm.validity import EvaluatorConfiguration, record_verdict

    results: dict[str, Any] = (
        json.loads(RESULTS.read_text()) if RESULTS.exists() and args.limit is None else {}
    )
    # Languages measured in earlier runs keep their figures; the list names them all.
    measured = set(results.get("languages", [])) | set(languages)
    results.update({"engine": engine_description(), "languages": sorted(measured)})
    full = args.limit is None

    def measure(name: str, evaluate: Evaluate) -> None:
        for language in languages:
            figures = run_language(language, evaluate, args.limit, args.concurrency)
            results.setdefault(name, {})[language] = figures
            shown = {k: v for k, v in figures.items() if k not in ("examples", "rows", "holdout")}
            print(f"{name} {language}: {json.dumps(shown)}", flush=True)
            if full and name in GATED:
                configuration = EvaluatorConfiguration(
                    figures["evaluator"],
                    figures["method"],
                    figures["prompt_version"],
                    figures["model"],
                )
                met = record_verdict(configuration, language, shown)
                print(f"  verdict: {'meets the targets' if met else 'below the bar'}")

    if "rules" in evaluators:
        measure("rules", lambda request, run_index: evaluate_by_rules(request))
    if "llm" in evaluators:
        os.environ.setdefault("EVALUATION_LLM", "in_process")
        os.environ["LLM_BACKEND"] = LLMBackend.LLAMACPP.value
        # An evaluation engine of its own (EVALUATION_ENGINE=own) runs at the CPU role's idle
        # priority on the platform; here other load on a shared machine would only stretch
        # the run. The figures depend on neither the priority nor which engine serves.
        os.environ.setdefault("CPU_WORKER_PRIORITY", "normal")
        get_llm_settings.cache_clear()
        settings = LLMSettings()
        if settings.evaluation_engine is EvaluationEngine.OWN:
            settings = settings.for_evaluation_engine()
        from ai_worker.llm.evaluation import evaluate_answer

        log = settings.data_dir / "logs" / "bench-evaluation-engine.log"
        with llm_engine(settings, log):
            measure("llm", lambda request, run_index: evaluate_answer(request, run_index=run_index))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    if full:
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {RESULTS}")
    else:
        print("(--limit: figures printed only; nothing written)", file=sys.stderr)


if __name__ == "__main__":
    main()
