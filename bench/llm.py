"""LLM benchmark: time to first token, tokens/s and question latency, batched versus one by one.

Runs the model LLM_* settings describe (the embedded SmolLM2-135M by default, on CPU) and
writes bench/results/llm.json. For 1 and 10 simultaneous requests it measures:
- question latency: generate_question calls (validation, repair, bank fallback included);
- batched: the same prompts as raw generations through the in-process batcher;
- one by one: the same prompts generated sequentially, each alone.
On a shared CPU set LLM_CPU_THREADS=1: torch's threads otherwise oversubscribe the cores.

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


def _raw_request(index: int) -> GenerationRequest:
    max_tokens = get_llm_settings().llm_max_new_tokens
    return GenerationRequest(
        question_messages(_request(index)), max_tokens, time.monotonic() + 600, ("\n\n",)
    )


def _batched_raw(count: int) -> tuple[float, list[GenerationOutput]]:
    """`count` single generations submitted at once to the batcher, without validation."""
    outputs: list[GenerationOutput] = []
    barrier = threading.Barrier(count)

    def generate(index: int) -> None:
        barrier.wait()
        outputs.append(get_llm().generator.generate(_raw_request(index)))

    started = time.monotonic()
    threads = [threading.Thread(target=generate, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, outputs


def _one_by_one(count: int) -> tuple[float, list[GenerationOutput]]:
    """The same prompts generated sequentially, one generate call each, no batcher."""
    backend = get_llm().transformers
    assert backend is not None, "one-by-one runs need the in-process transformers backend"
    outputs = []
    started = time.monotonic()
    for index in range(count):
        outputs.extend(backend.generate_batch([_raw_request(index)]))
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
        "dtype": str(llm.transformers.model.dtype).removeprefix("torch.")
        if llm.transformers is not None
        else None,
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
        questions_s, questions = _batched(count)
        batched_s, batched_outputs = _batched_raw(count)
        sequential_s, outputs = _one_by_one(count)
        tokens = sum(o.new_tokens for o in outputs)
        batched_tokens = sum(o.new_tokens for o in batched_outputs)
        runs.append(
            {
                "simultaneous_requests": count,
                "question_wall_s": round(questions_s, 2),
                "question_latency_ms_median": round(
                    statistics.median(q.latency_ms for q in questions), 1
                ),
                "question_sources": sorted(q.source.value for q in questions),
                "batched_wall_s": round(batched_s, 2),
                "batched_tokens_per_s": round(batched_tokens / batched_s, 2),
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
