"""/readyz is public and cheap and names nothing behind it; the workers' names, their models and
the checks' raw errors are for admins, and cached."""

import time

from fastapi.testclient import TestClient

from interview_contracts.queues import Queue
from interview_core.accounts.models import UserRole
from interview_core.db.engine import session_scope
from tests.support.accounts import make_user, signed_in_headers


def _ready(client: TestClient) -> dict:  # type: ignore[type-arg]
    """The public answer once every queue has a worker (it is cached for two seconds)."""
    deadline = time.monotonic() + 30
    while True:
        response = client.get("/readyz")
        if response.status_code == 200 or time.monotonic() > deadline:
            assert response.status_code == 200, response.text
            return response.json()  # type: ignore[no-any-return]
        time.sleep(0.5)


def test_public_readiness_names_no_host_model_or_error(client, workers) -> None:  # type: ignore[no-untyped-def]
    body = _ready(client)
    assert body["ready"] is True
    assert body["database"] == {"ok": True, "detail": "pgvector installed"}
    counts = {q["queue"]: q["live_workers"] for q in body["queues"]}
    assert counts[Queue.GPU.value] >= 1 and counts[Queue.CPU.value] >= 1
    # The old `?models=true` asks for nothing more: no worker is sent a task, nothing loaded is
    # listed, and no worker is named (Celery names are user@hostname).
    with_models = client.get("/readyz", params={"models": "true"})
    assert "worker_status" not in with_models.json()
    assert "@" not in with_models.text


def test_worker_details_are_for_admins_and_cached(client, workers) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        admin = make_user(session, UserRole.ADMIN)
        recruiter = make_user(session, UserRole.RECRUITER)
    path = "/api/v1/diagnostics/workers"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=signed_in_headers(recruiter)).status_code == 403
    first = client.get(path, headers=signed_in_headers(admin))
    assert first.status_code == 200, first.text
    details = first.json()
    by_queue = {q["queue"]: q["workers"] for q in details["queues"]}
    assert any(name.startswith("gpu@") for name in by_queue[Queue.GPU.value])
    assert any(name.startswith("cpu@") for name in by_queue[Queue.CPU.value])
    assert {status["role"] for status in details["worker_status"]} == {"gpu", "cpu"}
    # Within 30 s the same answer comes back: no new task was sent to the workers.
    again = client.get(path, headers=signed_in_headers(admin)).json()
    assert again["checked_at"] == details["checked_at"]
