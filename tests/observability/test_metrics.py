"""Prometheus metrics: the API's request latency and queue depth behind an admin or the scrape
token, and each worker role's task latency and failures on its own port."""

import time
import urllib.request
from collections.abc import Iterator, Mapping

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from interview_contracts.payloads import PingPayload, SleepPayload
from interview_contracts.queues import WorkerRole
from interview_contracts.tasks import TaskName
from interview_core.accounts.models import UserRole
from interview_core.broker.client import get_celery, send
from interview_core.config import get_settings
from interview_core.db.engine import session_scope
from tests.support.accounts import make_organisation, make_user, signed_in_headers
from tests.support.stack import TestStack, WorkerProcess

Labels = dict[str, str]


def samples(text: str, name: str) -> list[tuple[Labels, float]]:
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def value(text: str, name: str, **labels: str) -> float:
    """The sample's value, 0 when the series does not exist yet."""
    for found, number in samples(text, name):
        if all(found.get(key) == wanted for key, wanted in labels.items()):
            return number
    return 0.0


@pytest.fixture
def admin_headers(stack: TestStack) -> dict[str, str]:
    with session_scope() as session:
        admin = make_user(session, UserRole.ADMIN)
    return signed_in_headers(admin)


@pytest.fixture
def recruiter_headers(stack: TestStack) -> dict[str, str]:
    with session_scope() as session:
        recruiter = make_user(session, UserRole.RECRUITER, make_organisation(session))
    return signed_in_headers(recruiter)


@pytest.fixture
def metrics_token() -> Iterator[str]:
    settings = get_settings()
    previous = settings.metrics_token
    settings.metrics_token = "scrape-" + "t" * 40
    yield settings.metrics_token
    settings.metrics_token = previous


def scrape(client: TestClient, headers: dict[str, str]) -> str:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def test_metrics_are_not_public(
    client: TestClient, admin_headers: dict[str, str], recruiter_headers: dict[str, str]
) -> None:
    anonymous = client.get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    assert client.get("/metrics", headers=recruiter_headers).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer guessed"}).status_code == 401
    assert client.get("/metrics", headers=admin_headers).status_code == 200


def test_the_scrape_token_reads_metrics_and_a_wrong_one_does_not(
    client: TestClient, metrics_token: str
) -> None:
    assert scrape(client, {"Authorization": f"Bearer {metrics_token}"})
    wrong = client.get("/metrics", headers={"Authorization": f"Bearer {metrics_token}x"})
    assert wrong.status_code == 401


def test_request_latency_moves_per_route_template_and_status(
    client: TestClient, admin_headers: dict[str, str], recruiter_headers: dict[str, str]
) -> None:
    route = {"method": "GET", "route": "/api/v1/jobs"}
    name = "http_request_duration_seconds_count"
    before = scrape(client, admin_headers)
    for _ in range(3):
        assert client.get("/api/v1/jobs", headers=recruiter_headers).status_code == 200
    too_many = client.get("/api/v1/jobs", headers=recruiter_headers, params={"limit": 1000})
    assert too_many.status_code == 422
    missing = client.get(
        "/api/v1/jobs/00000000-0000-0000-0000-000000000000", headers=recruiter_headers
    )
    assert missing.status_code == 404
    after = scrape(client, admin_headers)
    ok, invalid = {**route, "status": "200"}, {**route, "status": "422"}
    assert value(after, name, **ok) - value(before, name, **ok) == 3
    assert value(after, name, **invalid) - value(before, name, **invalid) == 1
    # Ids never become labels: the 404 is counted under its template.
    template = {"method": "GET", "route": "/api/v1/jobs/{job_id}", "status": "404"}
    assert value(after, name, **template) - value(before, name, **template) == 1
    assert not any("00000000" in labels.get("route", "") for labels, _ in samples(after, name))
    # The sum of latencies moved too, and every observation fell in some bucket.
    assert value(after, "http_request_duration_seconds_sum", **route, status="200") > value(
        before, "http_request_duration_seconds_sum", **route, status="200"
    )


def test_queue_depth_shows_a_backlog(
    client: TestClient, admin_headers: dict[str, str], workers: Mapping[str, WorkerProcess]
) -> None:
    idle = scrape(client, admin_headers)
    assert value(idle, "celery_queue_length_up") == 1
    assert {labels["queue"] for labels, _ in samples(idle, "celery_queue_length")} == {
        "gpu_queue",
        "cpu_queue",
        "core_queue",
    }
    # More sleeping tasks than the CPU worker runs and reserves at once: the rest wait.
    results = [send(TaskName.SLEEP_CPU, SleepPayload(seconds=1.5)) for _ in range(8)]
    busy = scrape(client, admin_headers)
    assert value(busy, "celery_queue_length", queue="cpu_queue") >= 2
    for result in results:
        result.get(timeout=120)
    drained = scrape(client, admin_headers)
    assert value(drained, "celery_queue_length", queue="cpu_queue") == 0


def _scrape_worker(worker: WorkerProcess) -> str:
    assert worker.metrics_port is not None
    url = f"http://127.0.0.1:{worker.metrics_port}/metrics"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()  # type: ignore[no-any-return]
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.mark.parametrize(
    ("role", "task"), [(WorkerRole.CPU, TaskName.PING_CPU), (WorkerRole.GPU, TaskName.PING_GPU)]
)
def test_a_real_task_moves_its_worker_task_metrics(
    workers: Mapping[str, WorkerProcess], role: WorkerRole, task: TaskName
) -> None:
    worker = workers[role.value]
    labels = {"task": task.value, "queue": role.queue.value}
    count = "celery_task_duration_seconds_count"
    before = _scrape_worker(worker)
    for index in range(2):
        send(task, PingPayload(nonce=f"metrics-{index}")).get(timeout=60)
    # A payload the task refuses: a failure of that task on that queue.
    refused = get_celery().send_task(
        task.value, kwargs={"payload": {"nonce": ""}}, queue=role.queue.value
    )
    with pytest.raises(Exception):  # noqa: B017 (the worker's error, rebuilt by Celery)
        refused.get(timeout=60)
    success = {**labels, "state": "SUCCESS"}
    failure = {**labels, "state": "FAILURE"}
    # The result is stored before the task's postrun signal records its duration, so the last
    # task's figure may land a moment after .get() returned.
    deadline = time.monotonic() + 10
    while True:
        after = _scrape_worker(worker)
        recorded = value(after, count, **failure) - value(before, count, **failure)
        if recorded >= 1 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert value(after, count, **success) - value(before, count, **success) == 2
    assert recorded == 1
    failures = "celery_task_failures_total"
    assert value(after, failures, **labels) - value(before, failures, **labels) == 1
