"""The interview invite link carries its token in the fragment, which browsers never send: it
stays out of access logs, proxies and Referer headers, as recruiter invites already do."""

from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from interview_core.config import get_settings
from tests.interviews.conftest import Party


def test_the_invite_token_travels_in_the_fragment(
    client: TestClient, recruiter: Party, job_id: str
) -> None:
    created = client.post(
        "/api/v1/interviews",
        headers=recruiter.headers,
        json={"job_id": job_id, "candidate_email": "fragment@example.com"},
    )
    assert created.status_code == 201, created.text
    token, url = created.json()["invite_token"], created.json()["invite_url"]
    parts = urlsplit(url)
    assert url.startswith(get_settings().public_base_url.rstrip("/"))
    assert parts.path == "/invite/interview" and not parts.query
    assert parts.fragment == f"token={token}"
