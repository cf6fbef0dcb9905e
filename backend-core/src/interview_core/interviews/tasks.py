"""Core tasks of a turn (core_queue). Each re-reads its rows, so a redelivered task finds done
work done; each builds a request carrying everything a model needs and sends it to an
inference worker, whose result comes back to a store_* task here. Every state change goes
through interviews/transitions.py."""

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from interview_contracts.interviews import EventType, SweepTask, TurnTask
from interview_contracts.llm import (
    CompetencySpec,
    EvaluationJob,
    EvaluationRequest,
    EvaluationResult,
    PreviousTurn,
    QuestionRequest,
    QuestionResult,
    SpeechFigures,
)
from interview_contracts.speech import TranscriptionRequest, TranscriptionResult
from interview_contracts.tasks import TaskName
from interview_contracts.vision import (
    FrameAnalysisRequest,
    FrameAnalysisResult,
    FrameObservation,
    FrameRef,
)
from interview_core.accounts.models import EmotionAnalysis, Organisation
from interview_core.broker.after_commit import run_after_commit
from interview_core.broker.client import send
from interview_core.broker.tasking import core_task
from interview_core.config import get_infra_settings
from interview_core.db.engine import session_scope
from interview_core.events import publish_event
from interview_core.interviews import transitions
from interview_core.interviews.models import (
    Interview,
    InterviewStatus,
    ProcessingStatus,
    Turn,
    TurnEvaluation,
    VideoFrame,
)
from interview_core.interviews.recovery import sweep_stale_work as sweep
from interview_core.jobs.models import Job
from interview_core.jobs.rubrics import stored_effective_rubric
from interview_core.modelops.service import question_serving
from interview_core.retrieval.service import NO_GROUNDING, ground_question, job_query_vector

logger = logging.getLogger(__name__)


def _load(session: Session, task: TurnTask) -> tuple[Interview, Turn, Job] | None:
    # Both ids must agree: a payload pairing one interview with another's turn would otherwise
    # mix their data (another job, résumé or organisation setting) into this turn's work.
    turn = session.scalar(
        select(Turn).where(Turn.id == task.turn_id, Turn.interview_id == task.interview_id)
    )
    interview = session.get(Interview, task.interview_id)
    if turn is None or interview is None:
        logger.info("turn gone (interview deleted, or ids that do not match); nothing to do")
        return None
    return interview, turn, session.get_one(Job, interview.job_id)


def _turn_of_interview(session: Session, interview_id: uuid.UUID, turn_id: uuid.UUID) -> bool:
    return (
        session.scalar(select(Turn.id).where(Turn.id == turn_id, Turn.interview_id == interview_id))
        is not None
    )


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


def _defer(session: Session, name: TaskName, task: TurnTask) -> str:
    """Send the same core task again shortly; it re-reads its rows, so this is safe."""
    run_after_commit(session, lambda: send(name, task, countdown=DEFER_POLL_S))
    return "deferred"


# --- questions --------------------------------------------------------------------------------


def build_question_request(
    session: Session, interview: Interview, turn: Turn, job: Job
) -> QuestionRequest:
    earlier = list(
        session.scalars(
            select(Turn)
            .where(Turn.interview_id == interview.id, Turn.stage_index < turn.stage_index)
            .order_by(Turn.stage_index)
        )
    )
    competency = next((c for c in job.competencies if c.get("key") == turn.competency), None)
    query = job_query_vector(session, job.id, str(competency["key"]) if competency else "")
    # A job saved seconds ago may not be embedded yet: its first question goes ungrounded.
    grounding = (
        ground_question(session, job.id, interview.resume_id, query, interview.language, k=3)
        if query is not None
        else NO_GROUNDING
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
        resume_excerpts=grounding.resume_excerpts,
        job_excerpts=grounding.job_excerpts,
        example_questions=grounding.example_questions,
        previous_turns=[
            PreviousTurn(question=t.question_text or "", answer=t.answer_text or "")
            for t in earlier[-3:]
            if t.answer_text
        ],
        asked_questions=[t.question_text for t in earlier if t.question_text],
        bank_question=turn.bank_question,
        deadline_at=turn.generation_deadline_at,
    )


