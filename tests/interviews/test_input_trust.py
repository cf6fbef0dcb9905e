"""Who may act on an answer, and what a worker trusts in a task's payload: an idempotency key is
looked up only for the candidate, and a task naming one interview and another's turn is refused
by the worker instead of mixing the two."""

import uuid

from fastapi.testclient import TestClient

from interview_contracts.interviews import TurnTask
from interview_contracts.tasks import TaskName
from interview_core.accounts.models import UserRole
from interview_core.broker.client import send
from tests.interviews.conftest import Party, _make_user, invite_and_start, login
from tests.support.answers import answer_typed


def test_a_recruiter_cannot_replay_the_candidates_answer_key(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    key = f"text-{uuid.uuid4().hex}"
    path = f"/api/v1/interviews/{interview_id}/turns/{turn_id}/answer"
    answer_typed(
        client, candidate.headers, interview_id, turn_id, "I led the billing migration.", key
    )
    # The recruiter may read the interview, but the key is not looked up for them: no turn
    # comes back and no pending work is sent again.
    replayed = client.post(
        path, headers=recruiter.headers, json={"text": "anything", "idempotency_key": key}
    )
    assert replayed.status_code == 403, replayed.text
    # The candidate's own retry still returns the same turn.
    retried = client.post(
        path,
        headers=candidate.headers,
        json={"text": "I led the billing migration.", "idempotency_key": key},
    )
    assert retried.status_code == 200, retried.text
    assert retried.json()["answered_turn"]["id"] == turn_id


def test_a_core_task_refuses_a_turn_of_another_interview(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    mine = invite_and_start(client, recruiter, candidate, job_id)
    other_candidate = _another_candidate(client)
    theirs = invite_and_start(client, recruiter, other_candidate, job_id)
    mixed = TurnTask(
        interview_id=uuid.UUID(mine["interview"]["id"]),
        turn_id=uuid.UUID(theirs["current_turn"]["id"]),
    )
    # Nothing of either interview is read into a request: no work is sent for the pair.
    for task in (TaskName.TRANSCRIBE_TURN, TaskName.EVALUATE_TURN, TaskName.GENERATE_QUESTION):
        assert send(task, mixed).get(timeout=60) == "gone"
    assert send(TaskName.ANALYZE_FRAMES, mixed).get(timeout=60) == 0


def _another_candidate(client: TestClient) -> Party:
    user_id, email = _make_user(UserRole.CANDIDATE, None)
    return Party(user_id, email, login(client, email))
