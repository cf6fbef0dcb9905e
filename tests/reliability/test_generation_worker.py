"""The GPU worker SIGKILLed mid-generation: the candidate gets the bank question by the
deadline and goes on; once the worker is restarted, questions are generated again."""

import json
import time
import uuid
from typing import Any

from redis import Redis

from interview_contracts.interviews import EventType, event_channel
from interview_contracts.queues import WorkerRole
from interview_core.config import get_infra_settings
from interview_core.health.service import worker_status
from tests.interviews.conftest import wait_for_question
from tests.reliability.test_broker_outage import short_interview

GENERATED = {"llm", "llm_repaired"}


def _first_token(events: Any, turn_id: str, timeout_s: float) -> None:
    """Block until the worker streams the first token of the turn's question."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        message = events.get_message(ignore_subscribe_messages=True, timeout=1.0)
        if message is None:
            continue
        event = json.loads(message["data"])
        if event.get("turn_id") != turn_id:
            continue
        assert event["type"] != EventType.QUESTION_READY.value, "generated before the kill"
        if event["type"] == EventType.QUESTION_TOKEN.value:
            return
    raise AssertionError("the generation never started")


def test_a_killed_generation_worker_costs_one_bank_question_and_generation_resumes(
    client, recruiter, candidate, question_bank, workers, stack
) -> None:  # type: ignore[no-untyped-def]
    timeout_s = get_infra_settings().generation_timeout_s
    state = short_interview(client, recruiter, candidate)
    interview_id = state["interview"]["id"]
    events = Redis.from_url(stack.redis_url).pubsub()
    events.subscribe(event_channel(uuid.UUID(interview_id)))
    try:
        answered = client.post(
            f"/api/v1/interviews/{interview_id}/turns/{state['current_turn']['id']}/answer",
            headers=candidate.headers,
            json={
                "text": "I ran Python services on PostgreSQL.",
                "idempotency_key": uuid.uuid4().hex,
            },
        )
        assert answered.status_code == 200, answered.text
        dispatched = time.monotonic()
        waiting = answered.json()["state"]
        assert waiting["phase"] == "waiting_for_question"
        _first_token(events, waiting["current_turn"]["id"], timeout_s)
    finally:
        events.close()
    stack.kill_worker(WorkerRole.GPU)

    state = wait_for_question(client, candidate, interview_id, wait_s=timeout_s + 10)
    assert state["phase"] == "answering", state
    assert state["current_turn"]["question_source"] == "bank_fallback"
    assert state["current_turn"]["fallback_reason"] == "generation timed out"
    assert time.monotonic() - dispatched < timeout_s + 5

    stack.start_worker(WorkerRole.GPU)
    # Seen on gpu_queue only once it can generate: loaded lazily, the first question after a
    # restart spent its deadline loading and fell back to the bank again.
    restarted = worker_status(WorkerRole.GPU)
    assert restarted is not None
    assert {"llm", "embeddings"} <= {model.slot for model in restarted.models}, restarted
    answered = client.post(
        f"/api/v1/interviews/{interview_id}/turns/{state['current_turn']['id']}/answer",
        headers=candidate.headers,
        json={
            "text": "I profiled and indexed the slow queries.",
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    assert answered.status_code == 200, answered.text
    state = wait_for_question(client, candidate, interview_id, wait_s=timeout_s + 10)
    assert state["phase"] == "answering", state
    turn = state["current_turn"]
    assert turn["stage_index"] == 2
    assert turn["question_source"] in GENERATED, turn
