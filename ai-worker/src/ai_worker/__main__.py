"""Start a worker of one role: `interview-worker --role gpu|cpu`.

The role decides the queue, the pool and the concurrency, so a GPU worker can never be
started consuming the CPU queue or with several model copies.
"""

import argparse
import os
import socket

from interview_contracts.queues import WorkerRole


def worker_argv(role: WorkerRole, concurrency: int, log_level: str) -> list[str]:
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
        # One process, one model copy; models load lazily inside it, never in a forking parent.
        argv += ["--pool", "solo"]
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
    concurrency = args.concurrency or settings.cpu_worker_concurrency
    app.worker_main(worker_argv(role, concurrency, settings.log_level))


if __name__ == "__main__":
    main()
