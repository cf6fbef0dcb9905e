"""Turn tasks. Each re-reads its rows, so a redelivered task finds the work done and stops."""

import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import task_failure
from sqlalchemy import Update, create_engine, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ai_worker.celery_app import app
from ai_worker.tasking import register
from interview_contracts.interviews import EventType, FramesTask, SweepTask, TurnTask
from interview_contracts.llm import (
    AnswerEvaluation,
    CompetencySpec,
    EvaluationRequest,
    PreviousTurn,
    QuestionRequest,
    SpeechFigures,
)
from interview_contracts.tasks import TaskName
from interview_core.config import get_infra_settings
from interview_core.db.engine import session_scope
from interview_core.events import publish_event
from interview_core.interviews.models import (
    Interview,
    InterviewStatus,
    ProcessingStatus,
    QuestionSource,
    Turn,
    TurnEvaluation,
    VideoFrame,
)
from interview_core.interviews.service import record_answer
from interview_core.jobs.models import Job
from interview_core.jobs.rubrics import stored_effective_rubric

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError,)


class TurnGoneError(Exception):
    """The turn was deleted (interview removed) before its task ran, or the payload names a
    turn of another interview."""


def _load(session: Session, task: TurnTask, *, lock: bool = False) -> tuple[Interview, Turn, Job]:
    # Both ids must agree: a payload pairing one interview with another's turn would otherwise
    # mix their data (another job, résumé or organisation setting) into this turn's work.
    query = select(Turn).where(Turn.id == task.turn_id, Turn.interview_id == task.interview_id)
    turn = session.scalar(query.with_for_update() if lock else query)
    interview = session.get(Interview, task.interview_id)
    if turn is None or interview is None:
        raise TurnGoneError(f"turn {task.turn_id} of interview {task.interview_id}")
    job = session.get_one(Job, interview.job_id)
    return interview, turn, job


# An answer's evaluation, which nobody waits for, waits while the candidate's next question is
# written: on one engine both would share its batches and the question would take longer.
# Bounded by that question's deadline, after which the bank question is served.
DEFER_POLL_S = 1.0
# The question prepared for a later stage yields too, but only for its first seconds: enough
# for one follow-up on an idle engine, so one candidate's follow-up is written alone. Yielding
# until the follow-up was stored made 10 concurrent interviews slower: the prepared questions
# were then still being written when the candidates answered.
PREPARED_YIELD_S = 4.0


def _question_awaited(session: Session, interview: Interview) -> bool:
    """The candidate is waiting for the current stage's question to be generated."""
    if interview.status != InterviewStatus.IN_PROGRESS:
        return False
    current = session.scalar(
        select(Turn).where(
            Turn.interview_id == interview.id, Turn.stage_index == interview.current_stage_index
        )
    )
    return (
        current is not None
        and current.question_text is None
        and current.generation_deadline_at is not None
        and current.generation_deadline_at > datetime.now(UTC)
    )


def _prepared_question_yields(session: Session, interview: Interview, turn: Turn) -> bool:
    """A question prepared ahead, still young, while the candidate waits for the current one."""
    return (
        turn.stage_index > interview.current_stage_index
        and datetime.now(UTC) - turn.created_at < timedelta(seconds=PREPARED_YIELD_S)
        and _question_awaited(session, interview)
    )


def _defer(task: Any, payload: dict[str, Any]) -> str:
    """Send the same task again shortly, with the time limits it was sent with; it re-reads
    its rows, so this is safe to repeat."""
    hard_s, soft_s = task.request.timelimit or (None, None)
    task.apply_async(
        kwargs={"payload": payload},
        countdown=DEFER_POLL_S,
        time_limit=hard_s,
        soft_time_limit=soft_s,
    )
    return "deferred"


def _previous_turns(session: Session, interview: Interview, before: int) -> list[Turn]:
    return list(
        session.scalars(
            select(Turn)
            .where(Turn.interview_id == interview.id, Turn.stage_index < before)
            .order_by(Turn.stage_index)
        )
    )