@core_task(TaskName.GENERATE_QUESTION)
def generate_question(payload: dict[str, Any]) -> str:
    task = TurnTask.model_validate(payload)
    with session_scope() as session:
        loaded = _load(session, task)
        if loaded is None:
            return "gone"
        interview, turn, job = loaded
        if turn.question_text is not None:
            return "already-set"
        if turn.generation_deadline_at is not None and turn.generation_deadline_at <= datetime.now(
            UTC
        ):
            transitions.serve_bank_question_if_due(session, turn.id)
            return "past-deadline"
        if _prepared_question_yields(session, interview, turn):
            return _defer(session, TaskName.GENERATE_QUESTION, task)
        serving = question_serving(session, job.organisation_id, job.adapter_id)
        if serving.unloaded:
            transitions.serve_bank_question_now(
                session, turn.id, "question model unloaded by an operator"
            )
            return "model-unloaded"
        request = build_question_request(session, interview, turn, job).model_copy(
            update={"model": serving.choice}
        )
    send(TaskName.WRITE_QUESTION, request)
    return "requested"


@core_task(TaskName.SERVE_BANK_QUESTION)
def serve_bank_question(payload: dict[str, Any]) -> bool:
    """Sent with the generation request, to run at its deadline: a no-op when the generated
    question came first."""
    task = TurnTask.model_validate(payload)
    with session_scope() as session:
        # As in _load: a payload pairing one interview with another's turn changes neither.
        if not _turn_of_interview(session, task.interview_id, task.turn_id):
            logger.info("turn gone (interview deleted, or ids that do not match); nothing to do")
            return False
        return transitions.serve_bank_question_if_due(session, task.turn_id)


@core_task(TaskName.STORE_QUESTION)
def store_question(payload: dict[str, Any]) -> str:
    result = QuestionResult.model_validate(payload)
    with session_scope() as session:
        stored = transitions.store_generated_question(
            session, result.interview_id, result.turn_id, result.question
        )
    logger.info(
        "question %s (%s, %.0f ms)",
        "stored" if stored else "late, discarded",
        result.question.source.value,
        result.question.latency_ms,
        extra={"rejected_attempts": result.question.rejected_reasons},
    )
    return result.question.source.value if stored else "late"


# --- evaluations ------------------------------------------------------------------------------


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


def _runs_done(session: Session, turn: Turn) -> set[int]:
    return set(
        session.scalars(
            select(TurnEvaluation.run_index).where(TurnEvaluation.turn_id == turn.id).distinct()
        )
    )


def build_evaluation_request(
    interview: Interview, turn: Turn, job: Job
) -> EvaluationRequest | None:
    """What the evaluator reads of the turn's answer; None when its stage probes nothing."""
    competencies = _competencies_for(turn, job, interview.language)
    if not competencies:
        return None
    return EvaluationRequest(
        turn_id=turn.id,
        language=interview.language,
        question=turn.question_text or "",
        answer=turn.answer_text or "",
        competencies=competencies,
        # Observations only, shown beside the transcript; no evaluator reads them.
        speech=_speech_figures(turn),
    )


