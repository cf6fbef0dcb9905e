"""An API process killed mid-interview loses nothing: a new process resumes at the right turn."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from interview_core.localrun.redis_server import free_port


class ApiProcess:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "interview_core.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise TimeoutError("API did not start")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def api(stack) -> Iterator[ApiProcess]:  # type: ignore[no-untyped-def]
    process = ApiProcess(stack.worker_env())
    process.start()
    yield process
    if process.process and process.process.poll() is None:
        process.kill()


def test_api_restart_resumes_at_the_current_question(
    api, recruiter, candidate, job_id, question_bank, workers
) -> None:  # type: ignore[no-untyped-def]
    def call(method: str, path: str, headers: dict[str, str], **kwargs):  # type: ignore[no-untyped-def]
        return httpx.request(
            method, f"{api.url}/api/v1{path}", headers=headers, timeout=90, **kwargs
        )

    created = call(
        "POST",
        "/interviews",
        recruiter.headers,
        json={"job_id": job_id, "candidate_email": candidate.email},
    )
    assert created.status_code == 201, created.text
    interview_id = created.json()["interview"]["id"]
    call(
        "POST",
        "/interviews/accept",
        candidate.headers,
        json={"token": created.json()["invite_token"]},
    )
    state = call("POST", f"/interviews/{interview_id}/start", candidate.headers, json={}).json()
    first_turn = state["current_turn"]["id"]
    answered = call(
        "POST",
        f"/interviews/{interview_id}/turns/{first_turn}/answer",
        candidate.headers,
        json={"text": "I am a backend engineer.", "idempotency_key": f"r-{uuid.uuid4().hex}"},
    )
    assert answered.status_code == 200, answered.text
    second_turn = answered.json()["state"]["current_turn"]["id"]

    api.kill()
    api.start()

    # The old access token is still valid against the new process: nothing lived in memory.
    state = call(
        "GET", f"/interviews/{interview_id}", candidate.headers, params={"wait_s": 60}
    ).json()
    assert state["current_turn"]["id"] == second_turn
    assert state["current_turn"]["stage_index"] == 1
    assert state["answered_turns"] == 1
    assert state["phase"] == "answering"
    turns = call("GET", f"/interviews/{interview_id}/turns", candidate.headers).json()
    assert [t["stage_index"] for t in turns] == [0, 1]
