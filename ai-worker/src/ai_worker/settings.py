"""Worker settings: infrastructure from backend-core plus the model knobs of each capability."""

from functools import lru_cache

from interview_contracts.queues import WorkerRole
from interview_core.config import InfraSettings


class WorkerSettings(InfraSettings):
    worker_role: WorkerRole = WorkerRole.CPU
    # Processes of the CPU role.
    cpu_worker_concurrency: int = 2
    # Generation requests the single GPU process takes at once (threads sharing one model
    # copy); requests that arrive together are batched into one generate call.
    gpu_worker_concurrency: int = 8


@lru_cache
def get_worker_settings() -> WorkerSettings:
    return WorkerSettings()