@core_task(TaskName.EVALUATE_TURN)
def evaluate_turn(payload: dict[str, Any]) -> str:
    task = TurnTask.model_validate(payload)
    with session_scope() as session:
        loaded = _load(session, task)
        if loaded is None:
            return "gone"
        interview, turn, job = loaded
        if turn.evaluation_status != ProcessingStatus.PENDING:
            return "already-done"
        if _question_awaited(session, interview):
            return _defer(session, TaskName.EVALUATE_TURN, task)
        request = build_evaluation_request(interview, turn, job)
        done = _runs_done(session, turn)
        missing = [run for run in range(get_infra_settings().evaluation_runs) if run not in done]
        if request is None or not missing:
            # Nothing to judge (or every run stored): the turn is done, so the report is
            # complete without waiting for an evaluation that will never come.
            transitions.finish_evaluation(
                session, task.interview_id, task.turn_id, ProcessingStatus.DONE
            )
            return "nothing-probed" if request is None else "already-done"
        job_request = EvaluationJob(
            interview_id=interview.id, turn_id=turn.id, run_indexes=missing, request=request
        )
    send(TaskName.EVALUATE_ANSWER, job_request)
    publish_event(task.interview_id, EventType.EVALUATING, turn_id=task.turn_id)
    return "requested"


@core_task(TaskName.STORE_EVALUATION)
def store_evaluation(payload: dict[str, Any]) -> str:
    result = EvaluationResult.model_validate(payload)
    with session_scope() as session:
        if result.evaluation is None:
            transitions.finish_evaluation(
                session,
                result.interview_id,
                result.turn_id,
                ProcessingStatus.FAILED,
                (result.failure or "evaluation failed")[:500],
            )
            logger.warning("evaluation failed: %s", result.failure)
            return "failed"
        # The interview's row first, as every transition does: two runs of one answer stored
        # at once then count each other, so the last of them marks the turn done.
        session.scalar(
            select(Interview.id).where(Interview.id == result.interview_id).with_for_update()
        )
        turn = session.scalar(
            select(Turn).where(Turn.id == result.turn_id, Turn.interview_id == result.interview_id)
        )
        if turn is None:
            return "gone"
        if turn.evaluation_status == ProcessingStatus.DONE:
            return "already-stored"  # a copy's result (the worker hands a done run back)
        transitions.store_evaluation_run(
            session, turn.id, result.run_index, result.evaluation, result.latency_ms
        )
        session.flush()
        if len(_runs_done(session, turn)) < get_infra_settings().evaluation_runs:
            return "run-stored"
        transitions.finish_evaluation(
            session, result.interview_id, result.turn_id, ProcessingStatus.DONE
        )
    return result.evaluation.evaluator


# --- speech-to-text ---------------------------------------------------------------------------


@core_task(TaskName.TRANSCRIBE_TURN)
def transcribe_turn(payload: dict[str, Any]) -> str:
    task = TurnTask.model_validate(payload)
    with session_scope() as session:
        loaded = _load(session, task)
        if loaded is None:
            return "gone"
        interview, turn, _ = loaded
        if turn.stt_status != ProcessingStatus.PENDING or not turn.audio_path:
            return "nothing-to-do"
        request = TranscriptionRequest(
            interview_id=interview.id,
            turn_id=turn.id,
            audio_key=turn.audio_path,
            language=interview.language,
        )
    send(TaskName.TRANSCRIBE_AUDIO, request)
    return "requested"


@core_task(TaskName.STORE_TRANSCRIPT)
def store_transcript(payload: dict[str, Any]) -> str:
    result = TranscriptionResult.model_validate(payload)
    with session_scope() as session:
        if result.transcript is None:
            failed = transitions.fail_transcription(
                session,
                result.interview_id,
                result.turn_id,
                result.failure or "transcription failed",
            )
            return "failed" if failed else "already-done"
        stored = transitions.store_transcript(
            session, result.interview_id, result.turn_id, result.transcript
        )
    return "done" if stored else "already-done"


# --- camera frames ----------------------------------------------------------------------------


def _observed(session: Session, turn_id: Any) -> list[FrameObservation]:
    rows = session.scalars(
        select(VideoFrame.observation)
        .where(VideoFrame.turn_id == turn_id, VideoFrame.observation.is_not(None))
        .order_by(VideoFrame.timestamp_s)
    )
    return [FrameObservation.model_validate(row) for row in rows]


