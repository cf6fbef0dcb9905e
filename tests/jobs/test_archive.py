"""Archiving a job: it stays readable with its interviews, new invites are refused until it is
restored, and archiving twice keeps the first date."""

from fastapi.testclient import TestClient

API = "/api/v1"
JOB = {"title": "Backend engineer", "description": "Build services.", "language": "en"}


def test_an_archived_job_takes_no_new_invites_until_restored(
    client: TestClient, recruiter_headers: dict[str, str]
) -> None:
    job = client.post(f"{API}/jobs", headers=recruiter_headers, json=JOB).json()
    assert job["archived_at"] is None
    invite = {"job_id": job["id"], "candidate_email": "before@example.com"}
    assert (
        client.post(f"{API}/interviews", headers=recruiter_headers, json=invite).status_code == 201
    )

    archived = client.patch(
        f"{API}/jobs/{job['id']}", headers=recruiter_headers, json={"archived": True}
    )
    assert archived.status_code == 200, archived.text
    archived_at = archived.json()["archived_at"]
    assert archived_at is not None
    # Still listed and readable, so the interviews already made keep their job.
    listed = client.get(f"{API}/jobs", headers=recruiter_headers).json()
    assert [j["archived_at"] for j in listed if j["id"] == job["id"]] == [archived_at]

    refused = client.post(
        f"{API}/interviews",
        headers=recruiter_headers,
        json={**invite, "candidate_email": "after@example.com"},
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "job-archived"

    again = client.patch(
        f"{API}/jobs/{job['id']}", headers=recruiter_headers, json={"archived": True}
    )
    assert again.json()["archived_at"] == archived_at

    restored = client.patch(
        f"{API}/jobs/{job['id']}", headers=recruiter_headers, json={"archived": False}
    )
    assert restored.json()["archived_at"] is None
    assert (
        client.post(f"{API}/interviews", headers=recruiter_headers, json=invite).status_code == 201
    )


def test_archived_null_is_refused(client: TestClient, recruiter_headers: dict[str, str]) -> None:
    job = client.post(f"{API}/jobs", headers=recruiter_headers, json=JOB).json()
    response = client.patch(
        f"{API}/jobs/{job['id']}", headers=recruiter_headers, json={"archived": None}
    )
    assert response.status_code == 422, response.text
