"""Start a worker of one role: `interview-worker --role gpu|cpu`.

The role decides the queue, the pool and the concurrency, so a GPU worker can never be
started consuming the CPU queue or with several model copies.
"""

import argparse
import os
import socket

from interview_contracts.queues import WorkerRole


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", choices=[r.value for r in WorkerRole], required=True)
    parser.add_argument("--concurrency", type=int, default=None)
    args = parser.parse_args()
    role = WorkerRole(args.role)
    os.environ["WORKER_ROLE"] = role.value

    from ai_worker.celery_app import app
    from ai_worker.settings import get_worker_settings

    settings = get_worker_settings()
    default = (
        settings.gpu_worker_concurrency
        if role is WorkerRole.GPU
        else settings.cpu_worker_concurrency
    )
    concurrency = args.concurrency or default
    app.worker_main(worker_argv(role, concurrency, settings.log_level))


if __name__ == "__main__":
    main()
