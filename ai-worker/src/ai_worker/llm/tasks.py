"""The LLM's tasks: write a question (gpu_queue) and evaluate an answer (cpu_queue). Each takes
a request the backend built and sends its result back by name; neither reads a database."""

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import task_failure
from redis import Redis
from redis.exceptions import RedisError

from ai_worker._runtime.celery_app import app
from ai_worker._runtime.settings import get_worker_settings
from ai_worker._runtime.tasking import register, send_result
from interview_contracts.interviews import question_awaited_key
from interview_contracts.llm import (
    EvaluationJob,
    EvaluationResult,
    GeneratedQuestion,
    QuestionRequest,
    QuestionResult,
    QuestionSource,
)
from interview_contracts.tasks import TaskName

logger = logging.getLogger(__name__)


@register(app, TaskName.WRITE_QUESTION)
def write_question(payload: dict[str, Any]) -> str:
    request = QuestionRequest.model_validate(payload)
    if request.turn_id is None:
        raise ValueError("a question request for an interview names its turn")
    deadline: float | None = None
    if request.deadline_at is not None:
        remaining_s = (request.deadline_at - datetime.now(UTC)).total_seconds()
        # Past the deadline the backend has served the bank question: writing would only
        # delay the questions still awaited.
        if remaining_s <= 0:
            return "past-deadline"
        deadline = time.monotonic() + remaining_s
    generated = _write(request, deadline)
    send_result(
        app,
        TaskName.STORE_QUESTION,
        QuestionResult(
            interview_id=request.interview_id, turn_id=request.turn_id, question=generated
        ),
    )
    logger.info(
        "question written (%s, %.0f ms)",
        generated.source.value,
        generated.latency_ms,
        extra={"rejected_attempts": generated.rejected_reasons},
    )
    return generated.source.value


def _write(request: QuestionRequest, deadline: float | None) -> GeneratedQuestion:
    """The question from the model the request names; the bank question at once when that
    model is unloaded, not allowed or fails to load (the candidate never waits for a load
    that cannot succeed)."""
    from ai_worker.llm.generation import generate_question
    from ai_worker.llm.pool import get_pool

    pool = get_pool()
    started = time.perf_counter()
    try:
        llm = pool.llm_for(request.model)
    except Exception as error:  # an unloaded, refused or broken model: the bank question
        logger.warning("no question model: %s", error)
        return GeneratedQuestion(
            text=request.bank_question,
            source=QuestionSource.BANK_FALLBACK,
            model_id=request.model.model_id if request.model else "configured",
            attempts=0,
            latency_ms=(time.perf_counter() - started) * 1000,
            rejected_reasons=[f"no question model: {type(error).__name__}: {error}"[:200]],
        )
    # Nothing is streamed: the candidate sees only a question that passed validation.
    generated = generate_question(request, llm=llm, deadline=deadline)
    pool.record(request.model, generated.latency_ms)
    return generated


# While its candidate waits for the next question, an evaluation waits too: on one engine both
# would share its batches and the question would take longer. Checked when the evaluation
# starts, however long it sat in the queue; bounded by the question's deadline (the hint
# expires there).
DEFER_POLL_S = 1.0


@lru_cache
def broker_redis() -> Redis:
    return Redis.from_url(get_worker_settings().redis_url, socket_timeout=2.0)


def _question_awaited(job: EvaluationJob) -> bool:
    try:
        return bool(broker_redis().exists(question_awaited_key(job.interview_id)))
    except RedisError:  # without the hint the evaluation runs now: slower questions, no loss
        return False


# One evaluation of a run at a time, and none once it is done. Copies of a job are normal: the
# core's recovery sweep re-sends work that may still be queued (a core worker that restarted
# asks for one at once), and a killed worker's message comes back. While a run is evaluated its
# key holds a claim the evaluating process renews, so a killed worker's claim lapses within
# EVALUATION_CLAIM_TTL_S; once done the key holds the result, so a later copy hands that back
# (the core stores a run once) instead of evaluating again. A hint in the broker's Redis, never
# the only copy: the result goes to the core at once, and without Redis the run just runs.
EVALUATION_CLAIM_TTL_S = 30.0
CLAIM_RECHECK_S = EVALUATION_CLAIM_TTL_S / 3
EVALUATION_RESULT_TTL_S = 3600.0
CLAIM_PREFIX = "claim:"


def evaluation_run_key(job: EvaluationJob, run_index: int) -> str:
    return f"evaluation:{job.turn_id}:{run_index}"


def _take_claim(key: str, claim: str) -> tuple[Redis | None, str | None]:
    """(the client, None) when the claim is ours; (None, what holds the key) when it is not;
    (None, None) without Redis."""
    try:
        redis = broker_redis()
        if redis.set(key, claim, nx=True, ex=int(EVALUATION_CLAIM_TTL_S)):
            return redis, None
        held = redis.get(key)
        if held is not None:
            return None, held.decode() if isinstance(held, bytes) else str(held)
        redis.set(key, claim, ex=int(EVALUATION_CLAIM_TTL_S))  # it lapsed meanwhile
        return redis, None
    except RedisError:
        return None, None


