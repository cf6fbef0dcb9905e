"""Candidates long-polling for their next question (`GET /interviews/{id}?wait_s=60`) wait on
the interview's Redis channel, not in the API's thread pool: 200 of them do not slow a login,
and each returns as soon as its question is announced."""

import asyncio
import statistics
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import select, update

from interview_contracts.interviews import EventType, event_channel
from interview_core.accounts.models import UserRole
from interview_core.db.engine import session_scope
from interview_core.events import publish_event
from interview_core.interviews.live import LONG_POLL_REREAD_S, REDIS_DOWN_REREAD_S
from interview_core.interviews.models import Interview, Turn
from tests.interviews.conftest import Party, invite_and_start
from tests.support.accounts import DEFAULT_PASSWORD, make_user
from tests.support.api_server import ApiServer
from tests.support.stack import TestStack

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
INTERVIEWS = 20
WAITERS_PER_INTERVIEW = 10
LOGINS = 7
# How long the waiters get to settle (each subscribed to its channel) before logins are timed.
SETTLE_S = 20.0
MAX_LOGIN_DELAY_S = 0.1


def _awaiting_a_question(interview_id: str) -> uuid.UUID:
    """The current turn loses its question until long after the test: the candidate waits."""
    with session_scope() as session:
        interview = session.get_one(Interview, uuid.UUID(interview_id))
        turn_id = session.scalar(
            select(Turn.id).where(
                Turn.interview_id == interview.id,
                Turn.stage_index == interview.current_stage_index,
            )
        )
        assert turn_id is not None
        session.execute(
            update(Turn)
            .where(Turn.id == turn_id)
            .values(
                question_text=None,
                question_source=None,
                generation_deadline_at=datetime.now(UTC) + timedelta(hours=1),
            )
        )
        return turn_id


def _question_ready(interview_id: str, turn_id: uuid.UUID) -> None:
    """What the generation worker does: store the question, then announce it."""
    with session_scope() as session:
        session.execute(
            update(Turn).where(Turn.id == turn_id).values(question_text=Turn.bank_question)
        )
    publish_event(uuid.UUID(interview_id), EventType.QUESTION_READY, turn_id=turn_id)


async def _login_seconds(api: ApiServer, email: str) -> float:
    """The median of a few logins, one after another."""
    timings = []
    async with httpx.AsyncClient(base_url=api.url, timeout=30) as http:
        for _ in range(LOGINS):
            started = time.perf_counter()
            response = await http.post(
                "/api/v1/auth/login", json={"email": email, "password": DEFAULT_PASSWORD}
            )
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
    return statistics.median(timings)


async def _settled(redis: Redis, channels: list[str], expected: int) -> None:
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        counts = await asyncio.to_thread(redis.pubsub_numsub, *channels)
        if sum(count for _, count in counts) >= expected:
            return
        await asyncio.sleep(0.2)


def test_waiting_candidates_do_not_delay_a_login(
    client: TestClient,
    stack: TestStack,
    recruiter: Party,
    candidate: Party,
    job_id: str,
    question_bank: None,
) -> None:
    interviews = [
        str(invite_and_start(client, recruiter, candidate, job_id)["interview"]["id"])
        for _ in range(INTERVIEWS)
    ]
    turns = {interview_id: _awaiting_a_question(interview_id) for interview_id in interviews}
    with session_scope() as session:
        signing_in = make_user(session, UserRole.CANDIDATE).email
    redis = Redis.from_url(stack.redis_url)
    channels = [event_channel(uuid.UUID(interview_id)) for interview_id in interviews]
    waiters = INTERVIEWS * WAITERS_PER_INTERVIEW

    async def scenario(api: ApiServer) -> tuple[float, float, list[httpx.Response], float]:
        alone = await _login_seconds(api, signing_in)
        limits = httpx.Limits(max_connections=waiters + 10, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=api.url, timeout=90, limits=limits) as http:
            polls = [
                asyncio.create_task(
                    http.get(
                        f"/api/v1/interviews/{interview_id}",
                        params={"wait_s": 60},
                        headers=candidate.headers,
                    )
                )
                for interview_id in interviews
                for _ in range(WAITERS_PER_INTERVIEW)
            ]
            await _settled(redis, channels, waiters)
            assert not any(poll.done() for poll in polls), "a waiter returned before its question"
            among_waiters = await _login_seconds(api, signing_in)
            announced = time.monotonic()
            for interview_id, turn_id in turns.items():
                await asyncio.to_thread(_question_ready, interview_id, turn_id)
            answers = await asyncio.gather(*polls)
            return alone, among_waiters, answers, time.monotonic() - announced

    env = stack.worker_env()
    with ApiServer(env, ARTIFACTS / f"api-long-poll-{uuid.uuid4().hex[:8]}.log") as api:
        alone, among_waiters, answers, woken_after = asyncio.run(scenario(api))

    assert among_waiters - alone < MAX_LOGIN_DELAY_S, (alone, among_waiters)
    assert all(answer.status_code == 200 for answer in answers)
    assert {answer.json()["phase"] for answer in answers} == {"answering"}
    # Woken by the announcement, not by their periodic re-read or the end of the wait.
    assert woken_after < LONG_POLL_REREAD_S, woken_after


def test_without_redis_the_long_poll_still_finds_the_question(
    client: TestClient,
    stack: TestStack,
    recruiter: Party,
    candidate: Party,
    job_id: str,
    question_bank: None,
) -> None:
    interview_id = str(invite_and_start(client, recruiter, candidate, job_id)["interview"]["id"])
    turn_id = _awaiting_a_question(interview_id)
    assert stack.redis is not None
    # The question is stored while Redis is down, so its announcement is lost.
    ready = threading.Timer(1.0, _question_ready, (interview_id, turn_id))
    stack.redis.stop()
    try:
        ready.start()
        started = time.monotonic()
        response = client.get(
            f"/api/v1/interviews/{interview_id}",
            params={"wait_s": 30},
            headers=candidate.headers,
        )
        elapsed = time.monotonic() - started
    finally:
        ready.join()
        stack.redis.start()
    assert response.status_code == 200, response.text
    assert response.json()["phase"] == "answering"
    # Found by re-reading, long before the wait's end.
    assert elapsed < 1.0 + REDIS_DOWN_REREAD_S + 2, elapsed
