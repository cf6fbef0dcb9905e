"""The audit log names each event's subject (the candidate of a report, a user's or invite's
address, a job's title) so the admin page need not show raw ids, and never names another
organisation's rows to a recruiter."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from interview_core.accounts.models import UserRole
from interview_core.audit.service import record_audit
from interview_core.db.engine import get_engine, session_scope
from tests.reports.conftest import ReportWorld
from tests.support.accounts import make_organisation, make_user, signed_in_headers

API = "/api/v1"


@contextmanager
def _statements() -> Iterator[list[str]]:
    """The SQL the API sends meanwhile (the test client runs the app in this process)."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(str(args[2]))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _labels(client: TestClient, headers: dict[str, str], action: str) -> list[tuple[str, Any]]:
    response = client.get(f"{API}/audit", headers=headers, params={"action": action})
    assert response.status_code == 200, response.text
    labels = [(e["subject_type"], e["subject_label"]) for e in response.json()]
    return sorted(labels, key=lambda label: (label[0], label[1] or ""))


def test_subjects_are_named_for_readers_of_their_organisation_only(
    client: TestClient, report_world: ReportWorld
) -> None:
    viewed = client.get(
        f"{API}/interviews/{report_world.interview_id}/report",
        headers=report_world.recruiter_headers,
    )
    assert viewed.status_code == 200, viewed.text
    report_id = viewed.json()["id"]
    own, other = f"test.own-{uuid.uuid4().hex}", f"test.other-{uuid.uuid4().hex}"
    with session_scope() as session:
        other_org = make_organisation(session)
        other_recruiter = make_user(session, UserRole.RECRUITER, other_org)
        admin = make_user(session, UserRole.ADMIN)
        organisation_id = report_world.organisation.id
        for subject_type, subject_id in [
            ("report", report_id),
            ("report", report_id),
            ("user", report_world.candidate.id),  # interviewed by this organisation
            ("user", report_world.other_candidate.id),  # not interviewed here
            ("job", report_world.built.job.id),
            ("organisation", organisation_id),
            ("report", uuid.uuid4()),  # gone since: nothing to name
        ]:
            record_audit(session, None, own, subject_type, subject_id, organisation_id)
        # Another organisation's events naming this organisation's rows: their readers must
        # not learn whose report, or which job, it was.
        for subject_type, subject_id in [
            ("report", report_id),
            ("user", report_world.candidate.id),
            ("job", report_world.built.job.id),
            ("organisation", organisation_id),
        ]:
            record_audit(session, None, other, subject_type, subject_id, other_org.id)

    candidate_email = report_world.candidate.email
    job_title = report_world.built.job.title
    organisation_name = report_world.organisation.name
    with _statements() as sent:
        own_labels = _labels(client, report_world.recruiter_headers, own)
    assert own_labels == [
        ("job", job_title),
        ("organisation", organisation_name),
        ("report", None),
        ("report", candidate_email),
        ("report", candidate_email),
        ("user", None),
        ("user", candidate_email),
    ]
    # The reports' names come from one query for the page, not one per event.
    assert len([sql for sql in sent if "FROM reports" in sql]) == 1

    other_headers = signed_in_headers(other_recruiter)
    assert _labels(client, other_headers, own) == []
    assert _labels(client, other_headers, other) == [
        ("job", None),
        ("organisation", None),
        ("report", None),
        ("user", None),
    ]
    # An admin reads every organisation's events, each subject named.
    admin_headers = signed_in_headers(admin)
    assert _labels(client, admin_headers, other) == [
        ("job", job_title),
        ("organisation", organisation_name),
        ("report", candidate_email),
        ("user", candidate_email),
    ]
    assert ("user", report_world.other_candidate.email) in _labels(client, admin_headers, own)
