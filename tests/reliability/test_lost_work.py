"""Work owed with no task on its way is sent again: by the candidate's retry of the same answer
at once, and by the sweep (sent for real to the CPU worker) once it is older than asked.

A task lost with its message (the broker down at dispatch, a worker killed with it) leaves a
turn pending and nothing in flight; here that state is made directly on an evaluated turn.
"""

import time
import uuid
from datetime import timedelta

from sqlalchemy import func, update

from interview_contracts.interviews import SweepTask
from interview_contracts.tasks import TaskName
from interview_core.broker.client import send
from interview_core.db.engine import session_scope
from interview_core.interviews.models import ProcessingStatus, Turn
from tests.interviews.conftest import invite_and_start
from tests.support.answers import answer_typed

WAIT_S = 240.0
ANSWER = "I ran Python services on PostgreSQL."


def _status(turn_id: str) -> ProcessingStatus:
    with session_scope() as session:
        return ProcessingStatus(session.get_one(Turn, uuid.UUID(turn_id)).evaluation_status)


def _wait_for_status(turn_id: str, wanted: ProcessingStatus) -> None:
    deadline = time.monotonic() + WAIT_S
    while _status(turn_id) != wanted:
        assert time.monotonic() < deadline, f"evaluation of {turn_id} never became {wanted}"
        time.sleep(0.3)


def _lose_evaluation(turn_id: str, pending_for: timedelta) -> None:
    with session_scope() as session:
        session.execute(
            update(Turn)
            .where(Turn.id == uuid.UUID(turn_id))
            .values(
                evaluation_status=ProcessingStatus.PENDING,
                updated_at=func.now() - pending_for,
            )
        )


def _answered_and_evaluated(interview_setup) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    key = uuid.uuid4().hex
    answer_typed(client, candidate.headers, interview_id, turn_id, ANSWER, key)
    _wait_for_status(turn_id, ProcessingStatus.DONE)
    return interview_id, turn_id, key


def test_a_repeated_answer_resends_its_pending_evaluation(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, _, candidate, _ = interview_setup
    interview_id, turn_id, key = _answered_and_evaluated(interview_setup)
    _lose_evaluation(turn_id, timedelta(0))
    again = answer_typed(client, candidate.headers, interview_id, turn_id, ANSWER, key)
    assert again["answered_turn"]["id"] == turn_id
    _wait_for_status(turn_id, ProcessingStatus.DONE)


def test_the_sweep_resends_only_work_pending_longer_than_asked(interview_setup) -> None:  # type: ignore[no-untyped-def]
    _, stale_turn, _ = _answered_and_evaluated(interview_setup)
    _, recent_turn, _ = _answered_and_evaluated(interview_setup)
    _lose_evaluation(stale_turn, timedelta(minutes=10))
    _lose_evaluation(recent_turn, timedelta(0))
    try:
        swept = send(TaskName.SWEEP_STALE_WORK, SweepTask(older_than_s=300))
        assert swept.get(timeout=WAIT_S)["evaluations"] >= 1
        _wait_for_status(stale_turn, ProcessingStatus.DONE)
        assert _status(recent_turn) == ProcessingStatus.PENDING
    finally:
        with session_scope() as session:
            session.execute(
                update(Turn)
                .where(Turn.id == uuid.UUID(recent_turn))
                .values(evaluation_status=ProcessingStatus.DONE)
            )
