"""The workers' Celery app. Importing it loads no model: loaders run inside the worker process
that uses them (lazily on first use, or at process start when LLM_LOAD_AT_START is set)."""

from typing import Any

from celery import Celery
from celery.signals import worker_process_init, worker_ready

from ai_worker import runtime
from ai_worker.settings import get_worker_settings
from interview_contracts.queues import WorkerRole
from interview_core.broker.celery_config import make_celery
from interview_core.observability.logging import configure_logging

# Capability modules whose tasks this app registers.
TASK_MODULES = [
    "ai_worker.diagnostics.tasks",
    "ai_worker.interviews.tasks",
    "ai_worker.embeddings.tasks",
    "ai_worker.reports.tasks",
]

app: Celery = make_celery("ai-worker", get_worker_settings())
app.conf.update(include=TASK_MODULES)


def _load_models_now() -> None:
    from ai_worker.llm.loader import load_at_worker_start

    load_at_worker_start()


@worker_ready.connect  # type: ignore[untyped-decorator]
def _on_gpu_worker_ready(**_: Any) -> None:
    # The GPU role runs one process (threads pool): its models belong to that process.
    settings = get_worker_settings()
    configure_logging(settings.log_level, settings.log_json)
    if runtime.current_role() is WorkerRole.GPU:
        _load_models_now()


@worker_process_init.connect  # type: ignore[untyped-decorator]
def _on_cpu_child_start(**_: Any) -> None:
    # Prefork children load their own copies after the fork, never in the parent.
    settings = get_worker_settings()
    configure_logging(settings.log_level, settings.log_json)
    if runtime.current_role() is WorkerRole.CPU:
        _load_models_now()
