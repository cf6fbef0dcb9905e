"""The scheduled retention run (beat sends it; the core worker runs it)."""

from dataclasses import asdict
from typing import Any

from interview_contracts.privacy import RetentionTask
from interview_contracts.tasks import TaskName
from interview_core.broker.tasking import core_task
from interview_core.privacy.retention import enforce_retention


# Retried only when the database is briefly away; a retry repeats nothing already deleted.
@core_task(TaskName.ENFORCE_RETENTION)
def enforce_retention_task(payload: dict[str, Any] | None = None) -> dict[str, dict[str, int]]:
    task = RetentionTask.model_validate(payload or {})
    results = enforce_retention(task.organisation_id)
    return {str(organisation_id): asdict(counts) for organisation_id, counts in results.items()}
