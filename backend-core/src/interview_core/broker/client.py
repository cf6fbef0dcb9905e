"""The API's Celery client: it only sends tasks by name, it never imports worker code."""

from functools import lru_cache

from celery import Celery
from celery.result import AsyncResult
from kombu.exceptions import OperationalError as BrokerOperationalError
from pydantic import BaseModel
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from interview_contracts.tasks import TASK_SPECS, TaskName
from interview_core.broker.celery_config import make_celery
from interview_core.config import get_infra_settings

# Sending subscribes to the task's result (Redis pub/sub). With Redis down, Celery retries
# that resubscription for ~20 s before it gives up with a RuntimeError; a request should get
# its 503 at once instead, so the client retries only briefly.
_RESULT_STORE_RETRY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}


@lru_cache
def get_celery() -> Celery:
    app = make_celery("backend-core", get_infra_settings())
    options = app.conf.result_backend_transport_options or {}
    app.conf.result_backend_transport_options = {**options, "retry_policy": _RESULT_STORE_RETRY}
    return app


def send(task: TaskName, payload: BaseModel, task_id: str | None = None) -> AsyncResult:
    spec = TASK_SPECS[task]
    try:
        return get_celery().send_task(
            task.value,
            kwargs={"payload": payload.model_dump(mode="json")},
            queue=spec.queue.value,
            task_id=task_id,
        )
    except RuntimeError as error:
        # Celery's result consumer could not reach Redis ("must be restarted"): Redis is the
        # broker too, so this is the broker being unavailable. The consumer reconnects by
        # itself on a later send once Redis is back.
        if isinstance(error.__cause__, RedisConnectionError | RedisTimeoutError):
            raise BrokerOperationalError(f"result store unreachable: {error.__cause__}") from error
        raise
