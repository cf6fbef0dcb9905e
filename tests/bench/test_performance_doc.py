"""docs/performance.md rendering: every figure comes from the JSON, met / MISSED computed."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench_run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


def _level(level: int, shown_p95: float, arrival: str = "staggered") -> dict[str, Any]:
    return {
        "concurrent_interviews": level,
        "arrival": arrival,
        "next_question_shown_s": {"p50": shown_p95 / 2, "p95": shown_p95},
        "prepared_question_shown_s": {"p50": 0.1, "p95": 0.2, "samples": 4},
        "prepared_ready_at_answer": 3,
        "follow_up_shown_s": {"p50": shown_p95 / 2, "p95": shown_p95 + 1},
    }


RESULTS: dict[str, Any] = {
    "turn_latency": {
        "configurations": {
            "platform": [
                _level(1, 1.0),
                _level(5, 2.0),
                _level(10, 4.2),
                _level(10, 12.0, "lockstep"),
            ],
            "serialised": [_level(1, 2.0), _level(5, 9.0), _level(10, 16.8)],
        },
        "ratio_p95_serialised_over_platform": {"1": 2.0, "5": 4.5, "10": 4.0},
    },
    "speech": {
        "runs": [
            {"engine": "faster-whisper", "precision": "int8", "real_time_factor": 0.12},
            {"engine": "openai-whisper", "precision": "float32", "real_time_factor": 0.8},
        ]
    },
    "vision": {"per_frame": {"analyze_frame_emotion_on": {"median_ms": 31.5}}},
    "retrieval": {
        "platform_ef_search": 64,
        "runs": [
            {
                "dataset": "embedding-like",
                "vectors": 100000,
                "hnsw": {"p95_ms": 6.1, "recall_at_10": 0.93},
                "exact": {"p95_ms": 90.0},
                "ef_search_sweep": [
                    {"ef_search": 40, "p50_ms": 2.0, "p95_ms": 4.0, "recall_at_10": 0.9},
                    {
                        "ef_search": 64,
                        "platform_setting": True,
                        "p50_ms": 3.0,
                        "p95_ms": 6.1,
                        "recall_at_10": 0.93,
                    },
                ],
            },
            {
                "dataset": "uniform",
                "vectors": 10000,
                "hnsw": {"p95_ms": 3.0, "recall_at_10": 0.4},
                "exact": {"p95_ms": 20.0},
            },
        ],
    },
    "load": {
        "candidates": 20,
        "completed_interviews": 19,
        "lost_turns": 0,
        "server_errors": 0,
        "steps": {"answer_to_next_question": {"count": 40, "p50_s": 1.0, "p95_s": 3.5}},
    },
    "embeddings": {"one_at_a_time_per_s": 80.0, "batched_per_s": 400.0},
    "llm": {
        "engine": {"runs": [{"simultaneous_requests": 1, "tokens_per_s": 10.0}]},
        "transformers": {"runs": [{"simultaneous_requests": 1, "tokens_per_s": 2.0}]},
        "engine_speedup": {"1": 5.0},
    },
    "question_quality": {
        "model": {"id": "m", "sha256": "0" * 64},
        "engine": "llama.cpp",
        "en": {
            "style": "free",
            "first_attempt_accepted": 0.97,
            "fallback_rate": 0.0,
            "language_correct": 1.0,
            "rows": [
                {"id": "en-01", "stage_key": "skill", "source": "llm", "question": "Why | how?"}
            ],
        },
        "ko": {"style": "composed", "first_attempt_accepted": 0.8, "fallback_rate": 0.05},
    },
}


def _row(document: str, name: str) -> str:
    return next(line for line in document.splitlines() if f"| {name} |" in line)


def test_targets_are_marked_from_the_figures(bench_run: ModuleType) -> None:
    document = bench_run.render(RESULTS, {"cpus": 2, "quick": False})
    assert _row(document, "platform, 10 concurrent: next question p95").endswith(
        "| 4.2 s | ≤ 5 s | met |"
    )
    # The worst case, every candidate answering in the same second, is held to the same bound.
    assert _row(
        document, "platform, 10 concurrent answering in the same second: next question p95"
    ).endswith("| 12 s | ≤ 5 s | **MISSED** |")
    assert _row(
        document, "platform, 10 concurrent: follow-up generated after the answer p95"
    ).endswith("| 5.2 s | ≤ 5 s | **MISSED** |")
    assert _row(document, "platform, 1 concurrent: next question p95").endswith(
        "| 1 s | ≤ 2 s | met |"
    )
    assert _row(document, "serialised / platform next-question p95, 10 concurrent").endswith(
        "| 4 x | no target | n/a |"
    )
    assert _row(document, "en (free): accepted on the first attempt").endswith(
        "| 0.97 | ≥ 0.95 | met |"
    )
    assert _row(document, "ko (composed): accepted on the first attempt").endswith(
        "| 0.8 | ≥ 0.9 | **MISSED** |"
    )
    assert _row(document, "ko (composed): bank fallbacks").endswith("| **MISSED** |")
    assert _row(document, "engine / transformers tokens/s, 1 simultaneous").endswith(
        "| 5 x | no target | n/a |"
    )
    assert _row(document, "faster-whisper (int8) real-time factor").endswith("| met |")
    assert _row(document, "openai-whisper (float32) real-time factor").endswith("| **MISSED** |")
    assert _row(document, "whole frame analysis (emotion on), median").endswith(
        "| 31.5 ms | ≤ 25 ms | **MISSED** |"
    )
    at_target = "100,000 embedding-like vectors (ef_search 64)"
    assert _row(document, f"HNSW p95 at {at_target}").endswith("| met |")
    assert _row(document, f"HNSW recall@10 at {at_target}").endswith("| **MISSED** |")
    # The uniform worst case is reported without a target.
    uniform = "HNSW recall@10 at 10,000 uniform vectors (ef_search 64)"
    assert _row(document, uniform).endswith("| 0.4 | no target | n/a |")
    assert _row(document, "interviews completed of 20 candidates").endswith(
        "| 19 | ≥ 20 | **MISSED** |"
    )
    assert _row(document, "lost turns").endswith("| 0 | ≤ 0 | met |")
    assert _row(document, "5xx responses").endswith("| met |")


def test_retrieval_sweep_marks_the_platform_setting(bench_run: ModuleType) -> None:
    document = bench_run.render(RESULTS, {})
    assert "| embedding-like | 100,000 | 64 (platform) | 3.0 / 6.1 | 0.93 |" in document
    assert "| embedding-like | 100,000 | 40 | 2.0 / 4.0 | 0.9 |" in document


def test_turn_latency_detail_lists_both_configurations(bench_run: ModuleType) -> None:
    document = bench_run.render(RESULTS, {})
    assert "| platform | 10 | staggered | 2.1 / 4.2 | 0.1 / 0.2 | 3 of 4 | 2.1 / 5.2 |" in document
    assert "| platform | 10 | lockstep | 6.0 / 12.0 | 0.1 / 0.2 | 3 of 4 | 6.0 / 13.0 |" in document
    assert (
        "| serialised | 10 | staggered | 8.4 / 16.8 | 0.1 / 0.2 | 3 of 4 | 8.4 / 17.8 |" in document
    )


def test_generated_questions_are_printed_for_a_person(bench_run: ModuleType) -> None:
    document = bench_run.render(RESULTS, {})
    assert "| en-01 | skill | llm | Why / how? |" in document


def test_missing_figures_are_not_measured_not_met(bench_run: ModuleType) -> None:
    partial = {"speech": RESULTS["speech"]}
    document = bench_run.render(partial, {"quick": True})
    assert "quick sizes" in document
    assert _row(
        document, "HNSW p95 at 100,000 embedding-like vectors (pgvector defaults)"
    ).endswith("| not measured |")
    assert _row(document, "platform, 10 concurrent: next question p95").endswith("| not measured |")
    assert _row(document, "engine first token median, 1 simultaneous").endswith(
        "| no target | n/a |"
    )


def test_every_figure_links_its_json(bench_run: ModuleType) -> None:
    document = bench_run.render(RESULTS, {})
    names = ("question_quality", "turn_latency", "speech", "vision", "retrieval", "embeddings")
    for name in (*names, "llm", "load"):
        assert f"(../bench/results/{name}.json)" in document


def test_loads_every_json_in_a_directory(bench_run: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "vision.json").write_text('{"per_frame": {}}')
    (tmp_path / "llm.json").write_text('{"model_id": "m"}')
    assert bench_run.load_results(tmp_path) == {
        "llm": {"model_id": "m"},
        "vision": {"per_frame": {}},
    }
