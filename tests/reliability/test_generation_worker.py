"""The GPU worker SIGKILLed mid-generation: the candidate gets the bank question by the
deadline and goes on; once the worker is restarted, questions are generated again. The
engine (a separate process) keeps running throughout and the restarted worker reuses it."""

import os
import signal
import time
from typing import Any

from fastapi.testclient import TestClient

from interview_contracts.queues import WorkerRole
from interview_core.config import get_infra_settings
from interview_core.health.service import worker_status
from tests.interviews.conftest import Party, wait_for_question
from tests.reliability.test_broker_outage import short_interview
from tests.support.answers import answer_typed

GENERATED = {"llm", "llm_repaired"}
TIMEOUT_S = 8.0


def _answer(client: TestClient, candidate: Party, state: dict[str, Any]) -> dict[str, Any]:
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    answer = "I profiled and indexed the slow queries."
    accepted = answer_typed(client, candidate.headers, interview_id, turn_id, answer)
    return accepted["state"]  # type: ignore[no-any-return]


def test_a_killed_generation_worker_costs_bank_questions_and_generation_resumes(
    client, recruiter, candidate, question_bank, workers, stack
) -> None:  # type: ignore[no-untyped-def]
    settings = get_infra_settings()
    original_timeout = settings.generation_timeout_s
    settings.generation_timeout_s = TIMEOUT_S
    # The engine paused: the worker's request hangs mid-generation, deterministically.
    os.kill(stack.engine.pid, signal.SIGSTOP)
    try:
        state = short_interview(client, recruiter, candidate)  # dispatches stage 1 at once
        dispatched = time.monotonic()
        interview_id = state["interview"]["id"]
        time.sleep(2.0)  # the worker takes the task and waits on the paused engine
        stack.kill_worker(WorkerRole.GPU)
    finally:
        os.kill(stack.engine.pid, signal.SIGCONT)
    try:
        state = _answer(client, candidate, state)  # the intro (a template)
        state = wait_for_question(client, candidate, interview_id, wait_s=TIMEOUT_S + 10)
        assert state["phase"] == "answering", state
        assert state["current_turn"]["stage_index"] == 1
        assert state["current_turn"]["question_source"] == "bank_fallback"
        assert state["current_turn"]["fallback_reason"] == "generation timed out"
        assert time.monotonic() - dispatched < TIMEOUT_S + 5

        stack.start_worker(WorkerRole.GPU)
        # Seen on gpu_queue only once it reaches the engine.
        restarted = worker_status(WorkerRole.GPU)
        assert restarted is not None
        assert {"llm", "embeddings"} <= {model.slot for model in restarted.models}, restarted
        # Stage 2 was dispatched while no worker ran and is past its deadline: the bank again.
        state = _answer(client, candidate, state)
        state = wait_for_question(client, candidate, interview_id, wait_s=TIMEOUT_S + 10)
        assert state["current_turn"]["stage_index"] == 2
        # Stage 3 is prepared by the restarted worker while stage 2 is answered.
        state = _answer(client, candidate, state)
        state = wait_for_question(client, candidate, interview_id, wait_s=TIMEOUT_S + 10)
        turn = state["current_turn"]
        assert turn["stage_index"] == 3
        assert turn["question_source"] in GENERATED, turn
    finally:
        settings.generation_timeout_s = original_timeout
