"""The workers' Celery app. Importing it loads no model: loaders run inside the worker process
that uses them: the GPU worker's before it takes tasks, a CPU child's lazily on first use (or
at process start when LLM_LOAD_AT_START is set)."""

import logging
from typing import Any

from celery import Celery
from celery.signals import worker_process_init, worker_ready

from ai_worker._runtime import (
    observability,  # noqa: F401  (connects the task signals: log ids, task metrics)
    runtime,
)
from ai_worker._runtime.settings import get_worker_settings
from interview_contracts import broker_resilience
from interview_contracts.broker import celery_config
from interview_contracts.log_format import configure_logging
from interview_contracts.queues import WorkerRole

logger = logging.getLogger(__name__)

# Capability modules whose tasks this app registers: inference only, request in, result out.
TASK_MODULES = [
    "ai_worker.diagnostics.tasks",
    "ai_worker.llm.tasks",
    "ai_worker.llm.training_tasks",
    "ai_worker.speech.tasks",
    "ai_worker.vision.tasks",
    "ai_worker.embeddings.tasks",
    # Remote-control commands (load, unload, status of the question models), not tasks.
    "ai_worker.llm.control",
]

broker_resilience.install()
app: Celery = Celery("ai-worker")
app.conf.update(celery_config(get_worker_settings()), include=TASK_MODULES)


def _load_models_now() -> None:
    from ai_worker.llm.loader import load_at_worker_start

    load_at_worker_start()


def _load_generation_models() -> None:
    from ai_worker.embeddings.encoder import get_encoder
    from ai_worker.llm.loader import get_llm

    get_llm()
    get_encoder()  # retrieval for the prompt embeds a query on every generation


@worker_ready.connect  # type: ignore[untyped-decorator]
def _on_worker_ready(**_: Any) -> None:
    # The GPU role runs one process (threads pool): its models belong to that process. They
    # load here, whatever LLM_LOAD_AT_START says: the loop that fetches tasks (and answers
    # `inspect`) starts only after this hook, so a worker is seen on gpu_queue once it can
    # generate. Loaded lazily, a worker restarted mid-interview spent the first question's
    # generation deadline loading, and the candidate got the bank question again.
    settings = get_worker_settings()
    configure_logging(settings.log_level, settings.log_json)
    if runtime.current_role() is WorkerRole.GPU:
        _load_generation_models()
    elif runtime.current_role() is WorkerRole.CPU:
        from ai_worker.llm.validity import log_verdicts

        log_verdicts()  # which evaluator configurations give numbers, and which evidence only
        _ask_for_cpu_work_again()


def _ask_for_cpu_work_again() -> None:
    """A CPU worker that restarted lost what its killed predecessor held: that message comes
    back only after the broker's visibility timeout (an hour). So it asks the core to re-send
    the transcriptions and evaluations still owed, now; a copy of work still queued or under
    way finds it claimed (and looks again until it is done or the dead process's claim lapses)
    or done (and hands the result back): llm/tasks.py."""
    from interview_contracts.interviews import SweepTask
    from interview_contracts.tasks import TASK_SPECS, TaskName

    name = TaskName.SWEEP_STALE_WORK
    try:
        app.send_task(
            name.value,
            kwargs={
                "payload": SweepTask(older_than_s=0, cpu_work_only=True).model_dump(mode="json")
            },
            queue=TASK_SPECS[name].queue.value,
        )
    except Exception:  # the scheduled sweep re-sends it later instead
        logger.warning("could not ask for owed work to be re-sent", exc_info=True)


@worker_process_init.connect  # type: ignore[untyped-decorator]
def _on_cpu_child_start(**_: Any) -> None:
    # Prefork children load their own copies after the fork, never in the parent.
    settings = get_worker_settings()
    configure_logging(settings.log_level, settings.log_json)
    if runtime.current_role() is WorkerRole.CPU:
        _load_models_now()
