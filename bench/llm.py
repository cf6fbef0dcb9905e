"""LLM benchmark: time to first token, tokens/s and question latency, batched versus one by one.

Runs the model LLM_* settings describe (the embedded SmolLM2-135M by default, on CPU) and
writes bench/results/llm.json. For 1 and 10 simultaneous question requests it measures:
- batched: the requests go through the in-process batcher (one padded generate call);
- one by one: the same requests generated sequentially, each alone.

The 4-bit production model on a GPU (downloads the weights once, so it needs the hub):

    LLM_MODEL=LGAI-EXAONE/EXAONE-3.5-7.8B-Instruct LLM_QUANTIZATION=nf4 LLM_DEVICE=cuda \\
        HF_HUB_OFFLINE=0 python bench/llm.py
"""

import json
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

from ai_worker.llm.backends import GenerationOutput, GenerationRequest
from ai_worker.llm.generation import generate_question
from ai_worker.llm.loader import get_llm
from ai_worker.llm.prompts import question_messages
from ai_worker.llm.settings import get_llm_settings
from interview_contracts.llm import GeneratedQuestion, QuestionRequest

RESULTS = Path(__file__).resolve().parent / "results" / "llm.json"
COMPETENCIES = ["teamwork", "problem solving", "communication", "ownership", "learning"]


def _request(index: int) -> QuestionRequest:
    return QuestionRequest(
        interview_id=uuid.uuid4(),
        language="en",
        stage_key=f"stage-{index}",
        stage_type="generated",
        competency=COMPETENCIES[index % len(COMPETENCIES)],
        job_title="Backend Engineer",
        job_description="Build and run Python web services backed by PostgreSQL.",
        bank_question="Tell me about a project you are proud of.",
    )


def _batched(count: int) -> tuple[float, list[GeneratedQuestion]]:
    """Wall time and results of `count` generate_question calls made at once from threads."""
    results: list[GeneratedQuestion] = []
    barrier = threading.Barrier(count)

    def ask(index: int) -> None:
        barrier.wait()
        results.append(generate_question(_request(index)))

    started = time.monotonic()
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, results


def _one_by_one(count: int) -> tuple[float, list[GenerationOutput]]:
    """The same prompts generated sequentially, one generate call each, no batcher."""
    backend = get_llm().transformers
    assert backend is not None, "one-by-one runs need the in-process transformers backend"
    max_tokens = get_llm_settings().llm_max_new_tokens
    outputs = []
    started = time.monotonic()
    for index in range(count):
        request = GenerationRequest(
            question_messages(_request(index)), max_tokens, time.monotonic() + 600, ("\n\n",)
        )
        outputs.extend(backend.generate_batch([request]))
    return time.monotonic() - started, outputs


def main() -> None:
    settings = get_llm_settings()
    started = time.monotonic()
    llm = get_llm()
    load_s = time.monotonic() - started
    _batched(1)  # warm-up: first-call allocations are not what a running worker sees

    streaming = llm.generator.generate(
        GenerationRequest(
            question_messages(_request(0)), settings.llm_max_new_tokens, time.monotonic() + 600
        )
    )
    report: dict[str, object] = {
        "model_id": llm.model_id,
        "backend": llm.backend.value,
        "device": llm.device,
        "quantization": llm.quantization,
        "memory_mb": llm.memory_mb,
        "load_s": round(load_s, 2),
        "max_new_tokens": settings.llm_max_new_tokens,
        "batch_window_ms": settings.llm_batch_window_ms,
        "time_to_first_token_s": round(streaming.first_token_s or 0.0, 3),
        "tokens_per_s_single": round(streaming.new_tokens / streaming.duration_s, 2),
        "runs": [],
    }
    runs: list[dict[str, object]] = []
    for count in (1, 10):
        batched_s, questions = _batched(count)
        sequential_s, outputs = _one_by_one(count)
        tokens = sum(o.new_tokens for o in outputs)
        runs.append(
            {
                "simultaneous_requests": count,
                "batched_wall_s": round(batched_s, 2),
                "batched_question_latency_ms_median": round(
                    statistics.median(q.latency_ms for q in questions), 1
                ),
                "batched_sources": sorted(q.source.value for q in questions),
                "one_by_one_wall_s": round(sequential_s, 2),
                "one_by_one_question_latency_ms_mean": round(1000 * sequential_s / count, 1),
                "one_by_one_tokens_per_s": round(tokens / sequential_s, 2),
                "speedup_batched": round(sequential_s / batched_s, 2),
            }
        )
    report["runs"] = runs
    report["platform"] = sys.platform
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
