"""The suite runs on real parts: an embedded PostgreSQL with pgvector, a real Redis, and the two
worker roles as real processes consuming the real queues. Nothing is mocked or run eagerly."""

import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from interview_contracts.queues import WorkerRole
from tests.support.stack import TestStack, WorkerProcess

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
MODEL_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "models"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestStack]:
    data_dir = tmp_path_factory.mktemp("platform-data")
    stack = TestStack(data_dir=data_dir, artifacts=ARTIFACTS)
    os.environ.update(
        {
            "ENVIRONMENT": "test",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATA_DIR": str(data_dir),
            "LOG_JSON": "true",
            # Three worker processes share two cores: one torch thread each avoids thrashing.
            "LLM_CPU_THREADS": "1",
            # The session's CPU worker scores answers with the deterministic evaluator: the LLM
            # evaluator is tested on the real model in tests/llm, and running it for every
            # answer of every interview test would take most of CI's time on two cores.
            "EVALUATION_LLM": "none",
            # An adapter's benchmark (tests/modelops) runs one question case per language on the
            # base and on the adapter; its score half (evaluations by the small in-process
            # model, minutes on two cores) is tested in tests/llm/test_adapter_benchmark.py.
            "ADAPTER_BENCHMARK_CASES": "1",
            "ADAPTER_BENCHMARK_SCORE_PAIRS": "0",
            # Converted model caches outlive the session's temporary data directory, so the
            # packaged models are converted once per checkout, not once per process and run.
            "LLM_CACHE_DIR": str(MODEL_CACHE / "llm"),
            "STT_CACHE_DIR": str(MODEL_CACHE / "speech"),
        }
    )
    try:
        stack.start_services()
    except BaseException:
        stack.stop()  # what did start (PostgreSQL, Redis) must not outlive a failed session
        raise
    os.environ["DATABASE_URL"] = stack.database_url
    os.environ["REDIS_URL"] = stack.redis_url
    assert stack.mail_sink is not None
    os.environ.update({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(stack.mail_sink.port)})
    stack.migrate()
    yield stack
    stack.stop()


class LiveWorkers(Mapping[str, WorkerProcess]):
    """The stack's current worker of each role, by role name. A live view: a test that
    restarts a worker (test_turns, test_generation_worker) leaves later tests the new one."""

    def __init__(self, stack: TestStack) -> None:
        self._stack = stack

    def __getitem__(self, role: str) -> WorkerProcess:
        return self._stack.workers[WorkerRole(role)]

    def __iter__(self) -> Iterator[str]:
        return (role.value for role in self._stack.workers)

    def __len__(self) -> int:
        return len(self._stack.workers)


@pytest.fixture(scope="session")
def workers(stack: TestStack) -> Iterator[Mapping[str, WorkerProcess]]:
    """One GPU-role and one CPU-role worker process for the whole session."""
    stack.start_workers()
    yield LiveWorkers(stack)
    stack.stop_workers()


@pytest.fixture(scope="session")
def app(stack: TestStack):  # type: ignore[no-untyped-def]
    from interview_core.main import create_app

    return create_app()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client
