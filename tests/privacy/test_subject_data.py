"""A candidate exports and erases their own data through the real API."""

from sqlalchemy import func, select

from interview_core.accounts.models import User, UserRole
from interview_core.audit.models import AuditEvent
from interview_core.db.engine import session_scope
from interview_core.interviews.models import Interview, Resume, Turn, VideoFrame
from interview_core.reports.models import Report
from interview_core.retrieval.models import DocumentChunk
from tests.privacy.builders import (
    FRAMES_PER_TURN,
    RecordedInterview,
    make_organisation_with_recruiter,
    record_interview,
)
from tests.support.accounts import DEFAULT_PASSWORD, auth_headers, make_user

ME_DATA = "/api/v1/me/data"


def _two_candidates() -> tuple[RecordedInterview, RecordedInterview, User]:
    organisation_id, recruiter = make_organisation_with_recruiter()
    with session_scope() as session:
        candidate = make_user(session, UserRole.CANDIDATE)
    mine = record_interview(organisation_id, recruiter, candidate=candidate)
    theirs = record_interview(organisation_id, recruiter)
    return mine, theirs, recruiter


def _rows_of(recorded: RecordedInterview) -> dict[str, int]:
    with session_scope() as session:
        return {
            "users": session.scalar(select(func.count()).where(User.id == recorded.candidate_id)),
            "interviews": session.scalar(
                select(func.count()).where(Interview.id == recorded.interview_id)
            ),
            "turns": session.scalar(
                select(func.count()).where(Turn.interview_id == recorded.interview_id)
            ),
            "frames": session.scalar(
                select(func.count()).where(VideoFrame.interview_id == recorded.interview_id)
            ),
            "resumes": session.scalar(
                select(func.count()).where(Resume.candidate_id == recorded.candidate_id)
            ),
            "chunks": session.scalar(
                select(func.count()).where(DocumentChunk.owner_id == recorded.resume_id)
            ),
            "reports": session.scalar(
                select(func.count()).where(Report.interview_id == recorded.interview_id)
            ),
        }


def test_export_holds_the_candidates_data_and_no_one_elses(client) -> None:  # type: ignore[no-untyped-def]
    mine, theirs, recruiter = _two_candidates()
    with session_scope() as session:
        candidate = session.get_one(User, mine.candidate_id)
    response = client.get(ME_DATA, headers=auth_headers(client, candidate))
    assert response.status_code == 200, response.text
    export = response.json()
    assert export["profile"]["email"] == mine.candidate_email
    assert [i["id"] for i in export["interviews"]] == [str(mine.interview_id)]
    interview = export["interviews"][0]
    assert interview["consent"] == {"audio": True, "video": True, "emotion": False}
    first_turn = interview["turns"][0]
    assert first_turn["answer_text"] == "I led the migration of our billing service."
    assert first_turn["transcript"]["text"] == first_turn["answer_text"]
    assert first_turn["has_audio_recording"] is True
    assert first_turn["camera_frames_stored"] == FRAMES_PER_TURN
    assert interview["shared_summary"] is None
    assert [r["id"] for r in export["resumes"]] == [str(mine.resume_id)]
    assert str(theirs.interview_id) not in response.text
    assert theirs.candidate_email not in response.text
    with session_scope() as session:
        assert session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "privacy.data_exported",
                AuditEvent.subject_id == str(mine.candidate_id),
            )
        )
    # Recruiters hold organisation records, not a candidate's own data: refused by role.
    refused = client.get(ME_DATA, headers=auth_headers(client, recruiter))
    assert refused.status_code == 403
    assert refused.json()["code"] == "candidate-only"


def test_deletion_needs_the_current_password(client) -> None:  # type: ignore[no-untyped-def]
    mine, _, _ = _two_candidates()
    with session_scope() as session:
        candidate = session.get_one(User, mine.candidate_id)
    headers = auth_headers(client, candidate)
    wrong = client.request(
        "DELETE", ME_DATA, headers=headers, json={"current_password": "not my password"}
    )
    assert wrong.status_code == 403
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert wrong.json()["code"] == "wrong-password"
    missing = client.request("DELETE", ME_DATA, headers=headers, json={})
    assert missing.status_code == 422
    # Nothing was deleted.
    assert _rows_of(mine)["interviews"] == 1
    assert all(path.exists() for path in mine.files)


def test_deletion_removes_files_and_rows_and_is_audited(client) -> None:  # type: ignore[no-untyped-def]
    mine, theirs, _ = _two_candidates()
    with session_scope() as session:
        candidate = session.get_one(User, mine.candidate_id)
    headers = auth_headers(client, candidate)
    before_theirs = _rows_of(theirs)

    response = client.request(
        "DELETE", ME_DATA, headers=headers, json={"current_password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "interviews_deleted": 1,
        "resumes_deleted": 1,
        "audio_files_deleted": 1,
        "frame_files_deleted": FRAMES_PER_TURN,
        "account_deleted": True,
    }
    assert _rows_of(mine) == dict.fromkeys(before_theirs, 0)
    assert not any(path.exists() for path in mine.files)
    assert not mine.audio_file.parent.exists()
    assert not mine.frame_files[0].parent.parent.exists()
    # The stolen-token case is over too: the account and its sign-ins are gone.
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401
    # Another candidate's data is untouched.
    assert _rows_of(theirs) == before_theirs
    assert all(path.exists() for path in theirs.files)

    with session_scope() as session:
        events = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.subject_id == str(mine.candidate_id))
            )
        )
        deleted = [e for e in events if e.action == "privacy.data_deleted"]
        assert len(deleted) == 1
        assert deleted[0].details["interviews_deleted"] == 1
        for_organisation = [e for e in events if e.action == "privacy.candidate_interviews_deleted"]
        assert for_organisation[0].organisation_id == mine.organisation_id
        # No personal content survives in the audit log.
        for event in events:
            assert mine.candidate_email not in str(event.details)
            assert event.actor_email is None
        assert (
            session.scalar(
                select(func.count()).where(AuditEvent.actor_email == mine.candidate_email)
            )
            == 0
        )

    # Repeating the request cannot act: the account no longer exists.
    again = client.request(
        "DELETE", ME_DATA, headers=headers, json={"current_password": DEFAULT_PASSWORD}
    )
    assert again.status_code == 401
