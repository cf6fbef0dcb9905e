"""An interview's event stream re-checks its sign-in (STREAM_SESSION_RECHECK_S): it stays open
while the session stands and ends soon after a logout, not when its duration runs out."""

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.interviews.conftest import Party, invite_and_accept
from tests.support.api_server import ApiServer
from tests.support.stack import TestStack

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
RECHECK_S = 1.0


@pytest.fixture(scope="module")
def api(stack: TestStack) -> Iterator[ApiServer]:
    env = stack.worker_env({"STREAM_SESSION_RECHECK_S": str(RECHECK_S)})
    with ApiServer(env, ARTIFACTS / f"api-events-{uuid.uuid4().hex[:8]}.log") as server:
        yield server


def test_an_event_stream_ends_soon_after_logout(
    api: ApiServer,
    client: TestClient,
    recruiter: Party,
    candidate: Party,
    job_id: str,
    question_bank: None,
) -> None:
    interview_id = invite_and_accept(client, recruiter, candidate, job_id)
    statuses: list[int] = []
    lines: list[tuple[float, str]] = []
    ended: list[float] = []

    def follow() -> None:
        url = f"{api.url}/api/v1/interviews/{interview_id}/events"
        params = {"duration_s": 120}
        with (
            httpx.Client(timeout=30) as http,
            http.stream("GET", url, params=params, headers=candidate.headers) as stream,
        ):
            statuses.append(stream.status_code)
            for line in stream.iter_lines():
                lines.append((time.monotonic(), line))
        ended.append(time.monotonic())

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    deadline = time.monotonic() + 10
    while not any(line == "event: subscribed" for _, line in lines):
        assert time.monotonic() < deadline, (statuses, lines)
        time.sleep(0.05)
    assert statuses == [200]
    # Several re-checks pass while the session stands.
    time.sleep(RECHECK_S * 3)
    assert not ended, lines
    logged_out = httpx.post(f"{api.url}/api/v1/auth/logout", headers=candidate.headers)
    assert logged_out.status_code == 204
    logged_out_at = time.monotonic()
    reader.join(timeout=RECHECK_S + 3)
    assert ended, "the stream outlived its sign-in"
    after_logout = [line for at, line in lines if at >= logged_out_at]
    assert "event: session_ended" in after_logout, lines
