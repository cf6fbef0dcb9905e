"""A Redis restart mid-interview: 503 while it is down, nothing stored lost, every answer
evaluated exactly once after it returns.

An answer committed while Redis is down has its tasks lost (they are sent after the commit).
The candidate's retry with the same idempotency key sends them again; without a retry the
recovery sweep does, sent here for real to the real CPU worker (which also asks for one itself
each time it reconnects to the broker).
"""

import time
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from interview_contracts.interviews import SweepTask
from interview_contracts.payloads import PingPayload, SleepPayload
from interview_contracts.queues import Queue, WorkerRole
from interview_contracts.tasks import TaskName
from interview_core.broker.client import send
from interview_core.config import get_infra_settings
from interview_core.db.engine import session_scope
from interview_core.interviews.models import ProcessingStatus, Turn, TurnEvaluation
from tests.interviews.conftest import Party, invite_and_start, wait_for_question
from tests.support.answers import post_answer
from tests.support.stack import TestStack

WAIT_S = 240.0


def short_interview(client: TestClient, recruiter: Party, candidate: Party) -> dict[str, Any]:
    """Five stages (two templates around three generated questions): the whole interview."""
    job = client.post(
        "/api/v1/jobs",
        headers=recruiter.headers,
        json={
            "title": "Backend engineer",
            "description": "Build and operate Python web services with PostgreSQL and Redis.",
            "language": "en",
            "scenario_key": "short",
        },
    )
    assert job.status_code == 201, job.text
    return invite_and_start(client, recruiter, candidate, str(job.json()["id"]))


def _answer(client: TestClient, candidate: Party, interview_id: str, turn_id: str, key: str):  # type: ignore[no-untyped-def]
    text = f"I ran Python services on PostgreSQL ({key})."
    return post_answer(client, candidate.headers, interview_id, turn_id, text, key)


def _turn(turn_id: str) -> Turn:
    with session_scope() as session:
        return session.get_one(Turn, uuid.UUID(turn_id))


def _wait_until(condition, what: str, timeout_s: float = WAIT_S) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def _answer_while_redis_is_down(
    stack: TestStack, client: TestClient, candidate: Party, interview_id: str, turn_id: str
) -> str:
    assert stack.redis is not None
    key = f"outage-{uuid.uuid4().hex}"
    stack.redis.stop()
    try:
        started = time.monotonic()
        # The answer, then the client's retry while Redis is still down.
        refusals = [_answer(client, candidate, interview_id, turn_id, key) for _ in range(2)]
        elapsed = time.monotonic() - started
    finally:
        stack.redis.start()
    for refused in refusals:
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "broker-unavailable"
        assert int(refused.headers["Retry-After"]) > 0
    assert elapsed < 10, f"the 503s took {elapsed:.1f} s"
    # The answer was committed before the broker was needed: it is stored, its work owed.
    stored = _turn(turn_id)
    assert stored.answer_text and key in stored.answer_text
    assert stored.answer_idempotency_key == key
    assert stored.evaluation_status == ProcessingStatus.PENDING
    return key


def test_a_redis_restart_mid_interview_loses_nothing_and_evaluates_every_answer_once(
    client, recruiter, candidate, question_bank, workers, stack
) -> None:  # type: ignore[no-untyped-def]
    settings = get_infra_settings()
    original_timeout = settings.generation_timeout_s
    # A generation sent during the outage is lost too: its turn gets the bank question at the
    # deadline (kept short here; the worker's restart is covered in test_generation_worker).
    settings.generation_timeout_s = 8.0
    try:
        state = short_interview(client, recruiter, candidate)
        interview_id = state["interview"]["id"]
        turn_ids = [state["current_turn"]["id"]]

        # 1. Redis down at the first answer; the candidate retries with the same key.
        key = _answer_while_redis_is_down(stack, client, candidate, interview_id, turn_ids[0])
        retried = _answer(client, candidate, interview_id, turn_ids[0], key)
        assert retried.status_code == 200, retried.text
        assert retried.json()["answered_turn"]["id"] == turn_ids[0]

        # 2. Redis down at a later answer, no retry: the sweep re-sends the evaluation.
        state = wait_for_question(client, candidate, interview_id)
        assert state["phase"] == "answering", state
        turn_ids.append(state["current_turn"]["id"])
        _answer_while_redis_is_down(stack, client, candidate, interview_id, turn_ids[1])
        for role in WorkerRole:
            stack.wait_for_queue(role.queue, stack.workers[role])
        swept = send(TaskName.SWEEP_STALE_WORK, SweepTask(older_than_s=0))
        assert isinstance(swept.get(timeout=WAIT_S), dict)
        _wait_until(
            lambda: _turn(turn_ids[1]).evaluation_status == ProcessingStatus.DONE,
            "the swept evaluation",
        )

        # 3. The interview goes on to its end.
        while True:
            state = wait_for_question(client, candidate, interview_id)
            if state["phase"] == "finished":
                break
            assert state["phase"] == "answering", state
            turn_id = state["current_turn"]["id"]
            turn_ids.append(turn_id)
            answered = _answer(client, candidate, interview_id, turn_id, uuid.uuid4().hex)
            assert answered.status_code == 200, answered.text
        assert state["interview"]["status"] == "completed"
        assert len(turn_ids) == 5
    finally:
        settings.generation_timeout_s = original_timeout
        assert stack.redis is not None and stack.redis.process is not None
        for role in WorkerRole:
            stack.wait_for_queue(role.queue, stack.workers[role])

    def all_evaluated() -> bool:
        return all(_turn(t).evaluation_status == ProcessingStatus.DONE for t in turn_ids)

    _wait_until(all_evaluated, "every answer to be evaluated")
    with session_scope() as session:
        for turn_id in turn_ids:
            turn = session.get_one(Turn, uuid.UUID(turn_id))
            assert turn.answer_text, f"answer of stage {turn.stage_index} lost"
            rows = session.execute(
                select(TurnEvaluation.run_index, TurnEvaluation.competency).where(
                    TurnEvaluation.turn_id == turn.id
                )
            ).all()
            runs = session.scalar(
                select(func.count(func.distinct(TurnEvaluation.run_index))).where(
                    TurnEvaluation.turn_id == turn.id
                )
            )
            if turn.competency is None:
                # Intro and final statement probe no competency: done with no rows.
                assert not rows, f"stage {turn.stage_index} probes nothing but was scored"
                continue
            assert rows, f"stage {turn.stage_index} has no scores"
            assert len(rows) == len(set(rows)), f"stage {turn.stage_index} was scored twice"
            assert runs == settings.evaluation_runs


def test_a_worker_holding_an_unacknowledged_task_survives_redis_going_away(workers, stack) -> None:  # type: ignore[no-untyped-def]
    """kombu's Redis transport, closing a lost connection, restores the messages the worker
    holds through the dead connection and raised AttributeError, which stopped the worker
    (interview_contracts/broker_resilience.py). The worker must reconnect and serve again
    instead."""
    assert stack.redis is not None
    worker = stack.workers[WorkerRole.CPU]
    sleeping = send(TaskName.SLEEP_CPU, SleepPayload(seconds=4))
    _wait_until(lambda: sleeping.state == "STARTED", "the sleep task to start", 60)
    stack.redis.stop()
    try:
        time.sleep(2)  # the worker notices the loss while it still holds the message
    finally:
        stack.redis.start()
    stack.wait_for_queue(Queue.CPU, worker)
    assert worker.alive, worker.log()[-3000:]
    assert send(TaskName.PING_CPU, PingPayload(nonce="after-outage")).get(timeout=WAIT_S)
    assert worker.alive
