"""An admin, an organisation with its owner, and a short-scenario job, as real rows."""

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from interview_core.accounts.models import UserRole
from interview_core.db.engine import session_scope
from interview_core.interviews.models import Turn
from interview_core.modelops.models import ModelServing
from tests.support.accounts import make_organisation, make_user, signed_in_headers
from tests.support.answers import answer_typed

ANSWER = (
    "I led the move of our billing jobs to PostgreSQL: I profiled the slow queries, added "
    "indexes and batched the writes, and the nightly run fell from six hours to forty minutes."
)


@dataclass
class People:
    admin: dict[str, str]
    owner: dict[str, str]
    recruiter: dict[str, str]
    candidate_email: str
    candidate: dict[str, str]
    organisation_id: uuid.UUID


@pytest.fixture(scope="session")
def question_bank(stack) -> None:  # type: ignore[no-untyped-def]
    from interview_core.retrieval.service import seed_question_bank

    with session_scope() as session:
        seed_question_bank(session)


@pytest.fixture
def people(stack) -> People:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        organisation = make_organisation(session)
        owner = make_user(session, UserRole.RECRUITER, organisation)
        organisation.owner_id = owner.id
        recruiter = make_user(session, UserRole.RECRUITER, organisation)
        admin = make_user(session, UserRole.ADMIN, None)
        candidate = make_user(session, UserRole.CANDIDATE, None)
        session.flush()
        session.expunge_all()
    # Signed in once the rows are committed.
    return People(
        admin=signed_in_headers(admin),
        owner=signed_in_headers(owner),
        recruiter=signed_in_headers(recruiter),
        candidate_email=candidate.email,
        candidate=signed_in_headers(candidate),
        organisation_id=organisation.id,
    )


def short_job(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post(
        "/api/v1/jobs",
        headers=headers,
        json={
            "title": "Backend engineer",
            "description": "Build and operate Python web services with PostgreSQL and Redis.",
            "language": "en",
            "scenario_key": "short",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def start_interview(client: TestClient, people: People, job_id: str) -> dict:  # type: ignore[type-arg]
    created = client.post(
        "/api/v1/interviews",
        headers=people.owner,
        json={"job_id": job_id, "candidate_email": people.candidate_email},
    )
    assert created.status_code == 201, created.text
    accepted = client.post(
        "/api/v1/interviews/accept",
        headers=people.candidate,
        json={"token": created.json()["invite_token"]},
    )
    assert accepted.status_code == 200, accepted.text
    interview_id = created.json()["interview"]["id"]
    started = client.post(
        f"/api/v1/interviews/{interview_id}/start", headers=people.candidate, json={}
    )
    assert started.status_code == 200, started.text
    return started.json()  # type: ignore[no-any-return]


def next_state(client: TestClient, people: People, interview_id: str) -> dict:  # type: ignore[type-arg]
    response = client.get(
        f"/api/v1/interviews/{interview_id}", headers=people.candidate, params={"wait_s": 60}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def answer_current(client: TestClient, people: People, state: dict) -> dict:  # type: ignore[type-arg]
    interview_id = state["interview"]["id"]
    assert state["phase"] == "answering", state
    answer_typed(client, people.candidate, interview_id, state["current_turn"]["id"], ANSWER)
    return next_state(client, people, interview_id)


def turns_of(interview_id: str) -> list[Turn]:
    with session_scope() as session:
        return list(
            session.scalars(
                select(Turn)
                .where(Turn.interview_id == uuid.UUID(interview_id))
                .order_by(Turn.stage_index)
            )
        )


def wait_for_slot(
    client: TestClient, admin: dict[str, str], state: str, model_id: str | None, timeout_s: float
) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout_s
    while True:
        overview = client.get("/api/v1/admin/models", headers=admin)
        assert overview.status_code == 200, overview.text
        slot = overview.json()["questions"]
        if slot["state"] == state and slot["model_id"] == model_id:
            return overview.json()  # type: ignore[no-any-return]
        assert slot["last_error"] is None, slot
        assert time.monotonic() < deadline, slot
        time.sleep(1)


@pytest.fixture
def restore_question_model() -> Iterator[None]:
    """Whatever a test switched or unloaded, later tests get the configured model again: the
    slot's row is the only owner of that choice, and a worker loads what a request names."""
    yield
    with session_scope() as session:
        session.execute(delete(ModelServing))
