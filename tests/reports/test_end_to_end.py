"""A short interview through the API with the real workers: completing it dispatches the report
task, which waits for the evaluations and stores a report whose quotes are the candidate's."""

import time
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from interview_core.accounts.models import UserRole
from interview_core.db.engine import session_scope
from interview_core.interviews.models import Turn
from interview_core.reports.models import Report, ReportStatus
from interview_core.reports.schemas import ReportContent
from interview_core.retrieval.service import seed_question_bank
from tests.support.accounts import make_organisation, make_user, signed_in_headers
from tests.support.answers import answer_typed

API = "/api/v1"
ANSWER = (
    "In my last role I led the migration of our billing service to PostgreSQL. "
    "Nightly jobs took six hours, so I profiled the queries, added indexes and batched "
    "writes, and the run fell to forty minutes. I learned to measure before changing anything."
)


def test_completed_interview_gets_a_report_with_verbatim_evidence(
    client: TestClient, workers: object
) -> None:
    with session_scope() as session:
        seed_question_bank(session)
        organisation = make_organisation(session)
        recruiter = make_user(session, UserRole.RECRUITER, organisation)
        candidate = make_user(session, UserRole.CANDIDATE)
    recruiter_headers, candidate_headers = (
        signed_in_headers(recruiter),
        signed_in_headers(candidate),
    )
    job = client.post(
        f"{API}/jobs",
        headers=recruiter_headers,
        json={
            "title": "Backend engineer",
            "description": "Build Python services on PostgreSQL.",
            "scenario_key": "short",
        },
    )
    assert job.status_code == 201, job.text
    created = client.post(
        f"{API}/interviews",
        headers=recruiter_headers,
        json={"job_id": job.json()["id"], "candidate_email": candidate.email},
    ).json()
    interview_id = created["interview"]["id"]
    client.post(
        f"{API}/interviews/accept",
        headers=candidate_headers,
        json={"token": created["invite_token"]},
    )
    started = client.post(
        f"{API}/interviews/{interview_id}/start", headers=candidate_headers, json={}
    )
    assert started.status_code == 200, started.text
    for index in range(5):
        state = client.get(
            f"{API}/interviews/{interview_id}", headers=candidate_headers, params={"wait_s": 60}
        ).json()
        assert state["phase"] == "answering", state
        turn_id = state["current_turn"]["id"]
        answer_typed(client, candidate_headers, interview_id, turn_id, f"{ANSWER} (stage {index})")

    interview_uuid = uuid.UUID(interview_id)
    deadline = time.monotonic() + 240
    report: Report | None = None
    while time.monotonic() < deadline:
        with session_scope() as session:
            report = session.scalar(select(Report).where(Report.interview_id == interview_uuid))
            if report is not None and report.status == ReportStatus.READY:
                break
        time.sleep(1)
    assert report is not None and report.status == ReportStatus.READY, report
    content = ReportContent.model_validate(report.content)
    with session_scope() as session:
        answers = {
            turn.id: turn.answer_text
            for turn in session.scalars(select(Turn).where(Turn.interview_id == interview_uuid))
        }
    assert content.missing == []
    # The short scenario probes three competencies; intro and final statement probe none.
    probed = {c.key for c in content.competencies if c.probed}
    assert probed == {"job_skill", "experience", "problem_solving"}
    assert {c.key for c in content.competencies if c.state == "not_probed"} == {
        "communication",
        "responsibility",
        "growth",
    }
    judged = [c for c in content.competencies if c.answers]
    assert {c.key for c in judged} == probed
    for competency in judged:
        for answer in competency.answers:
            for quote in answer.evidence:
                assert quote in (answers[answer.turn_id] or "")
        for evidence in competency.evidence:
            assert evidence.quote in (answers[evidence.turn_id] or "")
    # Numbers and a recommendation only from a validated configuration; said plainly if not.
    assert content.scoring.state in {"validated", "not_validated"}
    if content.scoring.state == "not_validated":
        assert content.recommendation is None and content.weighted_score is None
        assert all(c.score is None for c in content.competencies)
    else:
        assert content.recommendation is not None
    assert content.scoring.statement
    assert content.provenance.evaluators and content.provenance.model_ids
    assert content.provenance.scenario_key == "short"
    assert report.recommendation == content.recommendation
