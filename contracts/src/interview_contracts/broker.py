"""Celery configuration shared by every process that sends or consumes tasks."""

from typing import Any

from interview_contracts.queues import Queue
from interview_contracts.settings import SharedSettings
from interview_contracts.tasks import TASK_SPECS, TaskName, longest_time_limit_s, task_routes


def celery_config(settings: SharedSettings) -> dict[str, Any]:
    visibility_timeout = max(settings.broker_visibility_timeout_s, longest_time_limit_s() * 2)
    return {
        "broker_url": settings.redis_url,
        "result_backend": settings.redis_url,
        "task_routes": task_routes(),
        "task_default_queue": Queue.CORE.value,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        # A task is acknowledged only after it finished, and a worker lost mid-task gives
        # it back, so a killed worker never loses an interview's work.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_track_started": True,
        "result_expires": 24 * 3600,
        "broker_transport_options": {"visibility_timeout": visibility_timeout},
        "result_backend_transport_options": {"visibility_timeout": visibility_timeout},
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": True,
        "task_send_sent_event": True,
    }


def task_options(name: TaskName) -> dict[str, Any]:
    """`app.task(**task_options(name))`: the queue and time limits come from TASK_SPECS."""
    spec = TASK_SPECS[name]
    return {
        "name": name.value,
        "queue": spec.queue.value,
        "soft_time_limit": spec.soft_time_limit_s,
        "time_limit": spec.time_limit_s,
        "acks_late": True,
        "reject_on_worker_lost": True,
        # Registered on its own side's app only: a process that holds both apps (the tests,
        # the local run's checks) must not see a core task as a worker's, or the reverse.
        "shared": False,
    }
