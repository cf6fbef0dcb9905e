"""Work the candidate is not waiting for yields to the question they are waiting for: an
answer's evaluation is deferred while the next question is being written, then done; a question
prepared for a later stage yields for its first seconds only."""

import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from interview_contracts.interviews import TurnTask
from interview_contracts.tasks import TASK_SPECS, TaskName
from interview_core.broker.client import get_celery
from interview_core.db.engine import session_scope
from interview_core.interviews.models import Interview, ProcessingStatus, Turn, TurnEvaluation
from tests.interviews.conftest import answer_until_probing_turn, wait_for_question

WAIT_S = 120.0


def _evaluation_status(turn_id: uuid.UUID) -> ProcessingStatus:
    with session_scope() as session:
        return ProcessingStatus(session.get_one(Turn, turn_id).evaluation_status)


def test_an_evaluation_waits_while_the_next_question_is_written(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, _, candidate, _ = interview_setup
    interview_ref, answered_ref = answer_until_probing_turn(interview_setup)
    wait_for_question(client, candidate, interview_ref)
    interview_id, answered_id = uuid.UUID(interview_ref), uuid.UUID(answered_ref)
    deadline = time.monotonic() + WAIT_S
    while _evaluation_status(answered_id) != ProcessingStatus.DONE:
        assert time.monotonic() < deadline, "the first evaluation never finished"
        time.sleep(0.3)

    # The next question is being written again (its generation in flight, deadline ahead),
    # and the answer's evaluation is to be done again.
    with session_scope() as session:
        interview = session.get_one(Interview, interview_id)
        current = session.scalar(
            select(Turn).where(
                Turn.interview_id == interview_id,
                Turn.stage_index == interview.current_stage_index,
            )
        )
        assert current is not None
        written = current.question_text
        current.question_text = None
        current.generation_deadline_at = datetime.now(UTC) + timedelta(seconds=WAIT_S)
        session.execute(delete(TurnEvaluation).where(TurnEvaluation.turn_id == answered_id))
        session.execute(
            update(Turn)
            .where(Turn.id == answered_id)
            .values(evaluation_status=ProcessingStatus.PENDING)
        )
        current_id = current.id

    payload = TurnTask(interview_id=interview_id, turn_id=answered_id)
    result = get_celery().send_task(
        TaskName.EVALUATE_TURN.value,
        kwargs={"payload": payload.model_dump(mode="json")},
        queue=TASK_SPECS[TaskName.EVALUATE_TURN].queue.value,
    )
    assert result.get(timeout=WAIT_S) == "deferred"
    assert _evaluation_status(answered_id) == ProcessingStatus.PENDING

    # The question is stored: the deferred evaluation runs and completes.
    with session_scope() as session:
        session.execute(update(Turn).where(Turn.id == current_id).values(question_text=written))
    deadline = time.monotonic() + WAIT_S
    while _evaluation_status(answered_id) != ProcessingStatus.DONE:
        assert time.monotonic() < deadline, "the deferred evaluation never ran"
        time.sleep(0.3)
    with session_scope() as session:
        rows = session.scalars(
            select(TurnEvaluation.id).where(TurnEvaluation.turn_id == answered_id)
        ).all()
    assert rows, "the deferred evaluation stored nothing"


def test_a_prepared_question_yields_for_its_first_seconds_only(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, _, candidate, _ = interview_setup
    interview_ref, _ = answer_until_probing_turn(interview_setup)
    wait_for_question(client, candidate, interview_ref)
    interview_id = uuid.UUID(interview_ref)

    # The current question is being written again; a later stage's question is to be prepared.
    with session_scope() as session:
        interview = session.get_one(Interview, interview_id)
        turns = session.scalars(select(Turn).where(Turn.interview_id == interview_id)).all()
        current = next(t for t in turns if t.stage_index == interview.current_stage_index)
        current.question_text = None
        current.generation_deadline_at = datetime.now(UTC) + timedelta(seconds=WAIT_S)
        prepared = Turn(
            interview_id=interview_id,
            stage_index=max(t.stage_index for t in turns) + 1,
            stage_key=current.stage_key,
            stage_type=current.stage_type,
            competency=current.competency,
            bank_question=current.bank_question,
            generation_deadline_at=datetime.now(UTC) + timedelta(seconds=WAIT_S),
        )
        session.add(prepared)
        session.flush()
        prepared_id = prepared.id

    def generate() -> str:
        payload = TurnTask(interview_id=interview_id, turn_id=prepared_id)
        result = get_celery().send_task(
            TaskName.GENERATE_QUESTION.value,
            kwargs={"payload": payload.model_dump(mode="json")},
            queue=TASK_SPECS[TaskName.GENERATE_QUESTION].queue.value,
        )
        return str(result.get(timeout=WAIT_S))

    def prepared_question() -> str | None:
        with session_scope() as session:
            return session.get_one(Turn, prepared_id).question_text

    # Young, it yields to the awaited question and stores nothing.
    assert generate() == "deferred"
    assert prepared_question() is None

    # Past its first seconds it is written although the current question is still awaited
    # (its re-sent copy may have written it already; then this one finds it set).
    with session_scope() as session:
        session.execute(
            update(Turn)
            .where(Turn.id == prepared_id)
            .values(created_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    assert generate() != "deferred"
    # The request went to the GPU worker; its question comes back and is stored.
    deadline = time.monotonic() + WAIT_S
    while not prepared_question():
        assert time.monotonic() < deadline, "the prepared question was never stored"
        time.sleep(0.3)
