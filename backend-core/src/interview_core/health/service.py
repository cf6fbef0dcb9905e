"""Readiness checks: database, broker and a live worker on each queue, and the question
engine where one is configured (QUESTION_ENGINE_URL).

Ready means the API can serve interviews: a database, a broker and a worker on every queue.
Without its question engine the platform still serves, with every question from the vetted bank
at its deadline, so a missing engine makes the answer `degraded`, not unready: a load balancer
keeps sending candidates, and a person sees what is missing.

Anyone may ask `/readyz`, so its answer is cached for READINESS_CACHE_S (one inspect broadcast
and one engine request per period however many ask) and says only ok or not. What the machines
are called, what they have loaded and the raw errors are for admins
(`GET /api/v1/diagnostics/workers`), cached for DETAILS_CACHE_S, since each fresh answer sends a
task to every queue.
"""

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import httpx
from redis import Redis
from sqlalchemy import text

from interview_contracts.payloads import PingPayload, WorkerStatus
from interview_contracts.queues import INFERENCE_ROLES, Queue, WorkerRole
from interview_contracts.tasks import TaskName
from interview_core.broker.client import get_celery, send
from interview_core.config import get_infra_settings
from interview_core.db.engine import get_engine, session_scope
from interview_core.health.schemas import (
    CheckResult,
    QueueReadiness,
    QueueWorkers,
    Readiness,
    WorkerDetails,
)

logger = logging.getLogger(__name__)

INSPECT_TIMEOUT_S = 1.0
# A loaded engine on this machine or the deployment's network answers /health in milliseconds.
ENGINE_TIMEOUT_S = 1.0
STATUS_TIMEOUT_S = 3.0
READINESS_CACHE_S = 2.0
DETAILS_CACHE_S = 30.0

T = TypeVar("T")


class _Cached(Generic[T]):
    """The last result for `ttl_s` seconds; callers arriving during a refresh wait for it
    instead of starting their own (a thread lock: the routes run it in worker threads)."""

    def __init__(self, ttl_s: float, compute: Callable[[], T]) -> None:
        self._ttl_s = ttl_s
        self._compute = compute
        self._lock = threading.Lock()
        self._value: T | None = None
        self._computed_at = 0.0

    def get(self) -> T:
        with self._lock:
            if self._value is None or time.monotonic() - self._computed_at >= self._ttl_s:
                self._value = self._compute()
                self._computed_at = time.monotonic()
            return self._value


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


def check_question_engine() -> CheckResult | None:
    """GET the question engine's /health (llama.cpp's server and vLLM answer 200 once their
    model is loaded, 503 while loading; no API key needed); None where none is configured."""
    url = get_infra_settings().question_engine_url
    if not url:
        return None
    try:
        response = httpx.get(f"{url.rstrip('/')}/health", timeout=ENGINE_TIMEOUT_S)
    except httpx.HTTPError as exc:  # readiness reports any failure instead of raising
        return CheckResult(ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])
    if response.status_code != 200:
        return CheckResult(ok=False, detail=f"/health answered {response.status_code}")
    return CheckResult(ok=True, detail="engine ready")


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


def _workers_seen(broker: CheckResult) -> tuple[CheckResult, dict[str, list[str]]]:
    """The live workers per queue, when the broker answers; a broker that drops the
    connection during the inspect is as unavailable as one that refused it."""
    if not broker.ok:
        return broker, {}
    try:
        return broker, live_workers_by_queue()
    except Exception as exc:  # readiness reports any failure instead of raising
        return CheckResult(ok=False, detail=str(exc)), {}


def _every_queue_served(workers: dict[str, list[str]]) -> bool:
    return all(workers.get(queue.value) for queue in Queue)


def _public_check(result: CheckResult, what: str) -> CheckResult:
    # Fixed wording: a raw error names hosts, ports and users.
    if not result.ok:
        return CheckResult(ok=False, detail=f"{what} unavailable")
    return result


def _public_engine(result: CheckResult | None) -> CheckResult | None:
    if result is None:
        return None
    if not result.ok:
        return CheckResult(ok=False, detail="question engine unavailable: bank questions served")
    return CheckResult(ok=True, detail="question engine ready")


def question_model_state() -> str:
    """ "serving", "loading" (a switch under way, the current model still serves) or
    "unloaded" (an operator freed the models: bank questions are served); "unknown" without
    a database."""
    from interview_core.modelops.service import current_slot, slot_read

    try:
        with session_scope() as session:
            return slot_read(current_slot(session)).state
    except Exception:  # readiness reports, never raises
        return "unknown"


def _readiness() -> Readiness:
    database = check_database()
    broker, workers = _workers_seen(check_broker())
    engine = check_question_engine()
    return Readiness(
        ready=database.ok and broker.ok and _every_queue_served(workers),
        degraded=engine is not None and not engine.ok,
        database=_public_check(database, "database"),
        broker=_public_check(broker, "broker"),
        queues=[
            QueueReadiness(queue=queue, live_workers=len(names))
            for queue, names in sorted(workers.items())
        ],
        question_engine=_public_engine(engine),
        question_model=question_model_state() if database.ok else "unknown",
    )


def _worker_details() -> WorkerDetails:
    database = check_database()
    broker, workers = _workers_seen(check_broker())
    statuses: list[WorkerStatus] = []
    if broker.ok:
        # The inference roles say which models they hold; the core role holds none.
        with ThreadPoolExecutor(max_workers=len(INFERENCE_ROLES)) as pool:
            found = list(pool.map(worker_status, INFERENCE_ROLES))
        statuses = [status for status in found if status is not None]
    return WorkerDetails(
        checked_at=datetime.now(UTC),
        ready=database.ok and broker.ok and _every_queue_served(workers),
        database=database,
        broker=broker,
        queues=[QueueWorkers(queue=q, workers=w) for q, w in sorted(workers.items())],
        question_engine=check_question_engine(),
        worker_status=statuses,
    )


readiness = _Cached(READINESS_CACHE_S, _readiness).get
worker_details = _Cached(DETAILS_CACHE_S, _worker_details).get
