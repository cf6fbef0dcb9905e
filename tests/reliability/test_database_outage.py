"""A PostgreSQL restart mid-interview: 503 while it is down, nothing lost after."""

import uuid

from tests.interviews.conftest import invite_and_start, wait_for_question


def test_requests_during_a_database_outage_get_503_and_the_interview_goes_on(
    interview_setup, stack
) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    answer = "Stored before the outage."
    answered = client.post(
        f"/api/v1/interviews/{interview_id}/turns/{turn_id}/answer",
        headers=candidate.headers,
        json={"text": answer, "idempotency_key": uuid.uuid4().hex},
    )
    assert answered.status_code == 200
    stack.postgres.stop()
    try:
        during = client.get(f"/api/v1/interviews/{interview_id}", headers=candidate.headers)
    finally:
        stack.postgres.start()
    assert during.status_code == 503
    assert during.headers["content-type"].startswith("application/problem+json")
    assert during.json()["code"] == "database-unavailable"
    assert int(during.headers["Retry-After"]) > 0

    state = wait_for_question(client, candidate, interview_id)
    assert state["phase"] == "answering"
    assert state["current_turn"]["stage_index"] == 1
    turns = client.get(f"/api/v1/interviews/{interview_id}/turns", headers=candidate.headers)
    assert turns.json()[0]["answer_text"] == answer
    following = client.post(
        f"/api/v1/interviews/{interview_id}/turns/{state['current_turn']['id']}/answer",
        headers=candidate.headers,
        json={"text": "Answered after the restart.", "idempotency_key": uuid.uuid4().hex},
    )
    assert following.status_code == 200, following.text