@core_task(TaskName.ANALYZE_FRAMES)
def analyze_frames(payload: dict[str, Any]) -> int:
    task = TurnTask.model_validate(payload)
    with session_scope() as session:
        loaded = _load(session, task)
        if loaded is None:
            return 0
        interview, turn, _ = loaded
        organisation = session.get_one(Organisation, interview.organisation_id)
        pending = list(
            session.scalars(
                select(VideoFrame).where(
                    VideoFrame.turn_id == task.turn_id,
                    VideoFrame.observation.is_(None),
                    VideoFrame.analysis_error.is_(None),
                    VideoFrame.path.is_not(None),
                )
            )
        )
        earlier = _observed(session, task.turn_id)
        summarised = (turn.vision_summary or {}).get("frames") or 0
        if not pending and summarised == len(earlier):
            return 0
        request = FrameAnalysisRequest(
            interview_id=interview.id,
            turn_id=turn.id,
            frames=[
                FrameRef(frame_id=frame.id, timestamp_s=frame.timestamp_s, key=str(frame.path))
                for frame in pending
            ],
            earlier=earlier,
            # Off means not computed at all: the emotion model is never run for this interview.
            emotion_enabled=bool(
                interview.consent_emotion
                and EmotionAnalysis(organisation.emotion_analysis) is EmotionAnalysis.OBSERVE
            ),
            frame_interval_s=get_infra_settings().frame_interval_s,
        )
    send(TaskName.ANALYZE_FRAME_BATCH, request)
    return len(request.frames)


@core_task(TaskName.STORE_FRAME_ANALYSIS)
def store_frame_analysis(payload: dict[str, Any]) -> int:
    result = FrameAnalysisResult.model_validate(payload)
    with session_scope() as session:
        # Both ids must agree, as in _load: otherwise a result naming one interview and
        # another's turn would write observations onto that other interview's frames.
        if not _turn_of_interview(session, result.interview_id, result.turn_id):
            logger.info("turn gone (interview deleted, or ids that do not match); nothing to do")
            return 0
        for outcome in result.outcomes:
            values: dict[str, Any] = (
                {"observation": outcome.observation.model_dump(mode="json")}
                if outcome.observation is not None
                else {"analysis_error": (outcome.error or "not analysed")[:300]}
            )
            session.execute(
                update(VideoFrame)
                .where(
                    VideoFrame.id == outcome.frame_id,
                    VideoFrame.turn_id == result.turn_id,
                    VideoFrame.interview_id == result.interview_id,
                )
                .values(**values)
            )
        session.execute(
            update(Turn)
            .where(Turn.id == result.turn_id, Turn.interview_id == result.interview_id)
            .values(vision_summary=result.summary.model_dump(mode="json"))
        )
        observed = session.scalar(
            select(func.count())
            .select_from(VideoFrame)
            .where(VideoFrame.turn_id == result.turn_id, VideoFrame.observation.is_not(None))
        )
        if observed != result.summary.frames:
            # Another batch of this turn was analysed meanwhile: summarise again with it.
            follow_up = TurnTask(interview_id=result.interview_id, turn_id=result.turn_id)
            run_after_commit(session, lambda: send(TaskName.ANALYZE_FRAMES, follow_up))
    return len(result.outcomes)


# --- recovery of lost work --------------------------------------------------------------------


@core_task(TaskName.SWEEP_STALE_WORK)
def sweep_stale_work(payload: dict[str, Any]) -> dict[str, int]:
    """Re-send the tasks of work still owed (interviews/recovery.py)."""
    task = SweepTask.model_validate(payload)
    older_than_s = (
        task.older_than_s
        if task.older_than_s is not None
        else get_infra_settings().stale_work_after_s
    )
    # The sends run when this unit of work commits.
    with session_scope() as session:
        outcome = sweep(session, older_than_s, cpu_work_only=task.cpu_work_only)
    return outcome.counts()
