"""A PostgreSQL restart mid-interview: 503 while it is down, nothing lost after."""

from tests.interviews.conftest import invite_and_start, wait_for_question
from tests.support.answers import answer_typed


def test_requests_during_a_database_outage_get_503_and_the_interview_goes_on(
    interview_setup, stack
) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    answer = "Stored before the outage."
    answer_typed(client, candidate.headers, interview_id, turn_id, answer)
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
    answer_typed(
        client,
        candidate.headers,
        interview_id,
        state["current_turn"]["id"],
        "Answered after the restart.",
    )
