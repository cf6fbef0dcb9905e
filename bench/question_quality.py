"""Question quality: fixed cases per language through the real generation path on the engine.

    .venv/bin/python bench/question_quality.py              # the configured styles
    .venv/bin/python bench/question_quality.py --variants   # every style of each language

Each case of bench/data/question_cases.json (job, stage, competency, résumé excerpts and, for
a follow-up, the question just asked and the candidate's answer) becomes a QuestionRequest and
goes through `generate_question`, the function the GPU worker runs, against this machine's
llama.cpp engine (started for the run unless one is running for DATA_DIR). Cases run one at a
time, so latencies are a single interview's. Every question is printed for a person to read.

Writes bench/results/question_quality.json: per language (`en`, `ko`) the figures of the
configured style, and with --variants every style's figures under `variants`.
"""

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from engine_process import engine_description, llm_engine
from turn_latency import percentile

from ai_worker.llm.adapter_benchmark import question_request
from ai_worker.llm.embedded import INTERVIEWER_GGUF
from ai_worker.llm.generation import generate_question, question_style
from ai_worker.llm.settings import LLMBackend, LLMSettings, QuestionStyle, get_llm_settings
from ai_worker.llm.validation import is_near_duplicate, language_share, refers_to
from interview_contracts.llm import (
    GeneratedQuestion,
    Language,
    QuestionSource,
)

ROOT = Path(__file__).resolve().parent
CASES = ROOT / "data" / "question_cases.json"
RESULTS = ROOT / "results" / "question_quality.json"
LANGUAGE_SHARE = {"en": 0.95, "ko": 0.6}
STYLE_SETTING = {"en": "LLM_QUESTION_STYLE_EN", "ko": "LLM_QUESTION_STYLE_KO"}


def run_language(language: Language, cases: list[dict[str, Any]]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for case in cases:
        request = question_request(case, language)
        started = time.monotonic()
        question: GeneratedQuestion = generate_question(request)
        elapsed = time.monotonic() - started
        answer = case["previous_answer"]
        rows.append(
            {
                "id": case["id"],
                "stage_key": case["stage_key"],
                "question": question.text,
                "source": question.source.value,
                "attempts": question.attempts,
                "rejected": question.rejected_reasons,
                "latency_s": round(elapsed, 3),
                "language_correct": language_share(question.text, language)
                >= LANGUAGE_SHARE[language],
                "refers_to_answer": refers_to(question.text, answer) if answer else None,
                "repeats_previous": bool(
                    case["previous_question"]
                    and is_near_duplicate(question.text, [case["previous_question"]])
                ),
            }
        )
        print(f"[{case['id']} {case['stage_key']} {question.source.value} {elapsed:.1f}s]")
        if answer:
            print(f"   answer: {answer[:160]}")
        print(f"   Q: {question.text}")
        for reason in question.rejected_reasons:
            print(f"   rejected: {reason}")
    return summarise(rows)


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    count = len(rows)
    latencies = [row["latency_s"] for row in rows]
    follow_ups = [row for row in rows if row["refers_to_answer"] is not None]
    generated_texts = [row["question"] for row in rows if row["source"] != "bank_fallback"]
    return {
        "cases": count,
        "first_attempt_accepted": round(
            sum(row["source"] == QuestionSource.LLM.value for row in rows) / count, 3
        ),
        "fallback_rate": round(
            sum(row["source"] == QuestionSource.BANK_FALLBACK.value for row in rows) / count, 3
        ),
        # Both model attempts refused, the code picked the phrase: not the bank, not the model.
        "phrase_picked_rate": round(
            sum(row["source"] == QuestionSource.PHRASE_PICKED.value for row in rows) / count, 3
        ),
        "language_correct": round(sum(row["language_correct"] for row in rows) / count, 3),
        "follow_up_refers_to_answer": round(
            sum(bool(row["refers_to_answer"]) for row in follow_ups) / len(follow_ups), 3
        )
        if follow_ups
        else None,
        "duplicates": sum(row["repeats_previous"] for row in rows),
        "distinct_questions": len({" ".join(text.lower().split()) for text in generated_texts}),
        "p50_s": round(statistics.median(latencies), 3),
        "p95_s": percentile(latencies, 0.95),
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", action="store_true", help="measure every style")
    parser.add_argument("--limit", type=int, default=None, help="first N cases per language")
    parser.add_argument("--languages", nargs="+", default=["en", "ko"])
    args = parser.parse_args()
    os.environ.setdefault("DATA_DIR", str(ROOT.parent / ".data"))
    cases: dict[str, list[dict[str, Any]]] = json.loads(CASES.read_text())
    settings = LLMSettings()
    results: dict[str, Any] = {
        "model": {"id": INTERVIEWER_GGUF.model_id, "sha256": INTERVIEWER_GGUF.sha256}
        if settings.llm_engine_model == "embedded"
        else {"id": settings.llm_engine_model, "sha256": None},
        "engine": engine_description()
        if settings.llm_backend is LLMBackend.LLAMACPP
        else settings.llm_backend.value,
        "backend": settings.llm_backend.value,
        "temperature": 0,
        "sequential": True,
    }
    log = ROOT.parent / "test-artifacts" / "bench-llm-engine.log"
    engine = llm_engine(settings, log) if settings.llm_backend is LLMBackend.LLAMACPP else None
    with engine or contextlib.nullcontext():
        for language in args.languages:
            language_cases = cases[language][: args.limit]
            styles = list(QuestionStyle) if args.variants else [None]
            variants: dict[str, Any] = {}
            for style in styles:
                if style is not None:
                    os.environ[STYLE_SETTING[language]] = style.value
                get_llm_settings.cache_clear()
                configured = question_style(question_request(language_cases[0], language))
                print(f"\n=== {language}: style {configured.value} ===", flush=True)
                variants[configured.value] = run_language(language, language_cases)
            os.environ.pop(STYLE_SETTING[language], None)
            get_llm_settings.cache_clear()
            default = question_style(question_request(language_cases[0], language)).value
            chosen = variants.get(default) or next(iter(variants.values()))
            results[language] = {"style": default, **chosen}
            if args.variants:
                results[language]["variants"] = {
                    name: {k: v for k, v in figures.items() if k != "rows"}
                    for name, figures in variants.items()
                }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    for language in args.languages:
        figures = {k: v for k, v in results[language].items() if k not in ("rows", "variants")}
        print(language, json.dumps(figures, ensure_ascii=False))
        for name, variant in results[language].get("variants", {}).items():
            print(f"  variant {name}:", json.dumps(variant, ensure_ascii=False))
    print(f"wrote {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
