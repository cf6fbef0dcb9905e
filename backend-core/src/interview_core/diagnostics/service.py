"""Dispatch one trivial task per queue and report which worker ran each."""

import time
import uuid
from datetime import UTC, datetime

from celery.exceptions import TimeoutError as CeleryTimeout

from interview_contracts.payloads import PingPayload, PingResult
from interview_contracts.tasks import TaskName
from interview_core.broker.client import send
from interview_core.db.engine import session_scope
from interview_core.diagnostics.models import RoutingCheck
from interview_core.diagnostics.schemas import RoutingReport
from interview_core.errors import ServiceUnavailable

PING_TIMEOUT_S = 30.0


def check_routing(requested_by: uuid.UUID | None) -> RoutingReport:
    with session_scope() as session:
        check = RoutingCheck(requested_by=requested_by)
        session.add(check)
    started = time.perf_counter()
    nonce = check.id.hex
    gpu_result = send(TaskName.PING_GPU, PingPayload(nonce=nonce))
    cpu_result = send(TaskName.PING_CPU, PingPayload(nonce=nonce))
    # One deadline for both: a busy queue answers after its running task, never past it.
    deadline = started + PING_TIMEOUT_S
    try:
        gpu = PingResult.model_validate(gpu_result.get(timeout=PING_TIMEOUT_S))
        remaining_s = max(deadline - time.perf_counter(), 0.1)
        cpu = PingResult.model_validate(cpu_result.get(timeout=remaining_s))
    except CeleryTimeout as exc:
        _finish(check.id, "timeout", {}, None)
        raise ServiceUnavailable(
            "No worker answered on one of the queues; check /readyz.",
            code="worker-timeout",
            headers={"Retry-After": "10"},
        ) from exc
    elapsed_ms = (time.perf_counter() - started) * 1000
    _finish(
        check.id,
        "ok",
        {"gpu": gpu.model_dump(mode="json"), "cpu": cpu.model_dump(mode="json")},
        elapsed_ms,
    )
    return RoutingReport(id=check.id, gpu=gpu, cpu=cpu, elapsed_ms=elapsed_ms)


def _finish(
    check_id: uuid.UUID, status: str, results: dict[str, object], elapsed_ms: float | None
) -> None:
    with session_scope() as session:
        check = session.get_one(RoutingCheck, check_id)
        check.status = status
        check.results = results
        check.elapsed_ms = elapsed_ms
        check.finished_at = datetime.now(UTC)
