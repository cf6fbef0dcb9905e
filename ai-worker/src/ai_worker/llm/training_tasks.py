"""Fine-tuning tasks on gpu_queue: train an adapter, benchmark one. Each takes the request the
backend built and sends progress and results back by name; neither reads a database."""

import logging
import time
from typing import Any

from celery.signals import task_failure
from redis.exceptions import RedisError

from ai_worker._runtime.celery_app import app
from ai_worker._runtime.tasking import register, send_result
from ai_worker.llm.tasks import broker_redis, failure_reason
from interview_contracts.modelops import ModelChoice
from interview_contracts.tasks import TaskName
from interview_contracts.training import (
    AdapterBenchmarkRequest,
    AdapterBenchmarkResult,
    TrainingProgress,
    TrainingRequest,
    TrainingResult,
    training_cancel_key,
)

logger = logging.getLogger(__name__)


def _cancelled(request: TrainingRequest) -> bool:
    try:
        return bool(broker_redis().exists(training_cancel_key(request.adapter_id)))
    except RedisError:  # the hint is unreadable: keep training; the row decides in the end
        return False


def _send_progress(progress: TrainingProgress) -> None:
    try:
        send_result(app, TaskName.STORE_TRAINING_PROGRESS, progress)
    except Exception:  # progress is for the UI; the training goes on without it
        logger.warning("training progress not sent", exc_info=True)


@register(app, TaskName.TRAIN_ADAPTER)
def train_adapter(payload: dict[str, Any]) -> str:
    from ai_worker.llm.training import train_adapter as train

    request = TrainingRequest.model_validate(payload)
    result = train(request, _send_progress, lambda: _cancelled(request))
    send_result(app, TaskName.STORE_TRAINING_RESULT, result)
    logger.info(
        "training finished (%s)",
        result.outcome,
        extra={"adapter_id": str(request.adapter_id), "error": result.error},
    )
    return result.outcome


@task_failure.connect(sender=train_adapter)  # type: ignore[untyped-decorator]
def _on_training_failed(exception: BaseException, kwargs: dict[str, Any], **_: Any) -> None:
    """The hard time limit kills the training with nothing in the task left to run: tell the
    backend, so the adapter is marked failed instead of training for ever."""
    request = TrainingRequest.model_validate(kwargs["payload"])
    reason = failure_reason("training", exception)
    send_result(
        app,
        TaskName.STORE_TRAINING_RESULT,
        TrainingResult(adapter_id=request.adapter_id, outcome="failed", error=reason),
    )
    logger.warning(reason, extra={"adapter_id": str(request.adapter_id)})


@register(app, TaskName.BENCHMARK_ADAPTER)
def benchmark_adapter(payload: dict[str, Any]) -> str:
    from ai_worker.llm.adapter_benchmark import run_adapter_benchmark
    from ai_worker.llm.pool import get_pool
    from ai_worker.llm.training import error_text

    request = AdapterBenchmarkRequest.model_validate(payload)
    ref = request.adapter
    started = time.monotonic()
    try:
        pool = get_pool()
        base = pool.llm_for(ModelChoice(model_id=ref.base_model_id))
        adapted = pool.llm_for(ModelChoice(model_id=ref.base_model_id, adapter=ref))
        result = run_adapter_benchmark(request, base, adapted)
    except Exception as error:
        logger.exception("adapter benchmark failed", extra={"adapter_id": str(ref.adapter_id)})
        result = AdapterBenchmarkResult(
            adapter_id=ref.adapter_id,
            error=error_text(error),
            duration_s=time.monotonic() - started,
        )
    send_result(app, TaskName.STORE_ADAPTER_BENCHMARK, result)
    return "failed" if result.error else "benchmarked"


@task_failure.connect(sender=benchmark_adapter)  # type: ignore[untyped-decorator]
def _on_benchmark_failed(exception: BaseException, kwargs: dict[str, Any], **_: Any) -> None:
    """As for a training: a benchmark killed at its hard limit still gets its result."""
    request = AdapterBenchmarkRequest.model_validate(kwargs["payload"])
    reason = failure_reason("adapter benchmark", exception)
    send_result(
        app,
        TaskName.STORE_ADAPTER_BENCHMARK,
        AdapterBenchmarkResult(adapter_id=request.adapter.adapter_id, error=reason),
    )
    logger.warning(reason, extra={"adapter_id": str(request.adapter.adapter_id)})
