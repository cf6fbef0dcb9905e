"""Celery configuration used by the API (to send) and by both worker roles (to consume)."""

from typing import Any

from celery import Celery

from interview_contracts.queues import Queue
from interview_contracts.tasks import TaskName, longest_time_limit_s, task_routes
from interview_core.config import InfraSettings


def celery_config(settings: InfraSettings) -> dict[str, Any]:
    visibility_timeout = max(settings.broker_visibility_timeout_s, longest_time_limit_s() * 2)
    return {
        "broker_url": settings.redis_url,
        "result_backend": settings.redis_url,
        "task_routes": task_routes(),
        "task_default_queue": Queue.CPU.value,
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
        # Periodic tasks, sent by `python -m ai_worker --role beat` (one beat process only).
        "beat_schedule": {
            # Re-sends turn work whose task was lost (interviews/recovery.py); a sweep not
            # taken before the next is due expires instead of piling up.
            "sweep-stale-work": {
                "task": TaskName.SWEEP_STALE_WORK.value,
                "schedule": settings.sweep_interval_s,
                "args": ({},),
                "options": {"expires": settings.sweep_interval_s},
            },
            "retention": {
                "task": TaskName.ENFORCE_RETENTION.value,
                "schedule": settings.retention_interval_s,
                "args": ({},),
            },
        },
        "beat_schedule_filename": str(settings.data_dir / "celerybeat-schedule"),
    }


def make_celery(name: str, settings: InfraSettings) -> Celery:
    app = Celery(name)
    app.conf.update(celery_config(settings))
    return app