# --- question generation (gpu_queue) --------------------------------------------------------


def build_question_request(
    session: Session, interview: Interview, turn: Turn, job: Job
) -> QuestionRequest:
    earlier = _previous_turns(session, interview, turn.stage_index)
    competency = next((c for c in job.competencies if c.get("key") == turn.competency), None)
    competency_text = (
        str(competency.get("description") or competency.get("name")) if competency else job.title
    )
    from ai_worker.embeddings.retrieval import retrieve_for_generation

    context = retrieve_for_generation(
        session, job.id, interview.resume_id, competency_text, interview.language, k=3
    )
    return QuestionRequest(
        interview_id=interview.id,
        turn_id=turn.id,
        language=interview.language,
        stage_key=turn.stage_key,
        stage_type=turn.stage_type,
        competency=turn.competency,
        competency_name=str(competency.get("name") or "") or None if competency else None,
        competency_description=str(competency.get("description") or "") or None
        if competency
        else None,
        job_title=job.title,
        job_description=job.description[:2000],
        resume_excerpts=context.resume_excerpts,
        job_excerpts=context.job_excerpts,
        example_questions=context.example_questions,
        previous_turns=[
            PreviousTurn(question=t.question_text or "", answer=t.answer_text or "")
            for t in earlier[-3:]
            if t.answer_text
        ],
        asked_questions=[t.question_text for t in earlier if t.question_text],
        bank_question=turn.bank_question,
    )


@register(
    app, TaskName.GENERATE_QUESTION, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3
)
def generate_question(payload: dict[str, Any]) -> str:
    from ai_worker.llm.generation import generate_question as generate

    task = TurnTask.model_validate(payload)
    with session_scope() as session:
        interview, turn, job = _load(session, task)
        if turn.question_text is not None:
            return "already-set"
        # Past the turn's deadline the bank question is served: generating is wasted work
        # that would delay the questions still awaited.
        remaining_s = (
            (turn.generation_deadline_at - datetime.now(UTC)).total_seconds()
            if turn.generation_deadline_at is not None
            else None
        )
        if remaining_s is not None and remaining_s <= 0:
            return "past-deadline"
        if _prepared_question_yields(session, interview, turn):
            return _defer(generate_question, payload)
        request = build_question_request(session, interview, turn, job)

    # Nothing is streamed: the candidate sees only a question that passed validation.
    generated = generate(
        request, deadline=None if remaining_s is None else time.monotonic() + remaining_s
    )
    with session_scope() as session:
        # Only a turn still waiting takes the question: after a timeout the bank question stays.
        result = session.execute(
            update(Turn)
            .where(Turn.id == task.turn_id, Turn.question_text.is_(None))
            .values(
                question_text=generated.text,
                question_source=QuestionSource(generated.source.value),
                question_model_id=generated.model_id,
                question_ready_at=datetime.now(UTC),
                fallback_reason=(
                    "; ".join(generated.rejected_reasons)[:200]
                    if generated.source.value == QuestionSource.BANK_FALLBACK
                    else None
                ),
            )
        )
        stored = bool(result.rowcount)  # type: ignore[attr-defined]
    if stored:
        publish_event(task.interview_id, EventType.QUESTION_READY, turn_id=task.turn_id)
    logger.info(
        "question %s (%s, %.0f ms)",
        "stored" if stored else "late, discarded",
        generated.source.value,
        generated.latency_ms,
        extra={
            "interview_id": task.interview_id,
            "turn_id": task.turn_id,
            "rejected_attempts": generated.rejected_reasons,
        },
    )
    return generated.source.value if stored else "late"


# --- answer evaluation (cpu_queue) -----------------------------------------------------------


