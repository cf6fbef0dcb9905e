"""Work survives a killed core pool child; evaluation and transcription never stay pending past
their hard time limits.

Work is held at a known point with a real PostgreSQL lock (no test-only knob): the test is the
other transaction. A SIGKILLed prefork child is noticed by the worker's parent at once, and
`reject_on_worker_lost` puts the message back on the queue, so the redelivery is immediate
(killing the whole process group would leave it to Redis' visibility timeout).
"""

import os
import signal
import time
import uuid
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import func, select, text

from interview_contracts.llm import (
    CompetencySpec,
    EvaluationJob,
    EvaluationRequest,
    EvaluationResult,
)
from interview_contracts.speech import TranscriptionRequest
from interview_contracts.tasks import TASK_SPECS, TaskName
from interview_core.broker.client import get_celery, send
from interview_core.db.engine import get_session_factory, session_scope
from interview_core.interviews.models import ProcessingStatus, Turn, TurnEvaluation
from tests.interviews.conftest import answer_until_probing_turn, invite_and_start
from tests.speech.recordings import speak
from tests.support.answers import answer_typed
from tests.support.stack import WorkerProcess

# Generous: on a loaded 2-core machine a cold evaluation takes minutes.
WAIT_S = 240.0


def _active_stores(turn_id: str) -> list[dict[str, Any]]:
    """The core tasks storing this turn's evaluation, as the core worker runs them."""
    active = get_celery().control.inspect(timeout=1.0).active() or {}
    return [
        task
        for tasks in active.values()
        for task in tasks
        if task["name"] == TaskName.STORE_EVALUATION.value
        and task["kwargs"]["payload"]["turn_id"] == turn_id
    ]


def _waiting_on_lock(statement: str) -> int:
    with session_scope() as session:
        return (
            session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND query ILIKE :statement"
                ),
                {"statement": f"{statement}%"},
            )
            or 0
        )


def _wait_until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def _evaluation_status(turn_id: str) -> ProcessingStatus:
    with session_scope() as session:
        return session.get_one(Turn, uuid.UUID(turn_id)).evaluation_status


def test_a_killed_core_child_mid_store_is_redelivered_and_evaluates_once(
    interview_setup,
) -> None:  # type: ignore[no-untyped-def]
    _, turn_id = answer_until_probing_turn(interview_setup)
    blocker = get_session_factory()()
    try:
        # Hold the turn row (KEY SHARE, so the scores' foreign key still passes): the core
        # task stores the worker's scores, then waits to mark the turn done.
        blocker.execute(
            select(Turn).where(Turn.id == uuid.UUID(turn_id)).with_for_update(key_share=True)
        )
        _wait_until(lambda: _waiting_on_lock("UPDATE turns") == 1, "the evaluation to block")
        [running] = _active_stores(turn_id)
        os.kill(running["worker_pid"], signal.SIGKILL)

        def redelivered() -> bool:
            again = _active_stores(turn_id)
            return bool(again) and again[0]["worker_pid"] != running["worker_pid"]

        _wait_until(redelivered, "the task to run again in a fresh child")
        assert _evaluation_status(turn_id) == ProcessingStatus.PENDING
    finally:
        blocker.rollback()
        blocker.close()
    _wait_until(lambda: _evaluation_status(turn_id) == ProcessingStatus.DONE, "evaluation done")
    with session_scope() as session:
        rows = session.execute(
            select(TurnEvaluation.run_index, TurnEvaluation.competency).where(
                TurnEvaluation.turn_id == uuid.UUID(turn_id)
            )
        ).all()
        runs = session.scalar(
            select(func.count(func.distinct(TurnEvaluation.run_index))).where(
                TurnEvaluation.turn_id == uuid.UUID(turn_id)
            )
        )
    assert rows, "the evaluation stored no scores"
    assert len(rows) == len(set(rows)), "the redelivered task stored the scores twice"
    assert runs == 1


def test_an_evaluation_the_worker_could_not_finish_marks_the_turn_failed(
    interview_setup,
) -> None:  # type: ignore[no-untyped-def]
    """What a worker sends when an evaluation ran past its time limit (the worker side is
    exercised with a real hard limit by the transcription test below: the same handler)."""
    blocker = get_session_factory()()
    try:
        # The turn's own evaluation cannot store its scores while this transaction holds the
        # table, so the failure below is the first outcome the turn gets.
        blocker.execute(text("LOCK TABLE turn_evaluations IN SHARE MODE"))
        interview_id, turn_id = answer_until_probing_turn(interview_setup)
        failure = EvaluationResult(
            interview_id=uuid.UUID(interview_id),
            turn_id=uuid.UUID(turn_id),
            run_index=0,
            failure="evaluation ran past its time limit",
        )
        assert send(TaskName.STORE_EVALUATION, failure).get(timeout=WAIT_S) == "failed"
        with session_scope() as session:
            turn = session.get_one(Turn, uuid.UUID(turn_id))
            assert turn.evaluation_status == ProcessingStatus.FAILED
            assert turn.evaluation_error == "evaluation ran past its time limit"
    finally:
        blocker.rollback()
        blocker.close()
    # The late scores change nothing: the turn stays failed, as the report shows it.
    time.sleep(2)
    assert _evaluation_status(turn_id) == ProcessingStatus.FAILED


