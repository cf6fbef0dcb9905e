"""Task names and their routing. Both sides use these names; neither spells a name itself."""

from dataclasses import dataclass
from enum import StrEnum

from interview_contracts.queues import Queue


class TaskName(StrEnum):
    PING_GPU = "diagnostics.ping_gpu"
    PING_CPU = "diagnostics.ping_cpu"
    SLEEP_CPU = "diagnostics.sleep_cpu"
    WORKER_STATUS_GPU = "diagnostics.worker_status_gpu"
    WORKER_STATUS_CPU = "diagnostics.worker_status_cpu"
    EMBED_ROWS = "embeddings.embed_rows"
    EMBED_QUERY = "embeddings.embed_query"
    GENERATE_QUESTION = "interviews.generate_question"
    EVALUATE_TURN = "interviews.evaluate_turn"
    TRANSCRIBE_TURN = "interviews.transcribe_turn"
    ANALYZE_FRAMES = "interviews.analyze_frames"
    ASSEMBLE_REPORT = "reports.assemble_report"
    SWEEP_STALE_WORK = "interviews.sweep_stale_work"
    ENFORCE_RETENTION = "privacy.enforce_retention"


@dataclass(frozen=True)
class TaskSpec:
    queue: Queue
    # Soft limit raises inside the task so it can record a failure; hard limit kills it.
    soft_time_limit_s: int
    time_limit_s: int


TASK_SPECS: dict[TaskName, TaskSpec] = {
    TaskName.PING_GPU: TaskSpec(Queue.GPU, 10, 20),
    TaskName.PING_CPU: TaskSpec(Queue.CPU, 10, 20),
    TaskName.SLEEP_CPU: TaskSpec(Queue.CPU, 120, 150),
    TaskName.WORKER_STATUS_GPU: TaskSpec(Queue.GPU, 10, 20),
    TaskName.WORKER_STATUS_CPU: TaskSpec(Queue.CPU, 10, 20),
    # Generation bounds its own time (threads pool); the limits document the budget.
    TaskName.GENERATE_QUESTION: TaskSpec(Queue.GPU, 90, 120),
    TaskName.EVALUATE_TURN: TaskSpec(Queue.CPU, 240, 300),
    TaskName.TRANSCRIBE_TURN: TaskSpec(Queue.CPU, 240, 300),
    TaskName.ANALYZE_FRAMES: TaskSpec(Queue.CPU, 120, 180),
    # Pure Python over rows; retried with a countdown while evaluations are pending.
    TaskName.ASSEMBLE_REPORT: TaskSpec(Queue.CPU, 60, 90),
    # Two bounded, indexed queries and a few sends: it re-sends work, it never does it.
    TaskName.SWEEP_STALE_WORK: TaskSpec(Queue.CPU, 30, 45),
    # First call in a fresh process loads the encoder (seconds on a CPU).
    TaskName.EMBED_ROWS: TaskSpec(Queue.CPU, 120, 150),
    TaskName.EMBED_QUERY: TaskSpec(Queue.CPU, 30, 45),
    # Bounded batches, each committed: a run cut short by the soft limit resumes next time.
    TaskName.ENFORCE_RETENTION: TaskSpec(Queue.CPU, 600, 660),
}


def task_routes() -> dict[str, dict[str, str]]:
    """Celery `task_routes`: every task goes to the queue its spec names."""
    return {name.value: {"queue": spec.queue.value} for name, spec in TASK_SPECS.items()}


def longest_time_limit_s() -> int:
    return max(spec.time_limit_s for spec in TASK_SPECS.values())
