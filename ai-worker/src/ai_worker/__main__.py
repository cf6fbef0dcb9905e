"""Start an inference worker of one role: `interview-worker --role gpu|cpu`, or this machine's
LLM engine: `interview-worker --role engine` (llama.cpp's server on the embedded model; see
llm/engine.py). The backend's own roles (core tasks and the beat scheduler) are started by
`python -m interview_core.broker.worker`.

The role decides the queue, the pool and the concurrency, so a GPU worker can never be
started consuming the CPU queue or with several model copies.
"""

import argparse
import os
import socket

from ai_worker._runtime.settings import CpuWorkerPriority
from interview_contracts.queues import INFERENCE_ROLES, WorkerRole


def worker_argv(role: WorkerRole, concurrency: int, log_level: str) -> list[str]:
    """Celery worker arguments for a role."""
    argv = [
        "worker",
        "--queues",
        role.queue.value,
        "--hostname",
        f"{role.value}@{socket.gethostname()}-{os.getpid()}",
        "--loglevel",
        log_level,
        "--without-mingle",
        "--without-gossip",
    ]
    if role is WorkerRole.GPU:
        # One process and one model copy: threads share it, so concurrent requests can be
        # batched. Models load lazily inside this process, never in a forking parent. Celery's
        # time limits need prefork, so GPU tasks bound their own time (generation deadlines).
        argv += ["--pool", "threads", "--concurrency", str(concurrency)]
    else:
        argv += ["--pool", "prefork", "--concurrency", str(concurrency)]
    return argv


def lower_priority(priority: CpuWorkerPriority) -> None:
    """Give this process (and the children it forks) less of the CPU than question generation."""
    if priority is CpuWorkerPriority.IDLE and hasattr(os, "SCHED_IDLE"):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    elif priority is not CpuWorkerPriority.NORMAL:
        os.nice(19 if priority is CpuWorkerPriority.IDLE else 10)


ENGINE = "engine"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    roles = [*(r.value for r in INFERENCE_ROLES), ENGINE]
    parser.add_argument("--role", choices=roles, required=True)
    parser.add_argument("--concurrency", type=int, default=None)
    args = parser.parse_args()
    if args.role == ENGINE:
        from ai_worker._runtime.settings import get_worker_settings
        from ai_worker.llm.engine import run_engine
        from ai_worker.llm.settings import EngineUse, get_llm_settings

        engine_settings = get_llm_settings()
        if engine_settings.llm_engine_for is EngineUse.EVALUATION:
            # Its own port, key and slots (LLM_ENGINE_PORT and the rest are the question
            # engine's), and the CPU role's priority: it computes for that role.
            engine_settings = engine_settings.for_evaluation_engine()
            lower_priority(get_worker_settings().cpu_worker_priority)
        run_engine(engine_settings)
    role = WorkerRole(args.role)
    os.environ["WORKER_ROLE"] = role.value

    from ai_worker._runtime.metrics_dir import prepare_metrics_dir
    from ai_worker._runtime.settings import get_worker_settings

    settings = get_worker_settings()
    # Before the app (and so prometheus_client) is imported.
    prepare_metrics_dir(role, settings.metrics_port(role))
    if role is WorkerRole.CPU and settings.cpu_worker_threads > 0:
        # Before any numeric library is imported here or in a prefork child; an operator's
        # own OMP_NUM_THREADS wins.
        os.environ.setdefault("OMP_NUM_THREADS", str(settings.cpu_worker_threads))

    from ai_worker._runtime.celery_app import app

    default = (
        settings.gpu_worker_concurrency
        if role is WorkerRole.GPU
        else settings.cpu_worker_concurrency
    )
    concurrency = args.concurrency or default
    if role is WorkerRole.CPU:
        lower_priority(settings.cpu_worker_priority)  # inherited by the prefork children
    app.worker_main(worker_argv(role, concurrency, settings.log_level))


if __name__ == "__main__":
    main()
