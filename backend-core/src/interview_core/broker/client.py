"""The API's Celery client: it only sends tasks by name, it never imports worker code."""

from functools import lru_cache

from celery import Celery
from celery.result import AsyncResult
from pydantic import BaseModel

from interview_contracts.tasks import TASK_SPECS, TaskName
from interview_core.broker.celery_config import make_celery
from interview_core.config import get_infra_settings


@lru_cache
def get_celery() -> Celery:
    return make_celery("backend-core", get_infra_settings())


def send(task: TaskName, payload: BaseModel, task_id: str | None = None) -> AsyncResult:
    spec = TASK_SPECS[task]
    return get_celery().send_task(
        task.value,
        kwargs={"payload": payload.model_dump(mode="json")},
        queue=spec.queue.value,
        task_id=task_id,
    )
