"""A refused or failed upload leaves no file on disk: answer audio is written only after the
consent, turn and quota checks, and every uploaded file only stays if its rows commit."""

import io
import uuid
import wave
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from interview_core.accounts.models import User
from interview_core.db.engine import session_scope
from interview_core.interviews import service
from interview_core.interviews.frames import store_frames
from tests.interviews.conftest import Party, invite_and_start
from tests.support.media import file_store

FACE = (Path(__file__).resolve().parents[1] / "fixtures" / "astronaut_face.jpg").read_bytes()


def _wav(seconds: float = 0.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\x10\x00" * int(16_000 * seconds))
    return buffer.getvalue()


def _files_under(*parts: str) -> list[Path]:
    directory = file_store().root.joinpath(*parts)
    return [path for path in directory.rglob("*") if path.is_file()] if directory.exists() else []


def _upload_audio(
    client: TestClient, candidate: Party, interview_id: str, turn_id: str, key: str | None = None
):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/interviews/{interview_id}/turns/{turn_id}/audio",
        headers=candidate.headers,
        files={"audio": ("answer.wav", _wav(), "audio/wav")},
        data={"idempotency_key": key or f"audio-{uuid.uuid4().hex}"},
    )


def test_audio_without_consent_is_refused_and_never_written(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, audio=False)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    response = _upload_audio(client, candidate, interview_id, turn_id)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "no-audio-consent"
    assert _files_under("interviews", interview_id) == []


def test_audio_for_a_turn_that_is_not_current_is_never_written(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, audio=True)
    interview_id = state["interview"]["id"]
    response = _upload_audio(client, candidate, interview_id, str(uuid.uuid4()))
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "not-current-turn"
    assert _files_under("interviews", interview_id) == []


def test_audio_written_in_a_request_that_then_fails_is_removed(interview_setup) -> None:  # type: ignore[no-untyped-def]
    """The answer path itself, in a unit of work that fails after the file was written (as a
    failed commit does): the file goes with the rolled-back rows."""
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, audio=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    with pytest.raises(RuntimeError), session_scope() as session:
        user = session.get_one(User, candidate.user_id)
        interview = service.get_interview(session, user, uuid.UUID(interview_id), lock=True)
        turn = service.submit_audio_answer(
            session, user, interview, uuid.UUID(turn_id), "audio-key-rolled-back", _wav()
        )
        assert turn.audio_path is not None
        assert len(_files_under("interviews", interview_id)) == 1
        raise RuntimeError("a later step of the request failed")
    assert _files_under("interviews", interview_id) == []
    # The same answer then goes through, and its file stays.
    accepted = _upload_audio(client, candidate, interview_id, turn_id)
    assert accepted.status_code == 200, accepted.text
    assert len(_files_under("interviews", interview_id)) == 1


def test_a_frame_batch_that_fails_leaves_no_files(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, video=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    # A sequence number no row can hold: refused before anything is written (it used to fail
    # at the second row's insert, after the first frame's file was on disk).
    response = client.post(
        f"/api/v1/interviews/{interview_id}/turns/{turn_id}/frames",
        headers=candidate.headers,
        files=[("frames", (f"f{i}.jpg", FACE, "image/jpeg")) for i in range(2)],
        data={"sequences": "0,99999999999", "timestamps": "0,1"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "bad-frame-meta"
    assert _files_under("frames", interview_id) == []
    # A batch whose unit of work fails after its files were written keeps none of them.
    with pytest.raises(RuntimeError), session_scope() as session:
        user = session.get_one(User, candidate.user_id)
        batch = [(0, 0.0, FACE), (1, 1.0, FACE)]
        assert store_frames(session, user, uuid.UUID(interview_id), uuid.UUID(turn_id), batch) == 2
        assert len(_files_under("frames", interview_id)) == 2
        raise RuntimeError("the commit failed")
    assert _files_under("frames", interview_id) == []
