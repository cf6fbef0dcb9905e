"""The one owner of every transition of an interview and its turns.

Routes (through interviews/service.py) and core tasks (interviews/tasks.py) call these; nothing
else writes an interview's status, a turn's question, answer, transcript or evaluation state.
Each transition that can race (a worker's late result, a deadline, a redelivered task) is one
conditional UPDATE, so whichever comes first wins and the other changes nothing. Reads never
write: expiry, abandonment and a question's deadline are applied by core tasks and the sweep.
"""

import logging
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from interview_contracts.interviews import EventType, TurnTask
from interview_contracts.llm import AnswerEvaluation, GeneratedQuestion, QuestionSource
from interview_contracts.reports import ReportTask
from interview_contracts.speech import Transcript
from interview_contracts.tasks import TaskName
from interview_core.broker.after_commit import run_after_commit
from interview_core.broker.client import send
from interview_core.config import get_infra_settings
from interview_core.events import clear_question_awaited, mark_question_awaited, publish_event
from interview_core.interviews.bank import pick_bank_question
from interview_core.interviews.models import (
    Interview,
    InterviewStatus,
    ProcessingStatus,
    Turn,
    TurnEvaluation,
)
from interview_core.interviews.state_machine import transition
from interview_core.scenarios.catalog import StageType

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def _announce(session: Session, interview_id: uuid.UUID, event: EventType, **data: object) -> None:
    run_after_commit(session, lambda: publish_event(interview_id, event, **data))


# --- interview status ---------------------------------------------------------------------


def expire_if_due(session: Session, interview: Interview) -> None:
    """A scheduled interview past its window expires; one in progress and idle past the
    inactivity timeout is abandoned. Called on a candidate's action and by the sweep."""
    now = _now()
    status = InterviewStatus(interview.status)
    if (
        status is InterviewStatus.SCHEDULED
        and interview.window_closes_at
        and interview.window_closes_at < now
    ):
        transition(interview, InterviewStatus.EXPIRED)
    elif (
        status is InterviewStatus.IN_PROGRESS
        and interview.last_activity_at
        and now - interview.last_activity_at
        > timedelta(minutes=get_infra_settings().interview_inactivity_timeout_min)
    ):
        transition(interview, InterviewStatus.ABANDONED)


# --- turns and their questions ------------------------------------------------------------


def open_turn(session: Session, interview: Interview, stage_index: int) -> Turn:
    """Make a stage the current one: its turn was prepared ahead, or is created now. Then the
    next stage is prepared while the candidate answers this one, when its question does not
    depend on this answer, so the wait after the answer is a database read."""
    turn = session.scalar(
        select(Turn).where(Turn.interview_id == interview.id, Turn.stage_index == stage_index)
    )
    if turn is None:
        turn = _create_turn(session, interview, stage_index)
    deadline = turn.generation_deadline_at
    if turn.question_text is None and deadline is not None:
        awaited = (interview.id, turn.id, deadline)
        run_after_commit(session, lambda: mark_question_awaited(*awaited))
    next_index = stage_index + 1
    if (
        next_index < len(interview.stages)
        and StageType(str(interview.stages[next_index]["type"])) is not StageType.FOLLOWUP
        and session.scalar(
            select(Turn.id).where(Turn.interview_id == interview.id, Turn.stage_index == next_index)
        )
        is None
    ):
        _create_turn(session, interview, next_index)
    return turn


def _create_turn(session: Session, interview: Interview, stage_index: int) -> Turn:
    """A stage's turn: a template question at once, or dispatch generation."""
    stage = interview.stages[stage_index]
    asked = list(
        session.scalars(
            select(Turn.question_text).where(
                Turn.interview_id == interview.id, Turn.question_text.is_not(None)
            )
        )
    )
    bank_question, fallback_reason = pick_bank_question(
        session, interview.id, str(stage["key"]), interview.language, [a for a in asked if a]
    )
    turn = Turn(
        interview_id=interview.id,
        stage_index=stage_index,
        stage_key=str(stage["key"]),
        stage_type=str(stage["type"]),
        competency=stage.get("competency"),
        bank_question=bank_question,
        fallback_reason=fallback_reason,
    )
    if StageType(str(stage["type"])) is StageType.TEMPLATE:
        turn.question_text = bank_question
        turn.question_source = (
            QuestionSource.BANK_FALLBACK if fallback_reason else QuestionSource.BANK
        )
        turn.question_ready_at = _now()
    session.add(turn)
    session.flush()
    if turn.question_text is None:
        _dispatch_generation(session, turn)
    return turn


