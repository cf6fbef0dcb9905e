"""The walking skeleton: each queue reaches a real worker of the right role."""

import time

from interview_contracts.payloads import PingPayload, PingResult, SleepPayload
from interview_contracts.queues import Queue, WorkerRole
from interview_contracts.tasks import TaskName
from interview_core.accounts.models import UserRole
from interview_core.broker.client import send
from interview_core.db.engine import session_scope
from interview_core.health.service import live_workers_by_queue
from tests.support.accounts import make_user, signed_in_headers


def test_routing_endpoint_runs_each_task_on_its_role(client, workers, stack) -> None:
    with session_scope() as session:
        admin = make_user(session, UserRole.ADMIN)
    response = client.post("/api/v1/diagnostics/routing", headers=signed_in_headers(admin))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["gpu"]["role"] == WorkerRole.GPU.value
    assert body["gpu"]["queue"] == Queue.GPU.value
    assert body["gpu"]["hostname"].startswith("gpu@")
    assert body["cpu"]["role"] == WorkerRole.CPU.value
    assert body["cpu"]["queue"] == Queue.CPU.value
    assert body["cpu"]["hostname"].startswith("cpu@")
    assert body["gpu"]["pid"] == stack.workers[WorkerRole.GPU].process.pid


def test_each_queue_is_served_by_its_own_role(workers) -> None:
    by_queue = live_workers_by_queue()
    assert any(name.startswith("gpu@") for name in by_queue[Queue.GPU.value])
    assert any(name.startswith("cpu@") for name in by_queue[Queue.CPU.value])
    assert not any(name.startswith("cpu@") for name in by_queue[Queue.GPU.value])


def test_busy_cpu_queue_does_not_delay_gpu_queue(workers) -> None:
    # Saturate every CPU process and leave a backlog behind them.
    sleepers = [send(TaskName.SLEEP_CPU, SleepPayload(seconds=8)) for _ in range(6)]
    started = time.monotonic()
    ping = send(TaskName.PING_GPU, PingPayload(nonce="while-cpu-busy"))
    result = PingResult.model_validate(ping.get(timeout=30))
    gpu_elapsed = time.monotonic() - started
    assert result.role is WorkerRole.GPU
    # The GPU answer came while the CPU backlog was still there, not after it drained.
    still_waiting = [s for s in sleepers if not s.ready()]
    assert len(still_waiting) >= 4, (
        f"cpu backlog drained before the gpu answer ({gpu_elapsed:.1f}s)"
    )
    for sleeper in sleepers:
        sleeper.get(timeout=60)
    cpu_elapsed = time.monotonic() - started
    assert gpu_elapsed * 4 < cpu_elapsed


def test_healthz_needs_nothing(client) -> None:
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}
