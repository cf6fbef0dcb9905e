"""Upload quotas per interview (audio, frames) and per candidate (résumés), and the per-user
upload rate: refused with a clear problem+json, and nothing already stored is lost."""

import io
import uuid
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from interview_core.config import Settings, get_infra_settings, get_settings
from interview_core.db.engine import session_scope
from interview_core.interviews.models import Turn, VideoFrame
from tests.interviews.conftest import Party, invite_and_accept, invite_and_start
from tests.support.media import file_store
from tests.support.stack import TestStack

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FACE = (FIXTURES / "astronaut_face.jpg").read_bytes()


@pytest.fixture
def limits() -> Iterator[Settings]:
    """The API's settings object, changed for one test and restored after it."""
    settings = get_settings()
    saved = settings.model_dump()
    yield settings
    for name, previous in saved.items():
        setattr(settings, name, previous)


def _problem(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict = response.json()  # type: ignore[type-arg]
    assert body["code"] == code
    return body


def _frames(
    client: TestClient, candidate: Party, interview_id: str, turn_id: str, first: int, n: int
) -> Any:
    return client.post(
        f"/api/v1/interviews/{interview_id}/turns/{turn_id}/frames",
        headers=candidate.headers,
        files=[("frames", (f"f{i}.jpg", FACE, "image/jpeg")) for i in range(n)],
        data={
            "sequences": ",".join(str(first + i) for i in range(n)),
            "timestamps": ",".join(str(float(first + i)) for i in range(n)),
        },
    )


def _stored_frames(interview_id: str) -> tuple[int, int]:
    with session_scope() as session:
        rows = session.scalar(
            select(func.count()).where(VideoFrame.interview_id == uuid.UUID(interview_id))
        )
    directory = file_store().root / "frames" / interview_id
    files = len([p for p in directory.rglob("*.jpg")]) if directory.is_dir() else 0
    return int(rows or 0), files


def test_frame_count_quota_per_interview(interview_setup, limits: Settings) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, video=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    limits.interview_max_frame_uploads = 3
    assert _frames(client, candidate, interview_id, turn_id, 0, 2).status_code == 200
    body = _problem(
        _frames(client, candidate, interview_id, turn_id, 2, 2), 413, "interview-frames-quota"
    )
    assert body["limit"] == 3 and body["used"] == 2
    assert _stored_frames(interview_id) == (2, 2)
    # The one frame that still fits is taken.
    assert _frames(client, candidate, interview_id, turn_id, 2, 1).json()["stored"] == 1
    assert _stored_frames(interview_id) == (3, 3)


def test_frame_bytes_quota_per_interview(interview_setup, limits: Settings) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, video=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    limits.interview_max_frame_bytes = len(FACE) * 2 + len(FACE) // 2
    assert _frames(client, candidate, interview_id, turn_id, 0, 2).status_code == 200
    body = _problem(
        _frames(client, candidate, interview_id, turn_id, 2, 1), 413, "interview-frames-quota"
    )
    assert body["used_bytes"] == 2 * len(FACE)
    assert _stored_frames(interview_id) == (2, 2)


def _wav(seconds: float = 0.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * int(16000 * seconds))
    return buffer.getvalue()


def _audio(client: TestClient, candidate: Party, interview_id: str, turn_id: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/interviews/{interview_id}/turns/{turn_id}/audio",
        headers=candidate.headers,
        files={"audio": ("answer.wav", data, "audio/wav")},
        data={"idempotency_key": f"quota-{uuid.uuid4().hex}"},
    )


def test_audio_quotas_per_interview(interview_setup, limits: Settings) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, audio=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    audio = _wav()
    directory = file_store().root / "interviews" / interview_id

    limits.interview_max_audio_bytes = len(audio) - 1
    body = _problem(
        _audio(client, candidate, interview_id, turn_id, audio), 413, "interview-audio-quota"
    )
    assert body["used_bytes"] == 0
    assert not directory.exists() or not any(directory.iterdir())
    with session_scope() as session:
        assert session.get_one(Turn, uuid.UUID(turn_id)).answered_at is None

    limits.interview_max_audio_bytes = 10 * len(audio)
    limits.interview_max_audio_uploads = 1
    first = _audio(client, candidate, interview_id, turn_id, audio)
    assert first.status_code == 200, first.text
    stored = sorted(directory.iterdir())
    assert len(stored) == 1
    body = _problem(
        _audio(client, candidate, interview_id, turn_id, audio), 413, "interview-audio-quota"
    )
    assert body["limit"] == 1 and body["used"] == 1
    # The stored answer is untouched.
    assert sorted(directory.iterdir()) == stored
    with session_scope() as session:
        turn = session.get_one(Turn, uuid.UUID(turn_id))
        assert turn.audio_path is not None and turn.audio_path.endswith(stored[0].name)


def _resume(client: TestClient, candidate: Party, text: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/resumes",
        headers=candidate.headers,
        files={"file": ("cv.txt", text.encode(), "text/plain")},
    )


CV = "Jane Doe. Backend engineer: Python, PostgreSQL, Redis. Built billing and search services."


def test_resume_quota_per_candidate(client: TestClient, candidate: Party, limits: Settings) -> None:
    limits.candidate_max_resumes = 2
    kept = [_resume(client, candidate, CV) for _ in range(2)]
    assert [r.status_code for r in kept] == [201, 201]
    body = _problem(_resume(client, candidate, CV), 413, "resume-quota")
    assert body["limit"] == 2 and body["used"] == 2
    for response in kept:
        read = client.get(f"/api/v1/resumes/{response.json()['id']}", headers=candidate.headers)
        assert read.status_code == 200

    limits.candidate_max_resumes = 10
    limits.candidate_max_resume_bytes = 2 * len(CV.encode()) + 10
    _problem(_resume(client, candidate, CV), 413, "resume-quota")


def test_the_interview_state_gives_the_resume_size_limit_the_upload_enforces(
    client: TestClient,
    recruiter: Party,
    candidate: Party,
    job_id: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Not the default, so a page keeping its own constant would show the wrong limit.
    size = len(CV.encode())
    monkeypatch.setattr(get_infra_settings(), "max_resume_upload_bytes", size)
    interview_id = invite_and_accept(client, recruiter, candidate, job_id)
    state = client.get(f"/api/v1/interviews/{interview_id}", headers=candidate.headers)
    assert state.status_code == 200, state.text
    assert state.json()["phase"] == "not_started"
    exposed = state.json()["max_resume_upload_bytes"]
    assert exposed == get_infra_settings().max_resume_upload_bytes == size
    assert _resume(client, candidate, CV).status_code == 201
    _problem(_resume(client, candidate, CV + "."), 413, "resume-too-large")


def test_upload_rate_per_user(
    client: TestClient,
    candidate: Party,
    limits: Settings,
    stack: TestStack,
) -> None:
    limits.upload_max_requests_per_window = 3
    limits.upload_rate_window_s = 600
    accepted = [_resume(client, candidate, CV) for _ in range(3)]
    assert [r.status_code for r in accepted] == [201, 201, 201]
    refused = _resume(client, candidate, CV)
    _problem(refused, 429, "upload-rate-limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 600
    # Refused requests count too: retrying in a loop does not get through.
    _problem(_resume(client, candidate, CV), 429, "upload-rate-limited")
    # What was uploaded before stays.
    for response in accepted:
        read = client.get(f"/api/v1/resumes/{response.json()['id']}", headers=candidate.headers)
        assert read.status_code == 200
    # The limit is per user: another candidate uploads as usual.
    from interview_core.accounts.models import UserRole
    from tests.interviews.conftest import _make_user, login

    _, email = _make_user(UserRole.CANDIDATE, None)
    other = Party(uuid.uuid4(), email, login(client, email))
    assert _resume(client, other, CV).status_code == 201
    # Frames and audio share the user's budget: the limited candidate's next upload of any
    # kind is refused before anything else is looked at.
    frames = client.post(
        f"/api/v1/interviews/{uuid.uuid4()}/turns/{uuid.uuid4()}/frames",
        headers=candidate.headers,
        files=[("frames", ("f.jpg", FACE, "image/jpeg"))],
        data={"sequences": "0", "timestamps": "0.0"},
    )
    _problem(frames, 429, "upload-rate-limited")
