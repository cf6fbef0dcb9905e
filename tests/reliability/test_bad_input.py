"""Bad input is refused with problem+json, and odd but valid text comes back verbatim."""

from fastapi.testclient import TestClient

from interview_core.config import get_settings
from tests.interviews.conftest import Party, invite_and_start
from tests.support.answers import answer_typed

TRICKY_TEXT = "Ingénieur 数据 🚀 O'Brien \"; DROP TABLE jobs; -- %_ \\ \u200b"


def _job(client: TestClient, recruiter: Party, title: str) -> dict:  # type: ignore[type-arg]
    response = client.post(
        "/api/v1/jobs",
        headers=recruiter.headers,
        json={"title": title, "description": f"{TRICKY_TEXT} " * 5, "language": "en"},
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_malformed_json_is_a_problem(client: TestClient, recruiter: Party) -> None:
    response = client.post(
        "/api/v1/jobs",
        headers={**recruiter.headers, "Content-Type": "application/json"},
        content=b'{"title": "Backend", "description": ',
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "invalid-input"


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    client: TestClient, recruiter: Party
) -> None:
    limit = get_settings().max_request_bytes
    response = client.post(
        "/api/v1/jobs",
        headers={**recruiter.headers, "Content-Type": "application/json"},
        content=b'{"title": "' + b"x" * limit + b'"}',
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "request-too-large"
    assert "Content-Security-Policy" in response.headers


def test_a_streamed_body_over_the_limit_is_cut_off(client: TestClient, recruiter: Party) -> None:
    limit = get_settings().max_request_bytes
    chunk = b"x" * (1024 * 1024)

    def body():  # type: ignore[no-untyped-def]
        yield b'{"title": "'
        for _ in range(limit // len(chunk) + 1):
            yield chunk
        yield b'"}'

    response = client.post(
        "/api/v1/jobs",
        headers={**recruiter.headers, "Content-Type": "application/json"},
        content=body(),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request-too-large"


def test_unicode_and_sql_metacharacters_are_stored_verbatim(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, _ = interview_setup
    job = _job(client, recruiter, TRICKY_TEXT)
    read = client.get(f"/api/v1/jobs/{job['id']}", headers=recruiter.headers)
    assert read.json()["title"] == TRICKY_TEXT
    state = invite_and_start(client, recruiter, candidate, job["id"])
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    answer = f"{TRICKY_TEXT}\nSELECT * FROM users WHERE '1'='1'; <b>bold</b>"
    answer_typed(client, candidate.headers, interview_id, turn_id, answer)
    turns = client.get(f"/api/v1/interviews/{interview_id}/turns", headers=candidate.headers)
    assert turns.json()[0]["answer_text"] == answer


def test_a_resume_filename_with_path_traversal_is_kept_as_a_safe_base_name(
    client: TestClient, candidate: Party
) -> None:
    response = client.post(
        "/api/v1/resumes",
        headers=candidate.headers,
        files={"file": ("../../etc/cron.d/../passwd;rm -rf.txt", b"Python engineer, 5 years.")},
    )
    assert response.status_code == 201, response.text
    filename = response.json()["filename"]
    assert filename == "passwd_rm -rf.txt"
    assert "/" not in filename and ".." not in filename.replace(".txt", "")


def test_html_in_a_job_title_comes_back_as_data(client: TestClient, recruiter: Party) -> None:
    title = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    job = _job(client, recruiter, title)
    response = client.get(f"/api/v1/jobs/{job['id']}", headers=recruiter.headers)
    assert response.headers["content-type"] == "application/json"
    assert response.json()["title"] == title
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
