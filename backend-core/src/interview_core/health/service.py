"""Readiness checks: database, broker and a live worker on each queue."""

import asyncio
import logging
from typing import Any

from redis import Redis
from sqlalchemy import text

from interview_contracts.payloads import PingPayload, WorkerStatus
from interview_contracts.queues import Queue, WorkerRole
from interview_contracts.tasks import TaskName
from interview_core.broker.client import get_celery, send
from interview_core.config import get_infra_settings
from interview_core.db.engine import get_engine
from interview_core.health.schemas import CheckResult, QueueWorkers, Readiness

logger = logging.getLogger(__name__)

INSPECT_TIMEOUT_S = 1.0
STATUS_TIMEOUT_S = 3.0


def check_database() -> CheckResult:
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
            has_vector = connection.execute(
                text("SELECT 1 FROM pg_extension WHERE extname = 'vector'")
            ).scalar()
        return CheckResult(ok=True, detail="pgvector installed" if has_vector else "no pgvector")
    except Exception as exc:  # readiness reports any failure instead of raising
        return CheckResult(ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])


def check_broker() -> CheckResult:
    try:
        client = Redis.from_url(get_infra_settings().redis_url, socket_timeout=1.0)
        client.ping()
        return CheckResult(ok=True, detail="redis ping ok")
    except Exception as exc:  # readiness reports any failure instead of raising
        return CheckResult(ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])


def live_workers_by_queue() -> dict[str, list[str]]:
    inspector = get_celery().control.inspect(timeout=INSPECT_TIMEOUT_S)
    replies: dict[str, Any] = inspector.active_queues() or {}
    by_queue: dict[str, list[str]] = {queue.value: [] for queue in Queue}
    for worker_name, queues in replies.items():
        for queue in queues:
            by_queue.setdefault(queue["name"], []).append(worker_name)
    return {queue: sorted(names) for queue, names in by_queue.items()}


def worker_status(role: WorkerRole) -> WorkerStatus | None:
    """Ask one worker of the role what it has loaded; None when none answers in time."""
    task = TaskName.WORKER_STATUS_GPU if role is WorkerRole.GPU else TaskName.WORKER_STATUS_CPU
    result = send(task, PingPayload(nonce="status"))
    try:
        return WorkerStatus.model_validate(result.get(timeout=STATUS_TIMEOUT_S))
    except Exception:  # a busy or absent worker: readiness says so instead of failing
        result.revoke()
        return None


async def readiness(include_models: bool) -> Readiness:
    database, broker = await asyncio.gather(
        asyncio.to_thread(check_database), asyncio.to_thread(check_broker)
    )
    queues: list[QueueWorkers] = []
    if broker.ok:
        workers = await asyncio.to_thread(live_workers_by_queue)
        queues = [QueueWorkers(queue=q, workers=w) for q, w in sorted(workers.items())]
    statuses: list[WorkerStatus] = []
    if include_models and broker.ok:
        found = await asyncio.gather(
            *(asyncio.to_thread(worker_status, role) for role in WorkerRole)
        )
        statuses = [status for status in found if status is not None]
    ready = (
        database.ok
        and broker.ok
        and all(any(q.queue == queue.value and q.workers for q in queues) for queue in Queue)
    )
    return Readiness(
        ready=ready, database=database, broker=broker, queues=queues, worker_status=statuses
    )
