"""LLM serving benchmark: llama.cpp's server against in-process transformers, same GGUF.

Both serve the embedded interviewer model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M): the engine
from the file itself, transformers from the same file dequantised (its only way to run a
GGUF; bfloat16 where the CPU computes it natively, else float32, as LLM_CPU_DTYPE=auto
chooses), batched by the platform's batcher. For 1 and 10 simultaneous requests of the
same question prompts it measures wall time, aggregate tokens/s and time to first token; for
the engine also whole `generate_question` calls (validation and second attempts included).
Writes bench/results/llm.json.

    .venv/bin/python bench/llm.py
    .venv/bin/python bench/llm.py --skip-transformers   # the engine only (a minute)
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine_process import engine_description, llm_engine

from ai_worker.llm.backends import GenerationOutput, GenerationRequest, TextGenerator
from ai_worker.llm.batcher import GenerationBatcher
from ai_worker.llm.embedded import INTERVIEWER_GGUF, assembled_gguf
from ai_worker.llm.generation import generate_question
from ai_worker.llm.loader import LoadedLLM, cpu_dtype, load_llm
from ai_worker.llm.prompts import question_messages
from ai_worker.llm.settings import LLMBackend, LLMCpuDtype, LLMSettings
from interview_contracts.llm import QuestionRequest

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "llm.json"
COMPETENCIES = ["job_skill", "experience", "problem_solving", "communication", "growth"]
MAX_TOKENS = 64
LEVELS = (1, 10)


def _request(index: int) -> QuestionRequest:
    return QuestionRequest(
        interview_id=uuid.uuid4(),
        language="en",
        stage_key=COMPETENCIES[index % len(COMPETENCIES)],
        stage_type="generated",
        competency=COMPETENCIES[index % len(COMPETENCIES)],
        job_title="Backend Engineer",
        job_description=f"Build and run Python web services backed by PostgreSQL (team {index}).",
        bank_question="Tell me about a project you are proud of.",
    )


def _raw(index: int) -> GenerationRequest:
    return GenerationRequest(
        question_messages(_request(index)), MAX_TOKENS, time.monotonic() + 600, ("\n\n",)
    )


def _at_once(count: int, work: Callable[[int], Any]) -> tuple[float, list[Any]]:
    results: list[Any] = []
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        barrier.wait()
        results.append(work(index))

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, results


def measure_generator(generator: TextGenerator) -> list[dict[str, Any]]:
    generator.generate(_raw(99))  # warm-up
    runs = []
    for count in LEVELS:
        wall, outputs = _at_once(count, lambda i: generator.generate(_raw(i)))
        typed: list[GenerationOutput] = outputs
        tokens = sum(o.new_tokens for o in typed)
        runs.append(
            {
                "simultaneous_requests": count,
                "wall_s": round(wall, 2),
                "tokens": tokens,
                "tokens_per_s": round(tokens / wall, 2),
                "first_token_s_median": round(
                    statistics.median(o.first_token_s or 0.0 for o in typed), 3
                ),
                "request_s_median": round(statistics.median(o.duration_s for o in typed), 3),
            }
        )
        print(json.dumps(runs[-1]), flush=True)
    return runs


def measure_questions(llm: LoadedLLM) -> list[dict[str, Any]]:
    runs = []
    for count in LEVELS:
        wall, questions = _at_once(count, lambda i: generate_question(_request(i), llm))
        runs.append(
            {
                "simultaneous_requests": count,
                "wall_s": round(wall, 2),
                "latency_s_median": round(
                    statistics.median(q.latency_ms for q in questions) / 1000, 3
                ),
                "sources": sorted(q.source.value for q in questions),
            }
        )
        print(json.dumps(runs[-1]), flush=True)
    return runs


def measure_transformers(settings: LLMSettings) -> dict[str, Any]:
    """The same GGUF in this process: dequantised to bfloat16 and batched by the batcher."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from ai_worker.llm.backends import TransformersBackend

    path = assembled_gguf(INTERVIEWER_GGUF, settings.resolved_cache_dir)
    dtype = cpu_dtype(LLMCpuDtype.AUTO)
    started = time.monotonic()
    tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, dtype=dtype)
    model.eval()
    backend = TransformersBackend(model, tokenizer)
    backend.warm_up()
    load_s = time.monotonic() - started
    batcher = GenerationBatcher(backend.generate_batch, window_s=0.05, max_batch=16)
    return {
        "dtype": str(dtype).removeprefix("torch."),
        "load_s": round(load_s, 1),
        "memory_mb": round(model.get_memory_footprint() / 2**20, 1),
        "runs": measure_generator(batcher),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-transformers", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DATA_DIR", str(ROOT.parent / ".data"))
    os.environ.setdefault("LLM_CACHE_DIR", str(ROOT.parent / ".cache" / "models" / "llm"))
    settings = LLMSettings(llm_backend=LLMBackend.LLAMACPP)
    report: dict[str, Any] = {
        "model": {"id": INTERVIEWER_GGUF.model_id, "sha256": INTERVIEWER_GGUF.sha256},
        "max_new_tokens": MAX_TOKENS,
        "platform": sys.platform,
        "cpus": os.cpu_count(),
    }
    with llm_engine(settings, ROOT.parent / "test-artifacts" / "bench-llm-engine.log"):
        llm = load_llm(settings)
        print("engine:", flush=True)
        report["engine"] = {
            "name": engine_description(),
            "parallel_slots": settings.llm_engine_parallel,
            "memory_mb": llm.memory_mb,
            "runs": measure_generator(llm.generator),
            "questions": measure_questions(llm),
        }
    if not args.skip_transformers:
        print("transformers (in process):", flush=True)
        report["transformers"] = measure_transformers(settings)
        engine_runs = {r["simultaneous_requests"]: r for r in report["engine"]["runs"]}
        report["engine_speedup"] = {
            str(r["simultaneous_requests"]): round(
                engine_runs[r["simultaneous_requests"]]["tokens_per_s"] / r["tokens_per_s"], 2
            )
            for r in report["transformers"]["runs"]
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
