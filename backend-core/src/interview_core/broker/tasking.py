"""Core task registration: name, queue and time limits come from the contracts' table."""

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError

from interview_contracts.broker import task_options
from interview_contracts.tasks import TaskName
from interview_core.broker.client import get_celery

F = TypeVar("F", bound=Callable[..., Any])

# Retried only while the database is briefly away; every core task re-reads its rows, so a
# retry finds done work done.
TRANSIENT = (OperationalError,)


def core_task(name: TaskName, **options: Any) -> Callable[[F], Any]:
    options.setdefault("autoretry_for", TRANSIENT)
    options.setdefault("retry_backoff", True)
    options.setdefault("max_retries", 3)
    decorator: Callable[[F], Any] = get_celery().task(**task_options(name), **options)
    return decorator
