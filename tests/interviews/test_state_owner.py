"""Reads never write: a question past its deadline and an interview idle past the inactivity
timeout change only when a core task applies the transition (interviews/transitions.py)."""

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from interview_contracts.interviews import SweepTask
from interview_contracts.llm import QuestionSource
from interview_contracts.queues import WorkerRole
from interview_contracts.tasks import TaskName
from interview_core.broker.client import send
from interview_core.db.engine import session_scope
from interview_core.interviews.models import Interview, InterviewStatus, Turn
from tests.interviews.conftest import invite_and_start

WAIT_S = 60.0


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def _turn(turn_id: uuid.UUID) -> Turn:
    with session_scope() as session:
        return session.get_one(Turn, turn_id)


def test_a_read_never_serves_the_bank_question_the_core_worker_does(interview_setup, stack) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id = state["interview"]["id"]
    turn_id = uuid.UUID(state["current_turn"]["id"])
    stack.stop_worker(WorkerRole.CORE)
    try:
        # The current question is still being written, and its deadline has passed.
        with session_scope() as session:
            session.execute(
                update(Turn)
                .where(Turn.id == turn_id)
                .values(
                    question_text=None,
                    question_source=None,
                    generation_deadline_at=datetime.now(UTC) - timedelta(seconds=1),
                )
            )
        for _ in range(3):
            read = client.get(f"/api/v1/interviews/{interview_id}", headers=candidate.headers)
            assert read.status_code == 200, read.text
            assert read.json()["phase"] == "waiting_for_question"
        assert _turn(turn_id).question_text is None
    finally:
        # A core worker that connects sweeps at once: the overdue turn gets its bank question.
        stack.start_worker(WorkerRole.CORE)
    _wait_until(lambda: _turn(turn_id).question_text is not None, "the bank question")
    served = _turn(turn_id)
    assert served.question_text == served.bank_question
    assert served.question_source == QuestionSource.BANK_FALLBACK
    assert served.fallback_reason == "generation timed out"
    read = client.get(f"/api/v1/interviews/{interview_id}", headers=candidate.headers).json()
    assert read["phase"] == "answering"
    assert read["current_turn"]["question_text"] == served.bank_question


def test_an_idle_interview_is_abandoned_by_the_sweep_not_by_a_read(
    interview_setup,
) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id = uuid.UUID(state["interview"]["id"])
    with session_scope() as session:
        session.execute(
            update(Interview)
            .where(Interview.id == interview_id)
            .values(last_activity_at=datetime.now(UTC) - timedelta(days=1))
        )

    def recruiter_sees() -> str:
        listed = client.get("/api/v1/interviews", headers=recruiter.headers)
        assert listed.status_code == 200, listed.text
        items = listed.json()
        rows = items["items"] if isinstance(items, dict) else items
        return str(next(row for row in rows if row["id"] == str(interview_id))["status"])

    # Reads show what is stored: still in progress, and nothing written.
    candidate_view = client.get(f"/api/v1/interviews/{interview_id}", headers=candidate.headers)
    assert candidate_view.json()["interview"]["status"] == InterviewStatus.IN_PROGRESS
    assert recruiter_sees() == InterviewStatus.IN_PROGRESS

    swept = send(TaskName.SWEEP_STALE_WORK, SweepTask(older_than_s=300)).get(timeout=WAIT_S)
    assert swept["expired"] >= 1
    assert recruiter_sees() == InterviewStatus.ABANDONED
    with session_scope() as session:
        assert session.get_one(Interview, interview_id).status == InterviewStatus.ABANDONED
