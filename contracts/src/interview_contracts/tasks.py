"""Task names and their routing. Both sides use these names; neither spells a name itself.

Two kinds of task meet at this seam:
- core tasks (core_queue), owned by backend-core: they read the database, build an inference
  request that carries everything the model needs, store results and advance the interview;
- inference tasks (gpu_queue, cpu_queue), owned by ai-worker: a request in, a result out, sent
  back by name to the core task that stores it. They never touch the database.
"""

from dataclasses import dataclass
from enum import StrEnum

from interview_contracts.queues import Queue


class TaskName(StrEnum):
    PING_GPU = "diagnostics.ping_gpu"
    PING_CPU = "diagnostics.ping_cpu"
    PING_CORE = "diagnostics.ping_core"
    SLEEP_CPU = "diagnostics.sleep_cpu"
    WORKER_STATUS_GPU = "diagnostics.worker_status_gpu"
    WORKER_STATUS_CPU = "diagnostics.worker_status_cpu"
    # Core: the turn's work, by ids.
    GENERATE_QUESTION = "interviews.generate_question"
    SERVE_BANK_QUESTION = "interviews.serve_bank_question"
    EVALUATE_TURN = "interviews.evaluate_turn"
    TRANSCRIBE_TURN = "interviews.transcribe_turn"
    ANALYZE_FRAMES = "interviews.analyze_frames"
    SWEEP_STALE_WORK = "interviews.sweep_stale_work"
    ASSEMBLE_REPORT = "reports.assemble_report"
    ENFORCE_RETENTION = "privacy.enforce_retention"
    EMBED_ROWS = "embeddings.embed_rows"
    # Core: results coming back from the inference workers.
    STORE_QUESTION = "interviews.store_question"
    STORE_EVALUATION = "interviews.store_evaluation"
    STORE_TRANSCRIPT = "interviews.store_transcript"
    STORE_FRAME_ANALYSIS = "interviews.store_frame_analysis"
    STORE_EMBEDDINGS = "embeddings.store_embeddings"
    # Core: fine-tuning and model operations (interview_core/training, interview_core/modelops).
    START_TRAINING = "training.start_training"
    STORE_TRAINING_PROGRESS = "training.store_progress"
    STORE_TRAINING_RESULT = "training.store_result"
    STORE_ADAPTER_BENCHMARK = "training.store_benchmark"
    STORE_MODEL_LOADED = "modelops.store_model_loaded"
    # Inference: request in, result out.
    WRITE_QUESTION = "llm.write_question"
    EVALUATE_ANSWER = "llm.evaluate_answer"
    TRANSCRIBE_AUDIO = "speech.transcribe_audio"
    ANALYZE_FRAME_BATCH = "vision.analyze_frame_batch"
    EMBED_TEXTS = "embeddings.embed_texts"
    EMBED_QUERY = "embeddings.embed_query"
    TRAIN_ADAPTER = "llm.train_adapter"
    BENCHMARK_ADAPTER = "llm.benchmark_adapter"


@dataclass(frozen=True)
class TaskSpec:
    queue: Queue
    # Soft limit raises inside the task so it can record a failure; hard limit kills it.
    soft_time_limit_s: int
    time_limit_s: int


TASK_SPECS: dict[TaskName, TaskSpec] = {
    TaskName.PING_GPU: TaskSpec(Queue.GPU, 10, 20),
    TaskName.PING_CPU: TaskSpec(Queue.CPU, 10, 20),
    TaskName.PING_CORE: TaskSpec(Queue.CORE, 10, 20),
    TaskName.SLEEP_CPU: TaskSpec(Queue.CPU, 120, 150),
    TaskName.WORKER_STATUS_GPU: TaskSpec(Queue.GPU, 10, 20),
    TaskName.WORKER_STATUS_CPU: TaskSpec(Queue.CPU, 10, 20),
    # Core tasks are a few indexed queries and sends each; report assembly is pure Python.
    TaskName.GENERATE_QUESTION: TaskSpec(Queue.CORE, 20, 30),
    TaskName.SERVE_BANK_QUESTION: TaskSpec(Queue.CORE, 20, 30),
    TaskName.EVALUATE_TURN: TaskSpec(Queue.CORE, 20, 30),
    TaskName.TRANSCRIBE_TURN: TaskSpec(Queue.CORE, 20, 30),
    TaskName.ANALYZE_FRAMES: TaskSpec(Queue.CORE, 20, 30),
    TaskName.STORE_QUESTION: TaskSpec(Queue.CORE, 20, 30),
    TaskName.STORE_EVALUATION: TaskSpec(Queue.CORE, 20, 30),
    TaskName.STORE_TRANSCRIPT: TaskSpec(Queue.CORE, 20, 30),
    TaskName.STORE_FRAME_ANALYSIS: TaskSpec(Queue.CORE, 20, 30),
    TaskName.STORE_EMBEDDINGS: TaskSpec(Queue.CORE, 30, 45),
    TaskName.EMBED_ROWS: TaskSpec(Queue.CORE, 30, 45),
    TaskName.ASSEMBLE_REPORT: TaskSpec(Queue.CORE, 60, 90),
    TaskName.START_TRAINING: TaskSpec(Queue.CORE, 60, 90),
    TaskName.STORE_TRAINING_PROGRESS: TaskSpec(Queue.CORE, 20, 30),
    TaskName.STORE_TRAINING_RESULT: TaskSpec(Queue.CORE, 20, 30),
    TaskName.STORE_ADAPTER_BENCHMARK: TaskSpec(Queue.CORE, 20, 30),
    TaskName.STORE_MODEL_LOADED: TaskSpec(Queue.CORE, 20, 30),
    # Two bounded, indexed queries and a few sends: it re-sends work, it never does it.
    TaskName.SWEEP_STALE_WORK: TaskSpec(Queue.CORE, 30, 45),
    # Bounded batches, each committed: a run cut short by the soft limit resumes next time.
    TaskName.ENFORCE_RETENTION: TaskSpec(Queue.CORE, 600, 660),
    # Generation bounds its own time by the request's deadline (threads pool).
    TaskName.WRITE_QUESTION: TaskSpec(Queue.GPU, 90, 120),
    TaskName.EVALUATE_ANSWER: TaskSpec(Queue.CPU, 240, 300),
    TaskName.TRANSCRIBE_AUDIO: TaskSpec(Queue.CPU, 240, 300),
    TaskName.ANALYZE_FRAME_BATCH: TaskSpec(Queue.CPU, 120, 180),
    # First call in a fresh process loads the encoder (seconds on a CPU).
    TaskName.EMBED_TEXTS: TaskSpec(Queue.CPU, 120, 150),
    TaskName.EMBED_QUERY: TaskSpec(Queue.CPU, 30, 45),
    # Bounded by the request's max_seconds (at most 3000); the hard limit stays under the
    # broker's visibility timeout, so a running training is never redelivered.
    TaskName.TRAIN_ADAPTER: TaskSpec(Queue.GPU, 3300, 3500),
    TaskName.BENCHMARK_ADAPTER: TaskSpec(Queue.GPU, 1500, 1600),
}


def task_routes() -> dict[str, dict[str, str]]:
    """Celery `task_routes`: every task goes to the queue its spec names."""
    return {name.value: {"queue": spec.queue.value} for name, spec in TASK_SPECS.items()}


def longest_time_limit_s() -> int:
    return max(spec.time_limit_s for spec in TASK_SPECS.values())
