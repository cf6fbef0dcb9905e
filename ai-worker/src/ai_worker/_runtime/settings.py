"""Worker settings: the shared infrastructure settings plus this package's own knobs; the model
knobs of each capability live beside it (llm/, speech/, vision/, embeddings/)."""

from enum import StrEnum
from functools import lru_cache

from pydantic import field_validator

from interview_contracts.queues import WorkerRole
from interview_contracts.settings import SharedSettings


class CpuWorkerPriority(StrEnum):
    IDLE = "idle"
    LOW = "low"
    NORMAL = "normal"


class WorkerSettings(SharedSettings):
    worker_role: WorkerRole = WorkerRole.CPU
    # Processes of the CPU role.
    cpu_worker_concurrency: int = 2
    # OS scheduling priority of the CPU role where both roles share cores (one machine, CPU
    # inference): "idle" runs evaluation and analysis only on cycles question generation
    # leaves free (Linux SCHED_IDLE), "low" is nice 10, "normal" competes equally. A busy
    # cpu_queue then cannot slow the next question; with a GPU it costs nothing.
    cpu_worker_priority: CpuWorkerPriority = CpuWorkerPriority.IDLE
    # Threads each CPU-role process computes with (OMP_NUM_THREADS for torch, CTranslate2 and
    # the rest): CPU_WORKER_CONCURRENCY processes of one thread fill that many cores without
    # oversubscribing them and leave generation's threads fewer to contend with. 0 leaves the
    # libraries' defaults (one thread per core in every process).
    cpu_worker_threads: int = 1
    # Generation requests the single GPU process takes at once (threads sharing one model
    # copy); requests that arrive together are batched into one generate call.
    gpu_worker_concurrency: int = 16
    # Port on which each role's main process serves Prometheus metrics (task latency and
    # failures of all its processes); unset: no metrics server.
    gpu_worker_metrics_port: int | None = None
    cpu_worker_metrics_port: int | None = None
    # Address the metrics servers listen on: loopback unless a scraper elsewhere needs them.
    worker_metrics_host: str = "127.0.0.1"

    @field_validator("gpu_worker_metrics_port", "cpu_worker_metrics_port", mode="before")
    @classmethod
    def _empty_port_is_unset(cls, value: object) -> object:
        # `CPU_WORKER_METRICS_PORT=` in an operator's .env means "off".
        return None if value == "" else value

    def metrics_port(self, role: WorkerRole) -> int | None:
        if role is WorkerRole.GPU:
            return self.gpu_worker_metrics_port
        return self.cpu_worker_metrics_port


@lru_cache
def get_worker_settings() -> WorkerSettings:
    return WorkerSettings()
