"""Real rows for interview tests: an organisation, a recruiter, a candidate and a job."""

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from interview_core.accounts.models import Organisation, User, UserRole
from interview_core.auth.passwords import hash_password
from interview_core.db.engine import session_scope
from tests.support.answers import answer_typed

PASSWORD = "correct horse battery staple 42"


@dataclass
class Party:
    user_id: uuid.UUID
    email: str
    headers: dict[str, str]


def _make_user(role: UserRole, organisation_id: uuid.UUID | None) -> tuple[uuid.UUID, str]:
    email = f"{role.value}-{secrets.token_hex(4)}@example.com"
    with session_scope() as session:
        user = User(
            email=email,
            password_hash=hash_password(PASSWORD),
            full_name=f"Test {role.value}",
            role=role,
            organisation_id=organisation_id,
            is_active=True,
        )
        session.add(user)
        session.flush()
        return user.id, email


def login(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="session")
def question_bank(stack) -> None:  # type: ignore[no-untyped-def]
    from interview_core.retrieval.service import seed_question_bank

    with session_scope() as session:
        seed_question_bank(session)


@pytest.fixture
def organisation(stack) -> uuid.UUID:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        org = Organisation(name=f"Org {secrets.token_hex(3)}")
        session.add(org)
        session.flush()
        return org.id


@pytest.fixture
def recruiter(client: TestClient, organisation: uuid.UUID) -> Party:
    user_id, email = _make_user(UserRole.RECRUITER, organisation)
    return Party(user_id, email, login(client, email))


@pytest.fixture
def candidate(client: TestClient, stack) -> Party:  # type: ignore[no-untyped-def]
    user_id, email = _make_user(UserRole.CANDIDATE, None)
    return Party(user_id, email, login(client, email))


@pytest.fixture
def job_id(client: TestClient, recruiter: Party) -> str:
    response = client.post(
        "/api/v1/jobs",
        headers=recruiter.headers,
        json={
            "title": "Backend engineer",
            "description": "Build and operate Python web services with PostgreSQL and Redis. "
            "Own features end to end, review code and mentor juniors.",
            "language": "en",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def invite_and_accept(client: TestClient, recruiter: Party, candidate: Party, job_id: str) -> str:
    """The interview's id, invited by the recruiter and accepted by the candidate."""
    created = client.post(
        "/api/v1/interviews",
        headers=recruiter.headers,
        json={"job_id": job_id, "candidate_email": candidate.email},
    )
    assert created.status_code == 201, created.text
    accepted = client.post(
        "/api/v1/interviews/accept",
        headers=candidate.headers,
        json={"token": created.json()["invite_token"]},
    )
    assert accepted.status_code == 200, accepted.text
    return str(created.json()["interview"]["id"])


def invite_and_start(
    client: TestClient, recruiter: Party, candidate: Party, job_id: str, **consent: bool
) -> dict:  # type: ignore[type-arg]
    interview_id = invite_and_accept(client, recruiter, candidate, job_id)
    started = client.post(
        f"/api/v1/interviews/{interview_id}/start", headers=candidate.headers, json=consent
    )
    assert started.status_code == 200, started.text
    return started.json()  # type: ignore[no-any-return]


def wait_for_question(
    client: TestClient, candidate: Party, interview_id: str, wait_s: float = 60
) -> dict:  # type: ignore[type-arg]
    response = client.get(
        f"/api/v1/interviews/{interview_id}", headers=candidate.headers, params={"wait_s": wait_s}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def answer_until_probing_turn(interview_setup) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Answer up to the first stage that probes a competency (the intro probes none, so its
    turn is done without the evaluator ever running): that interview's id and turn's id."""
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id = state["interview"]["id"]
    while True:
        assert state["phase"] == "answering", state
        turn = state["current_turn"]
        answer_typed(
            client,
            candidate.headers,
            interview_id,
            turn["id"],
            "I ran Python services on PostgreSQL.",
        )
        if turn["competency"] is not None:
            return interview_id, turn["id"]
        state = wait_for_question(client, candidate, interview_id)


@pytest.fixture
def interview_setup(
    client, recruiter, candidate, job_id, question_bank, workers
) -> Iterator[tuple]:  # type: ignore[no-untyped-def, type-arg]
    yield client, recruiter, candidate, job_id
