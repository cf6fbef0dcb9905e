"""Datasets frozen from the feedback: what they hold (and do not), the JSONL export, versions,
who may make and read them, and that deleting the candidate removes their examples."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from interview_contracts.llm import EvaluationRequest
from interview_contracts.training import QuestionExample
from interview_core.audit.models import AuditEvent
from interview_core.db.engine import session_scope
from interview_core.errors import NotFound
from interview_core.feedback.models import QuestionFeedback, ScoreFeedback, TrainingExample
from interview_core.privacy.retention import enforce_retention
from tests.feedback.conftest import API, CANDIDATE_NAME, FeedbackWorld, Side
from tests.support.accounts import DEFAULT_PASSWORD

CONSENT = "legitimate interest: candidates were told their answers improve our interviews"
BETTER = "Which migration did you lead, and what did you measure?"


def _give_feedback(client: TestClient, side: Side) -> None:
    """Two approved questions (one reworded), one rejected without a better wording (not an
    example), a confirmed score and a corrected one."""
    calls: list[tuple[str, dict[str, Any]]] = [
        (f"{side.turn_path('skill')}/question-feedback", {"verdict": "good"}),
        (
            f"{side.turn_path('skill_followup')}/question-feedback",
            {"verdict": "not_for_us", "better_wording": BETTER},
        ),
        (f"{side.turn_path('communication')}/question-feedback", {"verdict": "not_for_us"}),
        (f"{side.turn_path('skill')}/score-feedback/job_skill", {"verdict": "confirmed"}),
        (
            f"{side.turn_path('communication')}/score-feedback/communication",
            {"verdict": "corrected", "corrected_score": 2},
        ),
    ]
    for path, body in calls:
        response = client.put(path, json=body, headers=side.owner_headers)
        assert response.status_code == 200, response.text


def _snapshot(client: TestClient, side: Side) -> dict[str, Any]:
    response = client.post(
        side.datasets_path, json={"consent_basis": CONSENT}, headers=side.owner_headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _export(client: TestClient, side: Side, dataset_id: str) -> list[dict[str, Any]]:
    response = client.get(
        f"{side.datasets_path}/{dataset_id}/export.jsonl", headers=side.owner_headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


def test_a_snapshot_holds_the_approved_examples_without_the_candidates_identity(
    client: TestClient, world: FeedbackWorld
) -> None:
    org1 = world.org1
    _give_feedback(client, org1)
    _give_feedback(client, world.org2)
    dataset = _snapshot(client, org1)
    assert dataset["version"] == 1
    assert (dataset["question_examples"], dataset["score_examples"]) == (2, 2)
    assert dataset["consent_basis"] == CONSENT
    assert dataset["examples_removed"] == 0

    response = client.get(
        f"{org1.datasets_path}/{dataset['id']}/export.jsonl", headers=org1.owner_headers
    )
    text = response.text
    lines = _export(client, org1, dataset["id"])
    assert [line["kind"] for line in lines] == ["question", "question", "score", "score"]
    assert {(line["dataset_version"], line["consent_basis"]) for line in lines} == {(1, CONSENT)}

    envelope = ("kind", "dataset_version", "consent_basis")
    questions = [
        QuestionExample.model_validate({k: v for k, v in line.items() if k not in envelope})
        for line in lines[:2]
    ]
    # Only organisation 1's turns, in stage order; the better wording replaces the question.
    assert [q.request.turn_id for q in questions] == [
        uuid.UUID(org1.turn("skill")),
        uuid.UUID(org1.turn("skill_followup")),
    ]
    assert [q.question for q in questions] == ["Tell me about it.", BETTER]
    for example in questions:
        assert example.request.deadline_at is None
        assert example.request.resume_excerpts == []
        assert example.request.job_title == org1.built.job.title
    # The answers the organisation holds are there, the candidate's identity is not.
    earlier = questions[0].request.previous_turns[0].answer
    assert "I build backend services" in earlier
    assert "[name]" in earlier and "[email]" in earlier
    for secret in (CANDIDATE_NAME, "Alex", "Morgan", org1.candidate.email):
        assert secret.lower() not in text.lower()

    scores = lines[2:]
    assert [(s["competency"], s["ai_score"], s["score"]) for s in scores] == [
        ("job_skill", 5, 5),
        ("communication", 4, 2),
    ]
    request = EvaluationRequest.model_validate(scores[0]["request"])
    assert request.turn_id == uuid.UUID(org1.turn("skill"))
    assert [c.key for c in request.competencies] == ["job_skill"]
    assert "PostgreSQL" in request.answer

    with session_scope() as session:
        exported = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "training_dataset.exported",
                AuditEvent.subject_id == dataset["id"],
            )
        ).all()
        assert [e.details["examples"] for e in exported] == [4, 4]
        assert exported[0].actor_id == org1.owner.id
        # What the trainer reads: the question examples, only for their organisation.
        # Imported here: it loads the core tasks, whose Celery app reads the settings once,
        # and the session's stack sets them after collection.
        from interview_core.feedback.service import question_examples

        stored, examples = question_examples(
            session, uuid.UUID(dataset["id"]), org1.organisation_id
        )
        assert stored.version == 1
        assert examples == questions
        with pytest.raises(NotFound):
            question_examples(session, uuid.UUID(dataset["id"]), world.org2.organisation_id)


def test_versions_count_up_per_organisation_and_are_listed_newest_first(
    client: TestClient, world: FeedbackWorld
) -> None:
    org1, org2 = world.org1, world.org2
    empty = client.post(
        org1.datasets_path, json={"consent_basis": CONSENT}, headers=org1.owner_headers
    )
    assert empty.status_code == 409
    assert empty.json()["code"] == "no-feedback-to-snapshot"
    short = client.post(
        org1.datasets_path, json={"consent_basis": "  ok  "}, headers=org1.owner_headers
    )
    assert short.status_code == 422
    assert short.json()["errors"][0]["loc"] == ["body", "consent_basis"]

    _give_feedback(client, org1)
    _give_feedback(client, org2)
    first, second = _snapshot(client, org1), _snapshot(client, org1)
    theirs = _snapshot(client, org2)
    assert (first["version"], second["version"], theirs["version"]) == (1, 2, 1)

    listed = client.get(org1.datasets_path, headers=org1.owner_headers)
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()] == [second["id"], first["id"]]
    one = client.get(f"{org1.datasets_path}/{first['id']}", headers=org1.owner_headers)
    assert one.json()["version"] == 1
    # Another organisation's dataset under one's own organisation is not found.
    crossed = client.get(f"{org1.datasets_path}/{theirs['id']}", headers=org1.owner_headers)
    assert crossed.status_code == 404
    assert crossed.json()["code"] == "dataset-not-found"


def test_only_the_owner_or_an_admin_manages_datasets(
    client: TestClient, world: FeedbackWorld
) -> None:
    org1 = world.org1
    _give_feedback(client, org1)
    dataset = _snapshot(client, org1)
    paths = [
        ("GET", org1.datasets_path),
        ("POST", org1.datasets_path),
        ("GET", f"{org1.datasets_path}/{dataset['id']}"),
        ("GET", f"{org1.datasets_path}/{dataset['id']}/export.jsonl"),
    ]
    for headers, expected in (
        (world.colleague_headers, 403),  # a recruiter of the organisation, not its owner
        (world.org2.owner_headers, 404),
        (org1.candidate_headers, 403),
        ({}, 401),
    ):
        for method, path in paths:
            body = {"consent_basis": CONSENT} if method == "POST" else None
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == expected, (method, path, response.text)


def _rows(interview_id: uuid.UUID) -> dict[str, int]:
    with session_scope() as session:
        return {
            model.__tablename__: session.scalar(
                select(func.count()).where(model.interview_id == interview_id)
            )
            or 0
            for model in (QuestionFeedback, ScoreFeedback, TrainingExample)
        }


def test_deleting_the_candidate_removes_their_feedback_and_examples(
    client: TestClient, world: FeedbackWorld
) -> None:
    org1, org2 = world.org1, world.org2
    _give_feedback(client, org1)
    _give_feedback(client, org2)
    dataset = _snapshot(client, org1)
    assert _rows(org1.built.interview.id) == {
        "question_feedback": 3,
        "score_feedback": 2,
        "training_examples": 4,
    }
    erased = client.request(
        "DELETE",
        f"{API}/me/data",
        headers=org1.candidate_headers,
        json={"current_password": DEFAULT_PASSWORD},
    )
    assert erased.status_code == 200, erased.text
    assert _rows(org1.built.interview.id) == dict.fromkeys(
        ("question_feedback", "score_feedback", "training_examples"), 0
    )
    # The dataset stays, says how many examples went, and exports the rest (none here).
    kept = client.get(f"{org1.datasets_path}/{dataset['id']}", headers=org1.owner_headers)
    assert kept.json()["examples_removed"] == 4
    assert _export(client, org1, dataset["id"]) == []
    # Another candidate's rows are untouched.
    assert _rows(org2.built.interview.id)["question_feedback"] == 3


def test_retention_of_answer_texts_removes_the_examples_quoting_them(
    client: TestClient, world: FeedbackWorld
) -> None:
    org1 = world.org1
    _give_feedback(client, org1)
    _snapshot(client, org1)
    # Answer texts are kept 365 days by default.
    counts = enforce_retention(org1.organisation_id, now=datetime.now(UTC) + timedelta(days=400))
    assert counts[org1.organisation_id].training_examples_deleted == 4
    assert _rows(org1.built.interview.id)["training_examples"] == 0
    # The verdicts are the organisation's record, like the report: they stay.
    assert _rows(org1.built.interview.id)["question_feedback"] == 3
