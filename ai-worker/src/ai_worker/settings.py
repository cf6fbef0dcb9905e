"""Worker settings: infrastructure from backend-core plus the model knobs of each capability."""

from functools import lru_cache

from interview_contracts.queues import WorkerRole
from interview_core.config import InfraSettings


class WorkerSettings(InfraSettings):
    worker_role: WorkerRole = WorkerRole.CPU
    # Processes of the CPU role; the GPU role always runs one process (one model copy).
    cpu_worker_concurrency: int = 2


@lru_cache
def get_worker_settings() -> WorkerSettings:
    return WorkerSettings()
