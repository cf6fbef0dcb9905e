"""The API's Celery client: it only sends tasks by name, it never imports worker code."""

import time
from datetime import datetime
from functools import lru_cache
from typing import Any

from celery import Celery
from celery.backends.redis import RedisBackend
from celery.exceptions import TimeoutError as CeleryTimeout
from celery.result import AsyncResult
from pydantic import BaseModel

from interview_contracts.tasks import TASK_SPECS, TaskName
from interview_core.broker.celery_config import make_celery
from interview_core.config import get_infra_settings

_FIRST_POLL_S = 0.02
_LONGEST_POLL_S = 0.25


class PollingRedisBackend(RedisBackend):  # type: ignore[misc]  # celery is untyped
    """Results read from their key, never through Redis pub/sub.

    Celery's Redis backend subscribes to every task's result channel when the task is sent.
    After a Redis restart that subscriber is left in a state where a result can be stored and
    never delivered (seen as a `.get()` that timed out while the worker had long succeeded),
    and while Redis is down it tells the caller to restart the application. The API awaits
    few results (a ping, a worker's status, a search query's vector), so it reads each one
    from its key, polling quickly at first: nothing to resubscribe, nothing to go stale.
    """

    @property
    def is_async(self) -> bool:
        return False

    def on_task_call(self, producer: Any, task_id: str) -> None:
        """Nothing to subscribe to."""

    def add_pending_result(self, result: AsyncResult, weak: bool = False, **_: Any) -> AsyncResult:
        return result

    def remove_pending_result(self, result: AsyncResult) -> AsyncResult:
        return result

    def wait_for_pending(
        self,
        result: AsyncResult,
        timeout: float | None = None,
        propagate: bool = True,
        callback: Any = None,
        **_: Any,
    ) -> Any:
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = _FIRST_POLL_S
        while True:
            meta = self.get_task_meta(result.id)
            if meta["status"] in self.READY_STATES:
                result._maybe_set_cache(meta)
                return result.maybe_throw(propagate=propagate, callback=callback)
            if deadline is not None and time.monotonic() >= deadline:
                raise CeleryTimeout("The operation timed out.")
            left = float("inf") if deadline is None else deadline - time.monotonic()
            time.sleep(max(0.0, min(pause, left)))
            pause = min(pause * 1.5, _LONGEST_POLL_S)


@lru_cache
def get_celery() -> Celery:
    settings = get_infra_settings()
    app = make_celery("backend-core", settings)
    # "<backend class>+<url>": Celery's own way of naming a backend class for a URL.
    backend = f"{PollingRedisBackend.__module__}:{PollingRedisBackend.__qualname__}"
    app.conf.result_backend = f"{backend}+{settings.redis_url}"
    return app


def send(
    task: TaskName,
    payload: BaseModel,
    task_id: str | None = None,
    eta: datetime | None = None,
    countdown: float | None = None,
) -> AsyncResult:
    spec = TASK_SPECS[task]
    return get_celery().send_task(
        task.value,
        kwargs={"payload": payload.model_dump(mode="json")},
        queue=spec.queue.value,
        task_id=task_id,
        eta=eta,
        countdown=countdown,
    )