def _competencies_for(turn: Turn, job: Job, language: str) -> list[CompetencySpec]:
    """Only the competency the turn's stage probes (follow-ups carry their parent's): an intro,
    motivation or final statement probes none, nor does a stage whose competency the job does
    not have. An answer is never scored on what its question did not ask about."""
    probed = next((c for c in job.competencies if c.get("key") == turn.competency), None)
    if probed is None:
        return []
    return [
        CompetencySpec(
            key=str(probed["key"]),
            name=str(probed["name"]),
            description=str(probed.get("description", "")),
            weight=float(probed.get("weight", 1.0)),  # type: ignore[arg-type]
            strong_anchor=stored_effective_rubric(probed, language).level_5,
        )
    ]


def _speech_figures(turn: Turn) -> SpeechFigures | None:
    metrics = (turn.transcript or {}).get("metrics")
    if not isinstance(metrics, dict):
        return None
    return SpeechFigures(
        words_per_minute=metrics.get("words_per_minute"),
        fillers_per_minute=metrics.get("fillers_per_minute"),
        longest_pause_s=metrics.get("longest_pause_s"),
    )


def store_evaluation(
    session: Session,
    turn_id: uuid.UUID,
    run_index: int,
    evaluation: AnswerEvaluation,
    latency_ms: float,
) -> None:
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


def _mark_evaluation(
    turn_id: uuid.UUID, status: ProcessingStatus, error: str | None = None
) -> None:
    with session_scope() as session:
        session.execute(
            update(Turn)
            .where(Turn.id == turn_id)
            .values(evaluation_status=status, evaluation_error=error)
        )