def _dispatch_generation(session: Session, turn: Turn) -> None:
    """After commit: ask for the question, and serve the bank question at the deadline unless
    the generated one came first (the sweep is the safety net for both messages)."""
    deadline = _now() + timedelta(seconds=get_infra_settings().generation_timeout_s)
    turn.generation_deadline_at = deadline
    payload = TurnTask(interview_id=turn.interview_id, turn_id=turn.id)
    run_after_commit(session, lambda: send(TaskName.GENERATE_QUESTION, payload))
    run_after_commit(session, lambda: send(TaskName.SERVE_BANK_QUESTION, payload, eta=deadline))


def store_generated_question(
    session: Session, interview_id: uuid.UUID, turn_id: uuid.UUID, question: GeneratedQuestion
) -> bool:
    """Only a turn still waiting takes the question: after the deadline the bank question
    stays. Returns whether it was stored."""
    result = session.execute(
        update(Turn)
        .where(Turn.id == turn_id, Turn.interview_id == interview_id, Turn.question_text.is_(None))
        .values(
            question_text=question.text,
            question_source=question.source,
            question_model_id=question.model_id,
            question_ready_at=func.now(),
            fallback_reason=(
                "; ".join(question.rejected_reasons)[:200]
                if question.source is QuestionSource.BANK_FALLBACK
                else None
            ),
        )
    )
    stored = bool(result.rowcount)  # type: ignore[attr-defined]
    if stored:
        run_after_commit(session, lambda: clear_question_awaited(interview_id, turn_id))
        _announce(session, interview_id, EventType.QUESTION_READY, turn_id=turn_id)
    return stored


def serve_bank_question_if_due(session: Session, turn_id: uuid.UUID) -> bool:
    """Past its deadline, a turn without a question gets its bank question; the generator's
    late answer then finds the question set and changes nothing."""
    return _serve_bank_question(session, turn_id, "generation timed out", only_if_due=True)


def serve_bank_question_now(session: Session, turn_id: uuid.UUID, reason: str) -> bool:
    """No model can write the question (an operator unloaded them): the bank question now."""
    return _serve_bank_question(session, turn_id, reason, only_if_due=False)


def _serve_bank_question(
    session: Session, turn_id: uuid.UUID, reason: str, only_if_due: bool
) -> bool:
    due = (Turn.generation_deadline_at <= func.now(),) if only_if_due else ()
    result = session.execute(
        update(Turn)
        .where(Turn.id == turn_id, Turn.question_text.is_(None), *due)
        .values(
            question_text=Turn.bank_question,
            question_source=QuestionSource.BANK_FALLBACK,
            fallback_reason=reason,
            question_ready_at=func.now(),
        )
        .returning(Turn.interview_id)
    )
    interview_id = result.scalar_one_or_none()
    if interview_id is None:
        return False
    logger.warning("bank question served: %s", reason, extra={"turn_id": turn_id})
    run_after_commit(session, lambda: clear_question_awaited(interview_id, turn_id))
    _announce(session, interview_id, EventType.QUESTION_READY, turn_id=turn_id)
    return True


# --- answers ------------------------------------------------------------------------------


def record_answer(session: Session, interview: Interview, turn: Turn) -> None:
    """The answer is stored (typed, or transcribed): evaluate it and move on, both at once."""
    now = _now()
    turn.answered_at = now
    turn.evaluation_status = ProcessingStatus.PENDING
    interview.last_activity_at = now
    payload = TurnTask(interview_id=interview.id, turn_id=turn.id)
    run_after_commit(session, lambda: send(TaskName.EVALUATE_TURN, payload))
    next_index = turn.stage_index + 1
    if next_index >= len(interview.stages):
        transition(interview, InterviewStatus.COMPLETED)
        interview.completed_at = now
        _announce(session, interview.id, EventType.INTERVIEW_COMPLETED)
        request_report(session, interview.id)
        return
    interview.current_stage_index = next_index
    open_turn(session, interview, next_index)


def request_report(session: Session, interview_id: uuid.UUID) -> None:
    task = ReportTask(interview_id=interview_id)
    run_after_commit(session, lambda: send(TaskName.ASSEMBLE_REPORT, task))


def resend_pending_work(session: Session, turn: Turn) -> None:
    """After commit, send the turn's pending transcription or evaluation again (idempotent)."""
    payload = TurnTask(interview_id=turn.interview_id, turn_id=turn.id)
    if turn.stt_status == ProcessingStatus.PENDING:
        run_after_commit(session, lambda: send(TaskName.TRANSCRIBE_TURN, payload))
    if turn.evaluation_status == ProcessingStatus.PENDING:
        run_after_commit(session, lambda: send(TaskName.EVALUATE_TURN, payload))