@contextmanager
def _claimed_run(job: EvaluationJob, run_index: int) -> Iterator[str | None]:
    """Yields None when this process may evaluate the run (and holds its claim until the block
    ends), else what holds the key: another process's claim or the run's stored result."""
    key = evaluation_run_key(job, run_index)
    claim = f"{CLAIM_PREFIX}{uuid.uuid4().hex}"
    redis, held = _take_claim(key, claim)
    if redis is None:
        # Held elsewhere, or no Redis: then the run is evaluated (a copy may repeat it, none
        # is lost).
        yield held
        return
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(EVALUATION_CLAIM_TTL_S / 3):
            with suppress(RedisError):
                if redis.get(key) == claim.encode():
                    redis.expire(key, int(EVALUATION_CLAIM_TTL_S))

    renewer = threading.Thread(target=renew, name=f"claim {key}", daemon=True)
    renewer.start()
    try:
        yield None
    finally:
        stop.set()
        with suppress(RedisError):
            if redis.get(key) == claim.encode():  # not replaced by the result: let it go
                redis.delete(key)


def _remember_result(job: EvaluationJob, result: EvaluationResult) -> None:
    with suppress(RedisError):
        broker_redis().set(
            evaluation_run_key(job, result.run_index),
            result.model_dump_json(),
            ex=int(EVALUATION_RESULT_TTL_S),
        )


@register(app, TaskName.EVALUATE_ANSWER, bind=True)
def evaluate_answer(self: Task, payload: dict[str, Any]) -> str:
    from ai_worker.llm.evaluation import evaluate_answer as evaluate

    job = EvaluationJob.model_validate(payload)
    if _question_awaited(job):
        _look_again(self, job, DEFER_POLL_S)
        return "deferred"
    outcome = "none"
    claimed_elsewhere: list[int] = []
    # Each run goes back as it finishes, so a redelivered job (the backend re-sends only the
    # runs still missing) repeats as little as possible.
    for run_index in job.run_indexes:
        with _claimed_run(job, run_index) as held:
            if held is not None and held.startswith(CLAIM_PREFIX):
                claimed_elsewhere.append(run_index)
                continue
            if held is not None:
                # Done before: its result again (the core stores a run once; this copy may be
                # the sweep's, sent because that result never arrived).
                send_result(
                    app, TaskName.STORE_EVALUATION, EvaluationResult.model_validate_json(held)
                )
                outcome = "already-evaluated"
                continue
            started = time.perf_counter()
            try:
                evaluation = evaluate(job.request, run_index=run_index)
            except SoftTimeLimitExceeded:
                _send_failure(job, "evaluation ran past its time limit")
                return "timed-out"
            result = EvaluationResult(
                interview_id=job.interview_id,
                turn_id=job.turn_id,
                run_index=run_index,
                evaluation=evaluation,
                latency_ms=(time.perf_counter() - started) * 1000,
            )
            _remember_result(job, result)
            send_result(app, TaskName.STORE_EVALUATION, result)
            logger.info(
                "answer evaluated",
                extra={"run_index": run_index, "evaluator": evaluation.evaluator},
            )
            outcome = evaluation.evaluator
    if claimed_elsewhere:
        # Another process evaluates these runs and sends their results; this copy looks again
        # until it finds them done (and hands them back) or finds the claim lapsed because
        # that process was killed (and evaluates them itself), so none is lost with it.
        _look_again(
            self, job.model_copy(update={"run_indexes": claimed_elsewhere}), CLAIM_RECHECK_S
        )
        return "under-way"
    return outcome


def _look_again(task: Task, job: EvaluationJob, after_s: float) -> None:
    """The same job again in `after_s`, under the time limits it was sent with."""
    hard_s, soft_s = task.request.timelimit or (None, None)
    task.apply_async(
        kwargs={"payload": job.model_dump(mode="json")},
        countdown=after_s,
        time_limit=hard_s,
        soft_time_limit=soft_s,
    )


def _send_failure(job: EvaluationJob, reason: str) -> None:
    send_result(
        app,
        TaskName.STORE_EVALUATION,
        EvaluationResult(
            interview_id=job.interview_id,
            turn_id=job.turn_id,
            run_index=job.run_indexes[0],
            failure=reason,
        ),
    )


def failure_reason(work: str, exception: BaseException) -> str:
    if isinstance(exception, TimeLimitExceeded | SoftTimeLimitExceeded):
        return f"{work} ran past its time limit"
    return f"{work} failed: {type(exception).__name__}"


@task_failure.connect(sender=evaluate_answer)  # type: ignore[untyped-decorator]
def _on_evaluation_failed(exception: BaseException, kwargs: dict[str, Any], **_: Any) -> None:
    """A hard time limit kills the pool child, so nothing in the task runs: Celery then sends
    task_failure from the worker's main process, which tells the backend, so the turn is
    marked failed instead of staying pending for ever."""
    job = EvaluationJob.model_validate(kwargs["payload"])
    reason = failure_reason("evaluation", exception)
    _send_failure(job, reason)
    logger.warning(reason, extra={"interview_id": job.interview_id, "turn_id": job.turn_id})
