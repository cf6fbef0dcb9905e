"""Queue names. Which worker deployment consumes which queue is deployment configuration."""

from enum import StrEnum


class Queue(StrEnum):
    # The LLM's question generation: latency-critical, one model copy per process.
    GPU = "gpu_queue"
    # Evaluation, speech-to-text, vision, embeddings: throughput work that may back up.
    CPU = "cpu_queue"


class WorkerRole(StrEnum):
    GPU = "gpu"
    CPU = "cpu"

    @property
    def queue(self) -> Queue:
        return Queue.GPU if self is WorkerRole.GPU else Queue.CPU