def _locked_turn(
    session: Session, interview_id: uuid.UUID, turn_id: uuid.UUID
) -> tuple[Interview, Turn] | None:
    # The interview before the turn, in the same order as the API's answer path.
    interview = session.scalar(
        select(Interview).where(Interview.id == interview_id).with_for_update()
    )
    turn = session.scalar(
        select(Turn).where(Turn.id == turn_id, Turn.interview_id == interview_id).with_for_update()
    )
    if interview is None or turn is None:
        return None
    return interview, turn


def store_transcript(
    session: Session, interview_id: uuid.UUID, turn_id: uuid.UUID, transcript: Transcript
) -> bool:
    """A spoken answer's transcript is its answer; once only."""
    locked = _locked_turn(session, interview_id, turn_id)
    if locked is None:
        return False
    interview, turn = locked
    if turn.stt_status != ProcessingStatus.PENDING:
        return False
    turn.transcript = transcript.model_dump(mode="json")
    turn.answer_text = transcript.text
    turn.stt_status = ProcessingStatus.DONE
    record_answer(session, interview, turn)
    _announce(session, interview_id, EventType.TRANSCRIBED, turn_id=turn_id)
    return True


def fail_transcription(
    session: Session, interview_id: uuid.UUID, turn_id: uuid.UUID, reason: str
) -> bool:
    """The turn stays current and unanswered: the candidate re-records or types."""
    result = session.execute(
        update(Turn)
        .where(
            Turn.id == turn_id,
            Turn.interview_id == interview_id,
            Turn.stt_status == ProcessingStatus.PENDING,
        )
        .values(
            stt_status=ProcessingStatus.FAILED, stt_error=reason[:500], answer_idempotency_key=None
        )
    )
    failed = bool(result.rowcount)  # type: ignore[attr-defined]
    if failed:
        _announce(
            session, interview_id, EventType.TRANSCRIPTION_FAILED, turn_id=turn_id, reason=reason
        )
    return failed


# --- evaluations ----------------------------------------------------------------------------


def store_evaluation_run(
    session: Session,
    turn_id: uuid.UUID,
    run_index: int,
    evaluation: AnswerEvaluation,
    latency_ms: float,
) -> None:
    """One run's scores; a run stored twice (a redelivered task) keeps its first rows."""
    for score in evaluation.scores:
        session.execute(
            insert(TurnEvaluation)
            .values(
                id=uuid.uuid4(),
                turn_id=turn_id,
                run_index=run_index,
                competency=score.competency,
                score=score.score,
                evidence=score.evidence,
                rationale=score.rationale,
                checks=[check.model_dump(mode="json") for check in score.checks],
                overall_note=evaluation.overall_note,
                evaluator=evaluation.evaluator,
                model_id=evaluation.model_id,
                method=evaluation.method,
                prompt_version=evaluation.prompt_version,
                validated=evaluation.validated,
                review_flags=evaluation.review_flags,
                latency_ms=latency_ms,
            )
            .on_conflict_do_nothing(constraint="uq_turn_evaluations_run")
        )


def finish_evaluation(
    session: Session,
    interview_id: uuid.UUID,
    turn_id: uuid.UUID,
    status: ProcessingStatus,
    error: str | None = None,
) -> bool:
    """Pending → done or failed, once. When it was the interview's last pending evaluation of
    a completed interview, its report is assembled: triggered by this, never by polling."""
    # The interview first, as the answer path does: two evaluations finishing at once then
    # see each other's outcome, so exactly one of them finds nothing left pending.
    interview = session.scalar(
        select(Interview).where(Interview.id == interview_id).with_for_update()
    )
    if interview is None:
        return False
    result = session.execute(
        update(Turn)
        .where(
            Turn.id == turn_id,
            Turn.interview_id == interview_id,
            Turn.evaluation_status == ProcessingStatus.PENDING,
        )
        .values(evaluation_status=status, evaluation_error=error)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    _announce(session, interview_id, EventType.EVALUATED, turn_id=turn_id)
    still_pending = session.scalar(
        select(Turn.id)
        .where(
            Turn.interview_id == interview_id,
            Turn.evaluation_status == ProcessingStatus.PENDING,
        )
        .limit(1)
    )
    if still_pending is None and interview.status == InterviewStatus.COMPLETED:
        request_report(session, interview_id)
    return True
