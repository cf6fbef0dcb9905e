"""Playing back a spoken answer from the report: the stored bytes to the organisation's
recruiters and admins, nobody else, and a 404 problem (never a 500) when there is nothing to play.
"""

import os
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from interview_core.accounts.models import UserRole
from interview_core.audit.models import AuditEvent
from interview_core.db.engine import session_scope
from interview_core.interviews.media import store_answer_audio
from interview_core.interviews.models import Turn
from interview_core.privacy.retention import enforce_retention
from tests.privacy.builders import make_organisation_with_recruiter, record_interview
from tests.reports.builders import persist, strong_interview
from tests.support.accounts import make_organisation, make_user, signed_in_headers
from tests.support.media import file_store

API = "/api/v1"


def _audio_path(interview_id: uuid.UUID | str, turn_id: uuid.UUID | str) -> str:
    return f"{API}/interviews/{interview_id}/turns/{turn_id}/audio"


def _assert_not_available(
    client: TestClient,
    interview_id: uuid.UUID | str,
    turn_id: uuid.UUID | str,
    headers: dict[str, str],
) -> None:
    response = client.get(_audio_path(interview_id, turn_id), headers=headers)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "audio-not-found"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"\x1a\x45\xdf\xa3" + b"\x9f webm answer" * 40, "audio/webm"),
        (b"OggS\x00\x02" + bytes(range(256)) * 3, "audio/ogg"),
        (b"\x00\x00\x00\x18ftypM4A " + b"\x00mp4 answer" * 20, "audio/mp4"),
        (b"ID3\x04\x00" + b"\xff\xfb mp3 frame" * 20, "audio/mpeg"),
    ],
    ids=["webm", "ogg", "mp4", "mp3"],
)
def test_recruiter_and_admin_hear_the_exact_recording(
    client: TestClient, data: bytes, content_type: str
) -> None:
    organisation_id, recruiter = make_organisation_with_recruiter()
    recorded = record_interview(organisation_id, recruiter)
    # Stored as an upload stores it: the container is sniffed and named by the extension.
    with session_scope() as session:
        turn = session.get_one(Turn, recorded.turn_id)
        turn.audio_path = store_answer_audio(session, recorded.interview_id, turn.id, data)
    with session_scope() as session:
        admin = make_user(session, UserRole.ADMIN)
    for user in (recruiter, admin):
        response = client.get(
            _audio_path(recorded.interview_id, recorded.turn_id), headers=signed_in_headers(user)
        )
        assert response.status_code == 200, response.text
        assert response.content == data
        assert response.headers["content-type"] == content_type
        assert response.headers["content-length"] == str(len(data))
        assert response.headers["cache-control"] == "private, no-store"
        assert response.headers["x-content-type-options"] == "nosniff"
    with session_scope() as session:
        played = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "answer_audio.played",
                AuditEvent.subject_id == str(recorded.interview_id),
            )
        ).all()
        assert sorted(e.actor_email or "" for e in played) == sorted([recruiter.email, admin.email])
        assert {e.details["turn_id"] for e in played} == {str(recorded.turn_id)}


def test_the_builders_wav_recording_plays_as_wav(client: TestClient) -> None:
    organisation_id, recruiter = make_organisation_with_recruiter()
    recorded = record_interview(organisation_id, recruiter)
    response = client.get(
        _audio_path(recorded.interview_id, recorded.turn_id), headers=signed_in_headers(recruiter)
    )
    assert response.status_code == 200, response.text
    assert response.content == recorded.audio_file.read_bytes()
    assert response.headers["content-type"] == "audio/wav"


def test_outsiders_and_candidates_get_nothing(client: TestClient) -> None:
    organisation_id, recruiter = make_organisation_with_recruiter()
    with session_scope() as session:
        other_organisation = make_organisation(session)
        other_recruiter = make_user(session, UserRole.RECRUITER, other_organisation)
        candidate = make_user(session, UserRole.CANDIDATE)
        other_candidate = make_user(session, UserRole.CANDIDATE)
    recorded = record_interview(organisation_id, recruiter, candidate=candidate)
    path = _audio_path(recorded.interview_id, recorded.turn_id)
    # Another organisation's recruiter is not told the interview exists (auth/policy.py).
    outsider = client.get(path, headers=signed_in_headers(other_recruiter))
    assert outsider.status_code == 404, outsider.text
    assert outsider.headers["content-type"].startswith("application/problem+json")
    assert outsider.json()["code"] == "not-found"
    # Candidates are refused by role, the interviewee too: their own export (GET /me/data)
    # says whether a recording is stored, never hands it out.
    for user in (other_candidate, candidate):
        refused = client.get(path, headers=signed_in_headers(user))
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "role-required"
    assert client.get(path).status_code == 401
    with session_scope() as session:
        assert not session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "answer_audio.played",
                AuditEvent.subject_id == str(recorded.interview_id),
            )
        ).all()


def test_a_turn_is_only_found_under_its_own_interview(client: TestClient) -> None:
    organisation_id, recruiter = make_organisation_with_recruiter()
    recorded = record_interview(organisation_id, recruiter)
    other = record_interview(organisation_id, recruiter)
    headers = signed_in_headers(recruiter)
    _assert_not_available(client, other.interview_id, recorded.turn_id, headers)
    _assert_not_available(client, recorded.interview_id, uuid.uuid4(), headers)
    unknown = client.get(_audio_path(uuid.uuid4(), recorded.turn_id), headers=headers)
    assert unknown.status_code == 404


def test_a_typed_answer_has_no_recording(client: TestClient) -> None:
    organisation_id, recruiter = make_organisation_with_recruiter()
    built = strong_interview(organisation_id=organisation_id)
    with session_scope() as session:
        persist(session, built)
    typed = built.turns[1]
    assert typed.audio_path is None
    _assert_not_available(client, built.interview.id, typed.id, signed_in_headers(recruiter))


def test_a_recording_purged_by_retention_is_not_found(client: TestClient) -> None:
    organisation_id, recruiter = make_organisation_with_recruiter(audio=1)
    recorded = record_interview(organisation_id, recruiter, age_days=2)
    path = _audio_path(recorded.interview_id, recorded.turn_id)
    headers = signed_in_headers(recruiter)
    assert client.get(path, headers=headers).status_code == 200
    assert enforce_retention(organisation_id)[organisation_id].audio_deleted == 1
    assert not recorded.audio_file.exists()
    _assert_not_available(client, recorded.interview_id, recorded.turn_id, headers)


def test_a_recording_missing_on_disk_is_not_found(client: TestClient) -> None:
    organisation_id, recruiter = make_organisation_with_recruiter()
    recorded = record_interview(organisation_id, recruiter)
    recorded.audio_file.unlink()
    headers = signed_in_headers(recruiter)
    _assert_not_available(client, recorded.interview_id, recorded.turn_id, headers)


def test_a_row_naming_a_file_outside_the_media_directory_is_not_followed(
    client: TestClient, tmp_path: Path
) -> None:
    organisation_id, recruiter = make_organisation_with_recruiter()
    recorded = record_interview(organisation_id, recruiter)
    outside = tmp_path / "secret.wav"
    outside.write_bytes(b"RIFF\x00\x00\x00\x00WAVE not for playback")
    media = file_store().root
    escaping = os.path.relpath(outside, media)
    assert escaping.startswith("..")
    with session_scope() as session:
        session.get_one(Turn, recorded.turn_id).audio_path = escaping
    headers = signed_in_headers(recruiter)
    _assert_not_available(client, recorded.interview_id, recorded.turn_id, headers)
