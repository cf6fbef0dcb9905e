"""The backend's Celery app configuration: the shared settings of the contracts, plus what only
the backend runs (the beat schedule and the core tasks' modules)."""

from typing import Any

from celery import Celery

from interview_contracts.broker import celery_config as shared_celery_config
from interview_contracts.tasks import TaskName
from interview_core.config import InfraSettings

# Domain modules whose core tasks the core worker registers.
CORE_TASK_MODULES = [
    "interview_core.diagnostics.tasks",
    "interview_core.interviews.tasks",
    "interview_core.retrieval.tasks",
    "interview_core.reports.tasks",
    "interview_core.privacy.tasks",
    "interview_core.training.tasks",
    "interview_core.modelops.tasks",
]


def celery_config(settings: InfraSettings) -> dict[str, Any]:
    return {
        **shared_celery_config(settings),
        "include": CORE_TASK_MODULES,
        # Periodic tasks, sent by `python -m interview_core.broker.worker --role beat` (one
        # beat process only); the core worker runs them.
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
