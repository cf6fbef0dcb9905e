"""/readyz is public and cheap and names nothing behind it; the workers' names, their models and
the checks' raw errors are for admins, and cached."""

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from redis import Redis

from interview_contracts.queues import Queue
from interview_core.accounts.models import UserRole
from interview_core.config import get_infra_settings
from interview_core.db.engine import session_scope
from interview_core.health.service import READINESS_CACHE_S
from interview_core.localrun.redis_server import free_port
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


@pytest.fixture
def readiness_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Settings a test changes for the checks (read through get_infra_settings, cached), put
    back afterwards."""
    get_infra_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_infra_settings.cache_clear()


def _fresh_readiness(client: TestClient) -> dict:  # type: ignore[type-arg]
    """/readyz once the answer cached by an earlier call has expired: checked now."""
    time.sleep(READINESS_CACHE_S)
    response = client.get("/readyz")
    return {"status": response.status_code, "text": response.text, "body": response.json()}


def test_without_broker_or_engine_the_public_answer_says_so_in_fixed_words(  # type: ignore[no-untyped-def]
    client, workers, readiness_settings
) -> None:
    # Nothing listens on either port: connection refused, whose raw error names the address.
    closed_port = free_port()
    readiness_settings.setenv("REDIS_URL", f"redis://127.0.0.1:{closed_port}/0")
    readiness_settings.setenv("QUESTION_ENGINE_URL", f"http://127.0.0.1:{closed_port}")
    answer = _fresh_readiness(client)
    assert answer["status"] == 503, answer
    body = answer["body"]
    assert body["ready"] is False and body["degraded"] is True
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": False, "detail": "broker unavailable"}
    assert body["question_engine"] == {
        "ok": False,
        "detail": "question engine unavailable: bank questions served",
    }
    for raw in (str(closed_port), "127.0.0.1", "Error", "refused", "redis://", "http"):
        assert raw not in answer["text"], raw


def _pidbox_publishes(redis_url: str, watching: threading.Event, seen: list[str]) -> None:
    """Every PUBLISH to Celery's control channel (an inspect broadcast), as Redis' MONITOR
    reports them, from when `watching` is set until someone sends ECHO stop-watching."""
    broker = Redis.from_url(redis_url)
    with broker.monitor() as monitor:  # type: ignore[no-untyped-call]
        watching.set()
        for command in monitor.listen():
            text = str(command["command"])
            if text.startswith("ECHO stop-watching"):
                return
            if text.startswith("PUBLISH") and "pidbox" in text:
                seen.append(text)


def test_many_public_asks_within_the_cache_period_check_once(  # type: ignore[no-untyped-def]
    client, workers, stack, readiness_settings
) -> None:
    from ai_worker.llm.engine import endpoint_of
    from ai_worker.llm.settings import LLMSettings

    # The suite's real llama.cpp engine, as the run command configures it: /health needs no key.
    readiness_settings.setenv("QUESTION_ENGINE_URL", endpoint_of(LLMSettings()).root)
    broadcasts: list[str] = []
    watching = threading.Event()
    watcher = threading.Thread(
        target=_pidbox_publishes, args=(stack.redis_url, watching, broadcasts), daemon=True
    )
    watcher.start()
    assert watching.wait(5)
    try:
        first = _fresh_readiness(client)
        started = time.monotonic()
        asks = [client.get("/readyz") for _ in range(20)]
        elapsed = time.monotonic() - started
    finally:
        Redis.from_url(stack.redis_url).echo("stop-watching")
        watcher.join(5)
    assert first["status"] == 200, first
    assert first["body"]["degraded"] is False
    assert first["body"]["question_engine"] == {"ok": True, "detail": "question engine ready"}
    assert all(ask.status_code == 200 and ask.json() == first["body"] for ask in asks)
    # 21 answers, one inspect broadcast per cache period (one, unless a loaded machine took
    # longer than the period to ask 20 times): the workers were not asked per request.
    periods = (elapsed + 0.1) / READINESS_CACHE_S  # the first answer was cached just before
    assert 1 <= len(broadcasts) <= 1 + periods, (broadcasts, elapsed)
