import os
import time
from typing import Any

from celery import Task

from ai_worker._runtime import runtime
from ai_worker._runtime.celery_app import app
from ai_worker._runtime.tasking import register
from interview_contracts.payloads import PingPayload, PingResult, SleepPayload
from interview_contracts.tasks import TaskName


def _ping(task: Task, payload: dict[str, Any]) -> dict[str, Any]:
    request = PingPayload.model_validate(payload)
    delivery = task.request.delivery_info or {}
    return PingResult(
        nonce=request.nonce,
        hostname=task.request.hostname or "",
        role=runtime.current_role(),
        queue=str(delivery.get("routing_key") or ""),
        pid=os.getpid(),
    ).model_dump(mode="json")


@register(app, TaskName.PING_GPU, bind=True)
def ping_gpu(self: Task, payload: dict[str, Any]) -> dict[str, Any]:
    return _ping(self, payload)


@register(app, TaskName.PING_CPU, bind=True)
def ping_cpu(self: Task, payload: dict[str, Any]) -> dict[str, Any]:
    return _ping(self, payload)


@register(app, TaskName.SLEEP_CPU)
def sleep_cpu(payload: dict[str, Any]) -> float:
    request = SleepPayload.model_validate(payload)
    time.sleep(request.seconds)
    return request.seconds


@register(app, TaskName.WORKER_STATUS_GPU, bind=True)
def worker_status_gpu(self: Task, payload: dict[str, Any]) -> dict[str, Any]:
    return runtime.status(self.request.hostname or "").model_dump(mode="json")


@register(app, TaskName.WORKER_STATUS_CPU, bind=True)
def worker_status_cpu(self: Task, payload: dict[str, Any]) -> dict[str, Any]:
    return runtime.status(self.request.hostname or "").model_dump(mode="json")
