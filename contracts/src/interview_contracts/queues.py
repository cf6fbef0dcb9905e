"""Queue names. Which worker deployment consumes which queue is deployment configuration."""

from enum import StrEnum


class Queue(StrEnum):
    # The LLM's question generation: latency-critical, one model copy per process.
    GPU = "gpu_queue"
    # Evaluation, speech-to-text, vision, embeddings: throughput work that may back up.
    CPU = "cpu_queue"
    # The backend's own tasks: build inference requests from the database, store results,
    # advance interviews, assemble reports, sweep and retention. No ML library runs here.
    CORE = "core_queue"


class WorkerRole(StrEnum):
    GPU = "gpu"
    CPU = "cpu"
    CORE = "core"

    @property
    def queue(self) -> Queue:
        return {WorkerRole.GPU: Queue.GPU, WorkerRole.CPU: Queue.CPU, WorkerRole.CORE: Queue.CORE}[
            self
        ]


# The roles of ai-worker: inference only, request in and result out.
INFERENCE_ROLES = (WorkerRole.GPU, WorkerRole.CPU)
