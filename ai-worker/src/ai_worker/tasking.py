"""Task registration from the contracts: name, queue and time limits come from one table."""

from collections.abc import Callable
from typing import Any, TypeVar

from celery import Celery

from interview_contracts.tasks import TASK_SPECS, TaskName

F = TypeVar("F", bound=Callable[..., Any])


def register(app: Celery, name: TaskName, **options: Any) -> Callable[[F], Any]:
    spec = TASK_SPECS[name]
    decorator: Callable[[F], Any] = app.task(
        name=name.value,
        queue=spec.queue.value,
        soft_time_limit=spec.soft_time_limit_s,
        time_limit=spec.time_limit_s,
        acks_late=True,
        reject_on_worker_lost=True,
        **options,
    )
    return decorator
