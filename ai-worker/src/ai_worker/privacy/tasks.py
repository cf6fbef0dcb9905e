"""The scheduled retention run (Celery beat sends it; the CPU worker runs it)."""

from dataclasses import asdict
from typing import Any

from sqlalchemy.exc import OperationalError

from ai_worker.celery_app import app
from ai_worker.tasking import register
from interview_contracts.privacy import RetentionTask
from interview_contracts.tasks import TaskName
from interview_core.privacy.retention import enforce_retention


# Retried only when the database is briefly away; a retry repeats nothing already deleted.
@register(
    app,
    TaskName.ENFORCE_RETENTION,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def enforce_retention_task(payload: dict[str, Any] | None = None) -> dict[str, dict[str, int]]:
    task = RetentionTask.model_validate(payload or {})
    results = enforce_retention(task.organisation_id)
    return {str(organisation_id): asdict(counts) for organisation_id, counts in results.items()}
