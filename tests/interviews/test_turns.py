"""Turns never stall: idempotent answers, timeouts that fall back, a busy CPU queue ignored."""

import time
import uuid

from interview_contracts.payloads import SleepPayload
from interview_contracts.queues import WorkerRole
from interview_contracts.tasks import TaskName
from interview_core.broker.client import send
from interview_core.config import get_infra_settings
from interview_core.db.engine import session_scope
from interview_core.interviews.bank import COMMON_QUESTIONS
from interview_core.interviews.models import Interview
from tests.interviews.conftest import invite_and_start, wait_for_question
from tests.support.answers import post_answer


def _answer(
    client,
    candidate,
    interview_id: str,
    turn_id: str,
    key: str,
    text: str = "I built and ran a Python service.",
):  # type: ignore[no-untyped-def]
    return post_answer(client, candidate.headers, interview_id, turn_id, text, key)


def test_duplicate_submission_returns_the_same_turn(interview_setup) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    key = f"dup-{uuid.uuid4().hex}"
    first = _answer(client, candidate, interview_id, turn_id, key)
    second = _answer(client, candidate, interview_id, turn_id, key)
    assert first.status_code == second.status_code == 200
    assert first.json()["answered_turn"]["id"] == second.json()["answered_turn"]["id"] == turn_id
    assert second.json()["state"]["current_turn"]["stage_index"] == 1
    other_key = _answer(client, candidate, interview_id, turn_id, f"other-{uuid.uuid4().hex}")
    assert other_key.status_code == 409
    assert other_key.json()["code"] == "not-current-turn"


def test_invalid_transitions_are_conflicts(interview_setup) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id = state["interview"]["id"]
    again = client.post(
        f"/api/v1/interviews/{interview_id}/start", headers=candidate.headers, json={}
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["code"] == "invalid-transition"
    cancelled = client.post(f"/api/v1/interviews/{interview_id}/cancel", headers=recruiter.headers)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    answer = _answer(
        client, candidate, interview_id, state["current_turn"]["id"], f"k-{uuid.uuid4().hex}"
    )
    assert answer.status_code == 409


def test_generation_timeout_serves_the_bank_question(interview_setup, stack) -> None:
    client, recruiter, candidate, job_id = interview_setup
    settings = get_infra_settings()
    original = settings.generation_timeout_s
    stack.stop_worker(WorkerRole.GPU)
    try:
        settings.generation_timeout_s = 3.0
        state = invite_and_start(client, recruiter, candidate, job_id)
        interview_id = state["interview"]["id"]
        answered = _answer(
            client, candidate, interview_id, state["current_turn"]["id"], f"t-{uuid.uuid4().hex}"
        )
        assert answered.status_code == 200
        assert answered.json()["state"]["phase"] == "waiting_for_question"
        started = time.monotonic()
        state = wait_for_question(client, candidate, interview_id, wait_s=20)
        elapsed = time.monotonic() - started
        turn = state["current_turn"]
        assert state["phase"] == "answering"
        assert turn["question_source"] == "bank_fallback"
        assert turn["fallback_reason"] == "generation timed out"
        assert elapsed < settings.generation_timeout_s + 2.0
    finally:
        settings.generation_timeout_s = original
        stack.start_worker(WorkerRole.GPU)


def test_next_question_arrives_while_cpu_queue_is_saturated(interview_setup) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id = state["interview"]["id"]
    # Twice as many long tasks as CPU processes: evaluation of this answer queues behind them.
    sleepers = [send(TaskName.SLEEP_CPU, SleepPayload(seconds=90)) for _ in range(4)]
    try:
        answered = _answer(
            client, candidate, interview_id, state["current_turn"]["id"], f"s-{uuid.uuid4().hex}"
        )
        assert answered.status_code == 200
        state = wait_for_question(client, candidate, interview_id, wait_s=60)
        assert state["phase"] == "answering"
        assert state["current_turn"]["stage_index"] == 1
        # The question came while every sleeper was still queued or running.
        assert not any(s.ready() for s in sleepers), "the question waited for the CPU backlog"
        turns = client.get(f"/api/v1/interviews/{interview_id}/turns", headers=candidate.headers)
        assert turns.json()[0]["evaluation_status"] == "pending"
    finally:
        for sleeper in sleepers:
            sleeper.revoke(terminate=True)


def test_a_stage_the_bank_does_not_know_falls_back_and_the_interview_goes_on(
    interview_setup,
) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id = state["interview"]["id"]
    # The stored stage list names a stage no scenario or bank knows (the reference design's
    # stall: a stage name in the database that matched nothing). Stage 1 was prepared when
    # the interview started; stage 2 is created when stage 1 opens.
    with session_scope() as session:
        interview = session.get_one(Interview, uuid.UUID(interview_id))
        stages = list(interview.stages)
        stages[2] = {"key": "renamed_stage", "type": "template", "competency": None}
        interview.stages = stages
    answered = _answer(
        client, candidate, interview_id, state["current_turn"]["id"], f"f-{uuid.uuid4().hex}"
    )
    assert answered.status_code == 200, answered.text
    state = wait_for_question(client, candidate, interview_id)
    assert state["current_turn"]["stage_index"] == 1
    answered = _answer(
        client, candidate, interview_id, state["current_turn"]["id"], f"h-{uuid.uuid4().hex}"
    )
    assert answered.status_code == 200, answered.text
    turn = answered.json()["state"]["current_turn"]
    assert turn["stage_key"] == "renamed_stage"
    assert turn["question_text"] == COMMON_QUESTIONS["en"]
    assert turn["question_source"] == "bank_fallback"
    assert "renamed_stage" in turn["fallback_reason"]
    following = _answer(client, candidate, interview_id, turn["id"], f"g-{uuid.uuid4().hex}")
    assert following.status_code == 200
    assert following.json()["state"]["current_turn"]["stage_index"] == 3