def _transcription(turn_id: str) -> Turn:
    with session_scope() as session:
        return session.get_one(Turn, uuid.UUID(turn_id))


@pytest.fixture(scope="module")
def long_answer_wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """About half a minute of speech: seconds of work for the embedded Whisper on a CPU."""
    sentence = "I rebuilt the billing service and measured every release against the old one. "
    return speak(sentence * 6, tmp_path_factory.mktemp("speech") / "long.wav")


def test_a_transcription_past_its_hard_time_limit_fails_and_the_turn_takes_text(
    interview_setup, long_answer_wav: bytes
) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, audio=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    blocker = get_session_factory()()
    try:
        # The core task that asks for the turn's transcription reads its job first: with the
        # table held it waits there (the answer path never reads jobs, so the upload goes
        # through), and the only transcription running is the one sent below with a 3 s
        # limit, of speech that takes longer than that to transcribe.
        blocker.execute(text("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE"))
        uploaded = client.post(
            f"/api/v1/interviews/{interview_id}/turns/{turn_id}/audio",
            headers=candidate.headers,
            files={"audio": ("answer.wav", long_answer_wav, "audio/wav")},
            data={"idempotency_key": f"audio-{uuid.uuid4().hex}"},
        )
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json()["state"]["phase"] == "processing_answer"
        request = TranscriptionRequest(
            interview_id=uuid.UUID(interview_id),
            turn_id=uuid.UUID(turn_id),
            audio_key=str(_transcription(turn_id).audio_path),
            language="en",
        )
        get_celery().send_task(
            TaskName.TRANSCRIBE_AUDIO.value,
            kwargs={"payload": request.model_dump(mode="json")},
            queue=TASK_SPECS[TaskName.TRANSCRIBE_AUDIO].queue.value,
            soft_time_limit=3,
            time_limit=3,
        )
        _wait_until(
            lambda: _transcription(turn_id).stt_status == ProcessingStatus.FAILED,
            "the transcription to fail",
        )
        failed = _transcription(turn_id)
        assert failed.stt_error == "transcription ran past its time limit"
        assert failed.answer_idempotency_key is None
    finally:
        blocker.rollback()
        blocker.close()
    state = client.get(f"/api/v1/interviews/{interview_id}", headers=candidate.headers).json()
    assert state["phase"] == "answering"
    typed = answer_typed(
        client, candidate.headers, interview_id, turn_id, "Typing my answer instead."
    )
    assert typed["state"]["current_turn"]["stage_index"] == 1


def test_copies_of_one_evaluation_job_evaluate_it_once(
    workers: Mapping[str, WorkerProcess],
) -> None:
    """Copies of an evaluation job are normal (a recovery sweep re-sends work that may still be
    queued, a killed worker's message comes back): three sent at once are evaluated once, and a
    copy sent after the run is done hands its result back instead of evaluating again."""
    turn_id = uuid.uuid4()
    job = EvaluationJob(
        interview_id=uuid.uuid4(),
        turn_id=turn_id,
        run_indexes=[0],
        request=EvaluationRequest(
            turn_id=turn_id,
            language="en",
            question="Tell me about a project you led.",
            answer="I led the move of our billing runs to PostgreSQL in 2023; the monthly run "
            "went from 6 hours to 40 minutes.",
            competencies=[CompetencySpec(key="delivery", name="Delivery")],
        ),
    )
    copies = [send(TaskName.EVALUATE_ANSWER, job) for _ in range(3)]
    outcomes = sorted(str(copy.get(timeout=WAIT_S)) for copy in copies)
    turned_away = {"under-way", "already-evaluated"}
    assert len([o for o in outcomes if o not in turned_away]) == 1, outcomes
    assert send(TaskName.EVALUATE_ANSWER, job).get(timeout=WAIT_S) == "already-evaluated"
    evaluated = [
        line
        for line in workers["cpu"].log().splitlines()
        if str(turn_id) in line and '"answer evaluated"' in line
    ]
    assert len(evaluated) == 1, evaluated
