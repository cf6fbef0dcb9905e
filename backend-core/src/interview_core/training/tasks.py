"""Core tasks of fine-tuning: build the training request from the dataset, and store what the
GPU worker sends back (progress, the trained adapter, its benchmark)."""

from typing import Any

from interview_contracts.tasks import TaskName
from interview_contracts.training import (
    AdapterBenchmarkResult,
    AdapterTask,
    TrainingProgress,
    TrainingResult,
)
from interview_core.broker.after_commit import run_after_commit
from interview_core.broker.client import send
from interview_core.broker.tasking import core_task
from interview_core.db.engine import session_scope
from interview_core.training import service


@core_task(TaskName.START_TRAINING)
def start_training(payload: dict[str, Any]) -> str:
    task = AdapterTask.model_validate(payload)
    with session_scope() as session:
        request = service.training_request(session, task.adapter_id)
        if request is None:
            return "not-queued"
        run_after_commit(session, lambda: send(TaskName.TRAIN_ADAPTER, request))
    return "sent"


@core_task(TaskName.STORE_TRAINING_PROGRESS)
def store_progress(payload: dict[str, Any]) -> bool:
    progress = TrainingProgress.model_validate(payload)
    with session_scope() as session:
        return service.store_progress(session, progress)


@core_task(TaskName.STORE_TRAINING_RESULT)
def store_training_result(payload: dict[str, Any]) -> str:
    result = TrainingResult.model_validate(payload)
    with session_scope() as session:
        return service.store_training_result(session, result)


@core_task(TaskName.STORE_ADAPTER_BENCHMARK)
def store_benchmark(payload: dict[str, Any]) -> str:
    result = AdapterBenchmarkResult.model_validate(payload)
    with session_scope() as session:
        return service.store_benchmark(session, result)
