"""Task registration and result sending, both from the contracts: a task's name, queue and time
limits come from one table, and a result goes back by name to the core task that stores it."""

from collections.abc import Callable
from typing import Any, TypeVar

from celery import Celery
from pydantic import BaseModel

from interview_contracts.broker import task_options
from interview_contracts.tasks import TASK_SPECS, TaskName

F = TypeVar("F", bound=Callable[..., Any])


def register(app: Celery, name: TaskName, **options: Any) -> Callable[[F], Any]:
    decorator: Callable[[F], Any] = app.task(**task_options(name), **options)
    return decorator


def send_result(app: Celery, name: TaskName, result: BaseModel) -> None:
    """Hand a result to the backend: the core task `name` stores it and advances the interview."""
    app.send_task(
        name.value,
        kwargs={"payload": result.model_dump(mode="json")},
        queue=TASK_SPECS[name].queue.value,
    )
