"""The recruiters' interview list carries what they triage by (the candidate's name, progress,
the report's score and recommendation as the report shows them, the decision in force), and
filters by job; a candidate's own list has none of the report's judgement."""

import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from interview_core.db.engine import session_scope
from interview_core.interviews.models import InterviewStatus, ProcessingStatus
from interview_core.interviews.schemas import InterviewRead
from interview_core.reports.assembly import ASSEMBLY_VERSION
from interview_core.reports.models import Report
from interview_core.reports.service import store_report
from tests.reports.builders import (
    INTRO_ANSWER,
    SKILL_ANSWER,
    Answer,
    Built,
    Run,
    build,
    make_job,
    persist,
)
from tests.reports.conftest import ReportWorld

API = "/api/v1"
JUDGEMENT = {"weighted_score", "recommendation", "decision", "report_status", "candidate_name"}


@dataclass
class ListWorld:
    world: ReportWorld
    # Scored from a configuration that did not meet the validity benchmark; no account yet.
    unvalidated: Built
    # Half answered, no report yet.
    in_progress: Built


@pytest.fixture
def list_world(report_world: ReportWorld) -> ListWorld:
    organisation_id = report_world.organisation.id
    other_job = make_job(organisation_id, title="Data engineer")
    unvalidated = build(
        [
            Answer("intro", INTRO_ANSWER),
            Answer(
                "skill",
                SKILL_ANSWER,
                {"job_skill": [Run(4, ["I profiled the slow queries"], validated=False)]},
            ),
        ],
        organisation_id=organisation_id,
        job=other_job,
        candidate_email=f"no-account-{uuid.uuid4().hex[:8]}@example.test",
    )
    in_progress = build(
        [
            Answer("intro", INTRO_ANSWER),
            Answer("skill", None, evaluation_status=ProcessingStatus.NOT_NEEDED),
        ],
        organisation_id=organisation_id,
        job=report_world.built.job,
        candidate_id=report_world.other_candidate.id,
        candidate_email=report_world.other_candidate.email,
        status=InterviewStatus.IN_PROGRESS,
    )
    with session_scope() as session:
        persist(session, unvalidated)
        persist(session, in_progress)
        store_report(session, report_world.built.interview.id)
        store_report(session, unvalidated.interview.id)
    return ListWorld(report_world, unvalidated, in_progress)


def _rows(client: TestClient, headers: dict[str, str], **params: str) -> dict[str, dict]:  # type: ignore[type-arg]
    response = client.get(f"{API}/interviews", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return {row["id"]: row for row in response.json()}


def test_recruiters_see_name_progress_score_recommendation_and_decision(
    client: TestClient, list_world: ListWorld
) -> None:
    world = list_world.world
    decided = client.post(
        f"{API}/interviews/{world.interview_id}/report/decision",
        headers=world.recruiter_headers,
        json={"decision": "hold", "note": "Second round first."},
    )
    assert decided.status_code == 200, decided.text
    report = client.get(
        f"{API}/interviews/{world.interview_id}/report", headers=world.recruiter_headers
    )
    content = report.json()["content"]
    assert content["weighted_score"] is not None and content["recommendation"] is not None

    rows = _rows(client, world.recruiter_headers)
    scored = rows[world.interview_id]
    assert scored["candidate_name"] == world.candidate.full_name
    assert scored["candidate_email"] == world.candidate.email
    assert (scored["answered_stages"], scored["stage_count"]) == (4, 4)
    assert scored["report_status"] == "ready"
    # The report's own figures, not ones computed again for the list.
    assert scored["weighted_score"] == content["weighted_score"]
    assert scored["recommendation"] == content["recommendation"]
    # The recruiter's decision sits beside the recommendation, never over it.
    assert scored["decision"] == "hold"

    unvalidated = rows[str(list_world.unvalidated.interview.id)]
    assert unvalidated["candidate_name"] is None  # nobody has accepted the invite
    assert unvalidated["report_status"] == "ready"
    assert unvalidated["weighted_score"] is None
    assert unvalidated["recommendation"] is None
    assert unvalidated["decision"] is None

    in_progress = rows[str(list_world.in_progress.interview.id)]
    assert in_progress["candidate_name"] == world.other_candidate.full_name
    assert (in_progress["answered_stages"], in_progress["stage_count"]) == (1, 2)
    assert in_progress["report_status"] is None
    assert in_progress["weighted_score"] is None and in_progress["recommendation"] is None


def test_a_report_stored_by_older_rules_shows_no_number_the_current_rules_hide(
    client: TestClient, list_world: ListWorld
) -> None:
    """A report stored before the validity gate may hold a score and recommendation from an
    unvalidated configuration: the list assembles it again, as opening it would."""
    interview_id = list_world.unvalidated.interview.id
    with session_scope() as session:
        report = session.query(Report).filter_by(interview_id=interview_id).one()
        stale_content = {**(report.content or {}), "weighted_score": 4.2}
        session.execute(
            update(Report)
            .where(Report.id == report.id)
            .values(
                content=stale_content,
                recommendation="advance",
                assembly_version=ASSEMBLY_VERSION - 1,
            )
        )
    row = _rows(client, list_world.world.recruiter_headers)[str(interview_id)]
    assert row["weighted_score"] is None
    assert row["recommendation"] is None


def test_the_list_filters_by_job(client: TestClient, list_world: ListWorld) -> None:
    world = list_world.world
    other_job = str(list_world.unvalidated.job.id)
    assert set(_rows(client, world.recruiter_headers, job_id=other_job)) == {
        str(list_world.unvalidated.interview.id)
    }
    first_job = str(world.built.job.id)
    assert set(_rows(client, world.recruiter_headers, job_id=first_job)) == {
        world.interview_id,
        str(list_world.in_progress.interview.id),
    }


def test_a_candidates_list_has_no_score_recommendation_or_decision(
    client: TestClient, list_world: ListWorld
) -> None:
    world = list_world.world
    client.post(
        f"{API}/interviews/{world.interview_id}/report/decision",
        headers=world.recruiter_headers,
        json={"decision": "advance"},
    )
    rows = _rows(client, world.candidate_headers)
    assert set(rows) == {world.interview_id}
    row = rows[world.interview_id]
    # Exactly the candidate's InterviewRead, as before: none of the recruiters' judgement.
    assert set(row) == set(InterviewRead.model_fields)
    assert not JUDGEMENT & set(row)
