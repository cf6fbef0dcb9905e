"""Structured logs: every line of a request or a task carries its ids, as JSON, in the output of
the process that did the work (the prefork CPU worker's children included)."""

import io
import json
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from interview_contracts.log_format import JsonFormatter, log_context
from interview_contracts.queues import WorkerRole
from tests.interviews.conftest import (
    Party,
    answer_until_probing_turn,
    invite_and_start,
    wait_for_question,
)
from tests.support.stack import TestStack


@pytest.fixture
def api_log() -> Iterator[io.StringIO]:
    """The API's log lines, formatted by the formatter the process uses."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def _lines(text: str) -> list[dict]:  # type: ignore[type-arg]
    found = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                found.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return found


def test_context_ids_are_on_every_line_and_extra_wins(api_log: io.StringIO) -> None:
    log = logging.getLogger("tests.observability")
    with log_context(interview_id="i-1", turn_id="t-1"):
        log.warning("inside")
        log.warning("override", extra={"turn_id": "t-2"})
    log.warning("outside")
    inside, override, outside = _lines(api_log.getvalue())[-3:]
    assert (inside["interview_id"], inside["turn_id"]) == ("i-1", "t-1")
    assert override["turn_id"] == "t-2"
    assert "interview_id" not in outside and "turn_id" not in outside


def test_request_lines_carry_request_route_and_interview_ids(
    interview_setup: tuple[Any, ...], api_log: io.StringIO
) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id = state["interview"]["id"]
    request_id = f"req-{uuid.uuid4().hex}"
    response = client.get(
        f"/api/v1/interviews/{interview_id}",
        headers={**candidate.headers, "X-Request-ID": request_id},
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == request_id
    finished = [
        line
        for line in _lines(api_log.getvalue())
        if line.get("request_id") == request_id and line["msg"] == "request finished"
    ]
    assert len(finished) == 1, api_log.getvalue()[-2000:]
    line = finished[0]
    assert line["interview_id"] == interview_id
    assert line["path"] == "/api/v1/interviews/{interview_id}"
    assert line["method"] == "GET" and line["status"] == 200
    assert isinstance(line["duration_ms"], float)

    # A request id a caller made up that is unsafe in a log line is replaced by a fresh one.
    unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\nforged line"})
    assert unsafe.headers["x-request-id"] != "bad id\nforged line"
    assert len(unsafe.headers["x-request-id"]) == 32


def _wait_for_line(stack: TestStack, role: WorkerRole, task_name: str, turn_id: str) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for line in _lines(stack.workers[role].log()):
            if (
                line.get("task_name") == task_name
                and line.get("turn_id") == turn_id
                and line["msg"] == "task finished"
            ):
                return line
        time.sleep(0.5)
    raise AssertionError(f"no log line of {task_name} for turn {turn_id} from the {role} worker")


def test_task_lines_carry_task_and_turn_ids_in_each_role_output(
    interview_setup: tuple[Any, ...], stack: TestStack
) -> None:
    client: TestClient
    candidate: Party
    client, _, candidate, _ = interview_setup
    # A turn whose stage probes a competency: its answer is sent to the evaluator.
    interview_id, turn_id = answer_until_probing_turn(interview_setup)
    next_turn = wait_for_question(client, candidate, interview_id)["current_turn"]

    # The evaluation ran in a prefork child of the CPU worker: its line reached the output.
    evaluated = _wait_for_line(stack, WorkerRole.CPU, "llm.evaluate_answer", turn_id)
    assert evaluated["interview_id"] == interview_id
    assert evaluated["queue"] == "cpu_queue"
    assert evaluated["state"] == "SUCCESS"
    uuid.UUID(evaluated["task_id"])

    # The next question was generated on a thread of the GPU worker.
    generated = _wait_for_line(stack, WorkerRole.GPU, "llm.write_question", next_turn["id"])
    assert generated["interview_id"] == interview_id
    assert generated["queue"] == "gpu_queue"
    assert generated["task_id"] != evaluated["task_id"]


@pytest.mark.parametrize(("library_level", "shown"), [(None, False), ("INFO", True)])
def test_library_progress_is_kept_at_warning_unless_asked_for(
    library_level: str | None, shown: bool
) -> None:
    """WeasyPrint's layout steps and absl's notices stay out of a process's log by default;
    the run command's --verbose (LIBRARY_LOG_LEVEL=INFO) lets them through."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "LIBRARY_LOG_LEVEL"}
    if library_level is not None:
        env["LIBRARY_LOG_LEVEL"] = library_level
    script = (
        "import logging\n"
        "from interview_contracts.log_format import configure_logging\n"
        "configure_logging('INFO')\n"
        "logging.getLogger('weasyprint.layout').info('laying out page 1')\n"
        "logging.getLogger('absl').info('absl notice')\n"
        "logging.getLogger('weasyprint').warning('a missing font')\n"
        "logging.getLogger('interview_core').info('our own line')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    messages = [json.loads(line)["msg"] for line in done.stderr.splitlines() if line.strip()]
    assert "a missing font" in messages and "our own line" in messages
    assert ("laying out page 1" in messages) is shown
    assert ("absl notice" in messages) is shown