@register(app, TaskName.EVALUATE_TURN, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def evaluate_turn(payload: dict[str, Any]) -> str:
    from ai_worker.llm.evaluation import evaluate_answer

    task = TurnTask.model_validate(payload)
    with session_scope() as session:
        interview, turn, job = _load(session, task)
        if turn.evaluation_status == ProcessingStatus.DONE:
            return "already-done"
        if _question_awaited(session, interview):
            return _defer(evaluate_turn, payload)
        competencies = _competencies_for(turn, job, interview.language)
        request = (
            EvaluationRequest(
                turn_id=turn.id,
                language=interview.language,
                question=turn.question_text or "",
                answer=turn.answer_text or "",
                competencies=competencies,
                # Observations only, shown beside the transcript; no evaluator reads them.
                speech=_speech_figures(turn),
            )
            if competencies
            else None
        )
        if request is None:
            # Nothing to judge: the turn is done with no rows, so the report is complete
            # without waiting for an evaluation that will never come.
            turn.evaluation_status = ProcessingStatus.DONE
            turn.evaluation_error = None
        done_runs = set(
            session.scalars(
                select(TurnEvaluation.run_index).where(TurnEvaluation.turn_id == turn.id).distinct()
            )
        )
    if request is None:
        publish_event(task.interview_id, EventType.EVALUATED, turn_id=task.turn_id)
        return "nothing-probed"
    publish_event(task.interview_id, EventType.EVALUATING, turn_id=task.turn_id)
    runs = get_infra_settings().evaluation_runs
    evaluator = "none"
    # Each run is stored as it finishes, so a redelivered task only does the runs still missing.
    for run_index in range(runs):
        if run_index in done_runs:
            continue
        started = time.perf_counter()
        try:
            evaluation = evaluate_answer(request, run_index=run_index)
        except SoftTimeLimitExceeded:
            _mark_evaluation(
                task.turn_id, ProcessingStatus.FAILED, "evaluation ran past its time limit"
            )
            return "timed-out"
        latency_ms = (time.perf_counter() - started) * 1000
        with session_scope() as session:
            store_evaluation(session, task.turn_id, run_index, evaluation, latency_ms)
        evaluator = evaluation.evaluator
    _mark_evaluation(task.turn_id, ProcessingStatus.DONE)
    publish_event(task.interview_id, EventType.EVALUATED, turn_id=task.turn_id)
    return evaluator


def _failure_reason(work: str, exception: BaseException) -> str:
    if isinstance(exception, TimeLimitExceeded | SoftTimeLimitExceeded):
        return f"{work} ran past its time limit"
    return f"{work} failed: {type(exception).__name__}"


def _update_turn_outside_the_pool(statement: Update) -> int:
    """Run one UPDATE on a connection of its own: task_failure may fire in the worker's main
    process, which must not hold pooled connections that the pool children it forks later
    would inherit."""
    engine = create_engine(get_infra_settings().database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            return int(connection.execute(statement).rowcount)
    finally:
        engine.dispose()


@task_failure.connect(sender=evaluate_turn)  # type: ignore[untyped-decorator]
def _on_evaluation_failed(exception: BaseException, kwargs: dict[str, Any], **_: Any) -> None:
    """A hard time limit kills the pool child, so nothing in the task runs: Celery then sends
    task_failure from the worker's main process, and the turn is marked failed here instead of
    staying pending for ever. Also covers a task that gave up after its retries."""
    task = TurnTask.model_validate(kwargs["payload"])
    reason = _failure_reason("evaluation", exception)
    _update_turn_outside_the_pool(
        update(Turn)
        .where(
            Turn.id == task.turn_id,
            Turn.interview_id == task.interview_id,
            Turn.evaluation_status == ProcessingStatus.PENDING,
        )
        .values(evaluation_status=ProcessingStatus.FAILED, evaluation_error=reason)
    )
    logger.warning(reason, extra={"interview_id": task.interview_id, "turn_id": task.turn_id})


# --- speech-to-text (cpu_queue) ---------------------------------------------------------------


@register(app, TaskName.TRANSCRIBE_TURN, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def transcribe_turn(payload: dict[str, Any]) -> str:
    from ai_worker.speech.audio import SpeechInputError
    from ai_worker.speech.transcribe import transcribe_audio

    task = TurnTask.model_validate(payload)
    with session_scope() as session:
        interview, turn, _ = _load(session, task)
        if turn.stt_status != ProcessingStatus.PENDING or not turn.audio_path:
            return "nothing-to-do"
        audio_path = get_infra_settings().media_dir / turn.audio_path
        language = interview.language
    try:
        transcript = transcribe_audio(audio_path.read_bytes(), language)
    except (SpeechInputError, FileNotFoundError, SoftTimeLimitExceeded) as exc:
        reason = str(exc) or type(exc).__name__
        with session_scope() as session:
            _, turn, _ = _load(session, task, lock=True)
            if turn.stt_status == ProcessingStatus.PENDING:
                # The turn stays current and unanswered: the candidate re-records or types.
                turn.stt_status = ProcessingStatus.FAILED
                turn.stt_error = reason[:500]
                turn.answer_idempotency_key = None
        publish_event(
            task.interview_id, EventType.TRANSCRIPTION_FAILED, turn_id=task.turn_id, reason=reason
        )
        return "failed"
    with session_scope() as session:
        # Lock the interview before the turn, in the same order as the API's answer path.
        session.scalar(select(Interview).where(Interview.id == task.interview_id).with_for_update())
        interview, turn, _ = _load(session, task, lock=True)
        if turn.stt_status != ProcessingStatus.PENDING:
            return "already-done"
        turn.transcript = transcript.model_dump(mode="json")
        turn.answer_text = transcript.text
        turn.stt_status = ProcessingStatus.DONE
        record_answer(session, interview, turn)
    publish_event(task.interview_id, EventType.TRANSCRIBED, turn_id=task.turn_id)
    return "done"


@task_failure.connect(sender=transcribe_turn)  # type: ignore[untyped-decorator]
def _on_transcription_failed(exception: BaseException, kwargs: dict[str, Any], **_: Any) -> None:
    """As for evaluation: a transcription stopped by its hard time limit (or out of retries)
    fails the turn's transcription, which leaves the turn answerable by text, never pending."""
    task = TurnTask.model_validate(kwargs["payload"])
    reason = _failure_reason("transcription", exception)
    failed = _update_turn_outside_the_pool(
        update(Turn)
        .where(
            Turn.id == task.turn_id,
            Turn.interview_id == task.interview_id,
            Turn.stt_status == ProcessingStatus.PENDING,
        )
        .values(stt_status=ProcessingStatus.FAILED, stt_error=reason, answer_idempotency_key=None)
    )
    if failed:
        publish_event(
            task.interview_id, EventType.TRANSCRIPTION_FAILED, turn_id=task.turn_id, reason=reason
        )
    logger.warning(reason, extra={"interview_id": task.interview_id, "turn_id": task.turn_id})


# --- recovery of lost work (cpu_queue) --------------------------------------------------------


@register(
    app, TaskName.SWEEP_STALE_WORK, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3
)
def sweep_stale_work(payload: dict[str, Any]) -> dict[str, int]:
    """Re-send the tasks of work still owed (interview_core/interviews/recovery.py)."""
    from interview_core.interviews.recovery import sweep_stale_work as sweep

    task = SweepTask.model_validate(payload)
    older_than_s = (
        task.older_than_s
        if task.older_than_s is not None
        else get_infra_settings().stale_work_after_s
    )
    # The sends run when this unit of work commits.
    with session_scope() as session:
        outcome = sweep(session, older_than_s)
    return outcome.counts()


# --- camera frames (cpu_queue) ----------------------------------------------------------------


@register(app, TaskName.ANALYZE_FRAMES, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def analyze_frames(payload: dict[str, Any]) -> int:
    from ai_worker.vision.aggregate import summarize
    from ai_worker.vision.frames import FrameInputError, analyze_frame
    from interview_contracts.vision import FrameObservation
    from interview_core.accounts.models import EmotionAnalysis, Organisation

    task = FramesTask.model_validate(payload)
    media = get_infra_settings().media_dir
    with session_scope() as session:
        interview, _turn, _ = _load(
            session, TurnTask(interview_id=task.interview_id, turn_id=task.turn_id)
        )
        organisation = session.get_one(Organisation, interview.organisation_id)
        # Off means not computed at all: the emotion model is never run for this interview.
        emotion_enabled = (
            interview.consent_emotion
            and EmotionAnalysis(organisation.emotion_analysis) is EmotionAnalysis.OBSERVE
        )
        pending = list(
            session.scalars(
                select(VideoFrame).where(
                    VideoFrame.turn_id == task.turn_id,
                    VideoFrame.observation.is_(None),
                    VideoFrame.analysis_error.is_(None),
                )
            )
        )
        work = [(frame.id, frame.timestamp_s, frame.path) for frame in pending]
    analysed = 0
    for frame_id, timestamp_s, path in work:
        try:
            observation = analyze_frame(
                (media / str(path)).read_bytes(), timestamp_s, emotion_enabled
            )
            values: dict[str, Any] = {"observation": observation.model_dump(mode="json")}
            analysed += 1
        except (FrameInputError, FileNotFoundError) as exc:
            values = {"analysis_error": str(exc)[:300]}
        with session_scope() as session:
            session.execute(update(VideoFrame).where(VideoFrame.id == frame_id).values(**values))
    with session_scope() as session:
        rows = session.scalars(
            select(VideoFrame.observation)
            .where(VideoFrame.turn_id == task.turn_id, VideoFrame.observation.is_not(None))
            .order_by(VideoFrame.timestamp_s)
        )
        observations = [FrameObservation.model_validate(row) for row in rows]
        interval = get_infra_settings().frame_interval_s
        summary = summarize(observations, interval, emotion_enabled)
        session.execute(
            update(Turn)
            .where(Turn.id == task.turn_id)
            .values(vision_summary=summary.model_dump(mode="json"))
        )
    return analysed
