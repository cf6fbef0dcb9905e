"""One llama.cpp engine per data directory: started once, found again by every process and
thread that asks for it, and shared by concurrent generations."""

import threading
import time
from pathlib import Path

import httpx
import pytest

from ai_worker.llm.backends import GenerationOutput, GenerationRequest
from ai_worker.llm.engine import (
    EngineEndpoint,
    EngineUnavailableError,
    endpoint_of,
    ensure_engine,
    start_engine_process,
)
from ai_worker.llm.loader import LoadedLLM
from ai_worker.llm.settings import LLMBackend, LLMSettings


def _engine_pids(port: int) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if command and command[0].endswith(b"llama-server") and str(port).encode() in command:
            pids.append(int(proc.name))
    return pids


@pytest.mark.slow
def test_the_engine_is_started_once_and_reused_by_concurrent_generations(
    stack, engine_llm: LoadedLLM, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = LLMSettings(llm_backend=LLMBackend.LLAMACPP)
    port = int(endpoint_of(settings).base_url.rsplit(":", 1)[1].split("/")[0])
    assert _engine_pids(port) == [stack.engine.pid]

    endpoints: list[EngineEndpoint] = []
    threads = [
        threading.Thread(target=lambda: endpoints.append(ensure_engine(settings))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(endpoints)) == 1
    # Another starter finds the recorded engine and starts nothing.
    assert start_engine_process(settings, tmp_path / "engine.log") is None

    # (start, output) per request, on one clock.
    runs: list[tuple[float, GenerationOutput]] = []

    def generate(index: int) -> None:
        request = GenerationRequest(
            [{"role": "user", "content": f"Count from {index} to {index + 20}, space separated."}],
            max_new_tokens=48,
            deadline=time.monotonic() + 120,
        )
        started = time.monotonic()
        runs.append((started, engine_llm.generator.generate(request)))

    workers = [threading.Thread(target=generate, args=(i,)) for i in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(runs) == 6 and all(o.text and not o.timed_out for _, o in runs)
    # Continuous batching: every request is being generated before any of them ends (one by
    # one, each would start only after the one before it finished).
    first_tokens = [start + (o.first_token_s or 0) for start, o in runs]
    ends = [start + o.duration_s for start, o in runs]
    assert max(first_tokens) < min(ends), (first_tokens, ends)
    assert _engine_pids(port) == [stack.engine.pid]


def test_a_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    settings = LLMSettings(data_dir=tmp_path, llm_engine_model=str(tmp_path / "absent.gguf"))
    from ai_worker.llm.engine import served_model

    with pytest.raises(EngineUnavailableError, match=r"absent\.gguf"):
        served_model(settings)


@pytest.mark.slow
def test_answers_are_read_by_an_engine_of_their_own_at_idle_priority(
    stack, engine_llm: LoadedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """An evaluation never takes cycles from a question: the CPU role's engine is another
    process at the CPU role's (idle) priority, started once and found again."""
    import os

    from ai_worker.llm.engine import _recorded_pid, _stop, engine_dir
    from ai_worker.llm.loader import _connect_engine

    monkeypatch.setenv("CPU_WORKER_PRIORITY", "idle")
    questions = LLMSettings(llm_backend=LLMBackend.LLAMACPP)
    evaluation = questions.for_evaluation_engine()
    try:
        reader = _connect_engine(evaluation)
        pid = _recorded_pid(engine_dir(evaluation))
        assert pid is not None and pid != stack.engine.pid
        assert endpoint_of(evaluation).base_url != endpoint_of(questions).base_url
        assert os.sched_getscheduler(pid) == os.SCHED_IDLE
        assert os.sched_getscheduler(stack.engine.pid) == os.SCHED_OTHER
        assert ensure_engine(evaluation) == endpoint_of(evaluation)
        assert _recorded_pid(engine_dir(evaluation)) == pid
        reply = reader.generator.generate(
            GenerationRequest(
                [{"role": "user", "content": "Say hello."}], 8, time.monotonic() + 120
            )
        )
        assert reply.text and reader.model_id == engine_llm.model_id
        endpoint = endpoint_of(evaluation)
        slots = httpx.get(
            f"{endpoint.root}/slots", headers={"Authorization": f"Bearer {endpoint.api_key}"}
        ).json()
        assert len(slots) == evaluation.evaluation_engine_parallel
    finally:
        running = _recorded_pid(engine_dir(evaluation))
        if running is not None:
            _stop(running)
