"""The résumé a candidate starts an interview with is named on the recruiter's report, and the
recruiter can read its text; an interview started without one says so (resume is null)."""

from fastapi.testclient import TestClient

from tests.interviews.conftest import Party, invite_and_accept

API = "/api/v1"
CV = "Jane Doe. Backend engineer: Python, PostgreSQL, Redis. Built billing and search services."


def _start(
    client: TestClient, candidate: Party, interview_id: str, body: dict[str, object]
) -> None:
    started = client.post(
        f"{API}/interviews/{interview_id}/start", headers=candidate.headers, json=body
    )
    assert started.status_code == 200, started.text


def _report(client: TestClient, recruiter: Party, interview_id: str) -> dict[str, object]:
    response = client.get(f"{API}/interviews/{interview_id}/report", headers=recruiter.headers)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_the_recruiter_sees_which_resume_the_interview_used(
    client: TestClient, recruiter: Party, candidate: Party, job_id: str, question_bank: None
) -> None:
    uploaded = client.post(
        f"{API}/resumes",
        headers=candidate.headers,
        files={"file": ("jane-doe.txt", CV.encode(), "text/plain")},
    )
    assert uploaded.status_code == 201, uploaded.text
    resume = uploaded.json()
    with_resume = invite_and_accept(client, recruiter, candidate, job_id)
    _start(client, candidate, with_resume, {"resume_id": resume["id"]})
    without_resume = invite_and_accept(client, recruiter, candidate, job_id)
    _start(client, candidate, without_resume, {})

    shown = _report(client, recruiter, with_resume)["resume"]
    assert shown == {
        "id": resume["id"],
        "filename": "jane-doe.txt",
        "content_type": "text/plain",
        "size_bytes": len(CV.encode()),
        "created_at": resume["created_at"],
    }
    # The report names the file; its text is read through the résumé route the report links.
    text = client.get(f"{API}/resumes/{resume['id']}", headers=recruiter.headers)
    assert text.status_code == 200, text.text
    assert text.json()["text"] == CV
    assert _report(client, recruiter, without_resume)["resume"] is None
