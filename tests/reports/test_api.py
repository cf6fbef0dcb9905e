"""Reports through the API on stored rows: view, decide, share, export (PDF and CSV), audit."""

import csv
import io
import re
import uuid

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from interview_core.audit.models import AuditEvent
from interview_core.db.engine import session_scope
from interview_core.interviews.models import ProcessingStatus
from interview_core.reports.assembly import ASSEMBLY_VERSION
from interview_core.reports.models import Report
from interview_core.reports.service import store_report
from tests.reports.builders import SKILL_ANSWER, Answer, build, persist, strong_interview
from tests.reports.conftest import ReportWorld

API = "/api/v1"


def _audit(subject_id: str, action: str) -> list[AuditEvent]:
    with session_scope() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(
                    AuditEvent.subject_id == subject_id, AuditEvent.action == action
                )
            )
        )


def test_report_is_assembled_on_demand_and_viewing_is_audited(
    client: TestClient, report_world: ReportWorld
) -> None:
    response = client.get(
        f"{API}/interviews/{report_world.interview_id}/report",
        headers=report_world.recruiter_headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    content = body["content"]
    assert content["recommendation"] == "advance"
    answers = {str(t.id): t.answer_text or "" for t in report_world.built.turns}
    for competency in content["competencies"]:
        for quote in competency["evidence"]:
            assert quote["quote"] in answers[quote["turn_id"]]
    views = _audit(body["id"], "report.viewed")
    assert [v.actor_id for v in views] == [report_world.recruiter.id]


def test_decisions_are_kept_latest_wins_and_audited(
    client: TestClient, report_world: ReportWorld
) -> None:
    path = f"{API}/interviews/{report_world.interview_id}/report/decision"
    first = client.post(
        path,
        headers=report_world.recruiter_headers,
        json={"decision": "hold", "note": "Check references first."},
    )
    assert first.status_code == 200, first.text
    second = client.post(
        path,
        headers=report_world.recruiter_headers,
        json={"decision": "advance", "note": "References fine."},
    )
    body = second.json()
    assert body["decision"]["decision"] == "advance"
    assert body["decision"]["decided_by_email"] == report_world.recruiter.email
    assert [d["decision"] for d in body["decision_history"]] == ["advance", "hold"]
    # The recommendation stays the AI's; the decision sits beside it.
    assert body["content"]["recommendation"] == "advance"
    decided = _audit(body["id"], "report.decided")
    assert sorted(str(e.details["decision"]) for e in decided) == ["advance", "hold"]
    assert {e.actor_email for e in decided} == {report_world.recruiter.email}
    invalid = client.post(path, headers=report_world.recruiter_headers, json={"decision": "maybe"})
    assert invalid.status_code == 422


def test_candidate_summary_only_when_shared_and_without_internal_notes(
    client: TestClient, report_world: ReportWorld
) -> None:
    path = f"{API}/interviews/{report_world.interview_id}/summary"
    assert client.get(path, headers=report_world.candidate_headers).status_code == 404
    note = "Internal: salary expectations too high."
    shared = client.post(
        f"{API}/interviews/{report_world.interview_id}/report/decision",
        headers=report_world.recruiter_headers,
        json={"decision": "hold", "note": note, "share_candidate_summary": True},
    )
    assert shared.json()["share_candidate_summary"] is True
    response = client.get(path, headers=report_world.candidate_headers)
    assert response.status_code == 200, response.text
    assert [c["name"] for c in response.json()["criteria"]] == ["직무 역량", "Communication"]
    for hidden in (note, "hold", "recommendation", "Scored from the quoted words."):
        assert hidden not in response.text
    assert client.get(path, headers=report_world.other_candidate_headers).status_code == 404
    assert client.get(path, headers=report_world.recruiter_headers).status_code == 403


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_renders_korean_and_its_text_matches_the_report(
    client: TestClient, report_world: ReportWorld
) -> None:
    response = client.get(
        f"{API}/interviews/{report_world.interview_id}/report.pdf",
        headers=report_world.recruiter_headers,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = _normalise(text)
    report = client.get(
        f"{API}/interviews/{report_world.interview_id}/report",
        headers=report_world.recruiter_headers,
    ).json()
    content = report["content"]
    expected = [
        "면접 보고서",
        content["job_title"],
        "직무 역량",
        content["recommendation_reason"],
        content["candidate_email"],
        f"{content['weighted_score']:.2f}",
        *[q["quote"] for c in content["competencies"] for q in c["evidence"]],
        content["provenance"]["rubric_version"],
    ]
    for fragment in expected:
        assert _normalise(fragment) in flat, fragment
    exports = _audit(report["id"], "report.exported")
    assert [e.details["format"] for e in exports] == ["pdf"]


def test_job_csv_has_one_row_per_interview_with_matching_columns(
    client: TestClient, report_world: ReportWorld
) -> None:
    job = report_world.built.job
    with session_scope() as session:
        pending = build(
            [Answer("skill", SKILL_ANSWER, evaluation_status=ProcessingStatus.PENDING)],
            organisation_id=report_world.organisation.id,
            job=job,
            candidate_email="second@example.test",
        )
        persist(session, pending)
    viewed = client.get(
        f"{API}/interviews/{report_world.interview_id}/report",
        headers=report_world.recruiter_headers,
    ).json()
    client.post(
        f"{API}/interviews/{report_world.interview_id}/report/decision",
        headers=report_world.recruiter_headers,
        json={"decision": "advance"},
    )
    response = client.get(f"{API}/jobs/{job.id}/report.csv", headers=report_world.recruiter_headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.text))
    assert reader.fieldnames == [
        "interview_id",
        "candidate_email",
        "interview_status",
        "report_status",
        "job_skill",
        "communication",
        "weighted_score",
        "recommendation",
        "decision",
        "decided_by",
        "decided_at",
    ]
    rows = {row["interview_id"]: row for row in reader}
    assert set(rows) == {report_world.interview_id, str(pending.interview.id)}
    row = rows[report_world.interview_id]
    scores = {c["key"]: c["score"] for c in viewed["content"]["competencies"]}
    assert float(row["job_skill"]) == scores["job_skill"]
    assert float(row["communication"]) == scores["communication"]
    assert float(row["weighted_score"]) == viewed["content"]["weighted_score"]
    assert row["recommendation"] == "advance" and row["decision"] == "advance"
    assert row["decided_by"] == report_world.recruiter.email
    unreported = rows[str(pending.interview.id)]
    assert unreported["report_status"] == "none" and unreported["job_skill"] == ""
    assert [e.details["format"] for e in _audit(str(job.id), "report.exported")] == ["csv"]


def test_regenerate_picks_up_new_evaluations(client: TestClient, report_world: ReportWorld) -> None:
    with session_scope() as session:
        built = build(
            [Answer("skill", SKILL_ANSWER, evaluation_status=ProcessingStatus.PENDING)],
            organisation_id=report_world.organisation.id,
        )
        persist(session, built)
    path = f"{API}/interviews/{built.interview.id}/report"
    first = client.get(path, headers=report_world.recruiter_headers).json()
    assert first["status"] == "pending"
    assert [m["part"] for m in first["content"]["missing"]] == ["evaluation_pending"]
    with session_scope() as session:
        from interview_core.interviews.models import Turn, TurnEvaluation

        turn = session.get_one(Turn, built.turns[0].id)
        turn.evaluation_status = ProcessingStatus.DONE
        session.add(
            TurnEvaluation(
                id=uuid.uuid4(),
                turn_id=turn.id,
                run_index=0,
                competency="job_skill",
                score=2,
                evidence=["I profiled the slow queries"],
                rationale="r",
                evaluator="llm",
                model_id="test/evaluator-v1",
            )
        )
    again = client.post(f"{path}/regenerate", headers=report_world.recruiter_headers).json()
    assert again["status"] == "ready" and again["content"]["missing"] == []
    assert again["id"] == first["id"]
    with session_scope() as session:
        stored = session.scalars(
            select(Report).where(Report.interview_id == built.interview.id)
        ).one()
        assert stored.recommendation == again["content"]["recommendation"]
        assert stored.rubric_version == again["content"]["provenance"]["rubric_version"]


def test_an_unvalidated_configuration_shows_no_numbers_in_any_export(
    client: TestClient, report_world: ReportWorld
) -> None:
    with session_scope() as session:
        built = strong_interview(organisation_id=report_world.organisation.id, language="en")
        for evaluation in built.evaluations:
            evaluation.validated = False
        persist(session, built)
    headers = report_world.recruiter_headers
    path = f"{API}/interviews/{built.interview.id}/report"
    content = client.get(path, headers=headers).json()["content"]
    assert content["scoring"]["state"] == "not_validated"
    assert content["recommendation"] is None and content["weighted_score"] is None
    assert {c["state"] for c in content["competencies"]} == {"not_validated"}
    assert all(c["score"] is None and c["evidence"] for c in content["competencies"])
    with session_scope() as session:
        stored = session.scalars(
            select(Report).where(Report.interview_id == built.interview.id)
        ).one()
        assert stored.recommendation is None
    pdf = client.get(f"{path}.pdf", headers=headers)
    assert pdf.status_code == 200, pdf.text
    flat = _normalise(
        "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    )
    for fragment in (
        "No recommendation",
        content["scoring"]["statement"],
        "Specific example: yes — “I profiled the slow queries” (skill)",
    ):
        assert _normalise(fragment) in flat, fragment
    decided = client.post(f"{path}/decision", headers=headers, json={"decision": "advance"})
    assert decided.status_code == 200 and decided.json()["decision"]["decision"] == "advance"
    rows = csv.DictReader(
        io.StringIO(client.get(f"{API}/jobs/{built.job.id}/report.csv", headers=headers).text)
    )
    (row,) = list(rows)
    assert row["recommendation"] == "" and row["weighted_score"] == ""
    assert row["job_skill"] == "" and row["decision"] == "advance"


def test_a_report_stored_by_older_rules_is_assembled_again_when_read(
    client: TestClient, report_world: ReportWorld
) -> None:
    with session_scope() as session:
        report = store_report(session, report_world.built.interview.id)
        # What assembly version 1 stored: no scoring block, states or checks.
        report.content = {"weighted_score": 4.0, "recommendation": "advance"}
        report.assembly_version = 1
    body = client.get(
        f"{API}/interviews/{report_world.interview_id}/report",
        headers=report_world.recruiter_headers,
    ).json()
    assert body["content"]["provenance"]["assembly_version"] == ASSEMBLY_VERSION
    assert body["content"]["scoring"]["state"] == "validated"
