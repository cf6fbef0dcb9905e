"""Task log context and Prometheus metrics of a worker, from Celery's task signals.

Every line a task logs carries its task id, task name, queue and the interview and turn ids of
its payload. Task latency and failures are counted per task and queue. Prefork children count
into prometheus_client's multiprocess files; the role's main process serves their sum.
"""

import contextlib
import logging
import os
import threading
import time
from typing import Any

from celery import Task
from celery.signals import (
    task_failure,
    task_postrun,
    task_prerun,
    worker_process_shutdown,
    worker_ready,
)
from prometheus_client import Counter, Histogram

from ai_worker._runtime.metrics_dir import MULTIPROC_ENV
from interview_contracts.log_format import bind_log_context, reset_log_context
from interview_contracts.tasks import TASK_SPECS, TaskName

logger = logging.getLogger("ai_worker.tasks")

PAYLOAD_IDS = ("interview_id", "turn_id")
# From a ping (milliseconds) to a transcription or an evaluation on a CPU (minutes).
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


TASK_DURATION = Histogram(
    "celery_task_duration_seconds",
    "Time a task ran in the worker, per task, queue and final state.",
    ["task", "queue", "state"],
    buckets=TASK_BUCKETS,
)
TASK_FAILURES = Counter(
    "celery_task_failures_total",
    "Tasks that ended in failure (an exception or a time limit), per task and queue.",
    ["task", "queue"],
)

_started: dict[str, tuple[float, object]] = {}
_started_lock = threading.Lock()


def queue_of(task: Task) -> str:
    try:
        return TASK_SPECS[TaskName(task.name)].queue.value
    except ValueError:
        delivery = getattr(task.request, "delivery_info", None) or {}
        return str(delivery.get("routing_key") or "unknown")


def payload_ids(args: Any, kwargs: Any) -> dict[str, object]:
    """Interview and turn ids from the task's payload dict (tasks take ids, never objects)."""
    ids: dict[str, object] = {}
    for value in [*(args or ()), *(kwargs or {}).values()]:
        if isinstance(value, dict):
            for key in PAYLOAD_IDS:
                if key in value and key not in ids:
                    ids[key] = value[key]
    return ids


@task_prerun.connect  # type: ignore[untyped-decorator]
def _on_task_start(
    task_id: str, task: Task, args: Any = None, kwargs: Any = None, **_: Any
) -> None:
    token = bind_log_context(
        task_id=task_id, task_name=task.name, queue=queue_of(task), **payload_ids(args, kwargs)
    )
    with _started_lock:
        _started[task_id] = (time.perf_counter(), token)
    logger.debug("task started")


@task_failure.connect  # type: ignore[untyped-decorator]
def _on_task_failure(sender: Task | None = None, **_: Any) -> None:
    if sender is not None:
        TASK_FAILURES.labels(sender.name, queue_of(sender)).inc()


@task_postrun.connect  # type: ignore[untyped-decorator]
def _on_task_end(task_id: str, task: Task, state: str | None = None, **_: Any) -> None:
    with _started_lock:
        started = _started.pop(task_id, None)
    if started is None:
        return
    began, token = started
    elapsed = time.perf_counter() - began
    TASK_DURATION.labels(task.name, queue_of(task), state or "UNKNOWN").observe(elapsed)
    logger.info(
        "task finished",
        extra={"state": state or "UNKNOWN", "duration_ms": round(elapsed * 1000, 1)},
    )
    # A token from another context (never expected) is dropped rather than failing the task.
    with contextlib.suppress(ValueError, RuntimeError):
        reset_log_context(token)


@worker_process_shutdown.connect  # type: ignore[untyped-decorator]
def _on_child_exit(pid: int | None = None, **_: Any) -> None:
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())  # type: ignore[no-untyped-call]


@worker_ready.connect  # type: ignore[untyped-decorator]
def _serve_metrics(**_: Any) -> None:
    """In the role's main process, once its pool is up: serve every process's metrics."""
    from ai_worker._runtime import runtime
    from ai_worker._runtime.settings import get_worker_settings

    settings = get_worker_settings()
    port = settings.metrics_port(runtime.current_role())
    if port is None or not os.environ.get(MULTIPROC_ENV):
        return
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    start_http_server(port, addr=settings.worker_metrics_host, registry=registry)
    logger.info("metrics served on %s:%s", settings.worker_metrics_host, port)
