"""Spoken answers through the API: transcribed by the real CPU worker, or a clear error state
from which the candidate continues by typing."""

import time
import uuid
from pathlib import Path

from tests.interviews.conftest import invite_and_start
from tests.speech.recordings import encode, speak, wav_samples
from tests.support.answers import answer_typed

SPOKEN = "I designed the billing service and I improved its database queries."


def _wait_for_stt(
    client, candidate, interview_id: str, turn_id: str, timeout_s: float = 120
) -> dict:  # type: ignore[no-untyped-def, type-arg]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        turns = client.get(
            f"/api/v1/interviews/{interview_id}/turns", headers=candidate.headers
        ).json()
        turn = next(t for t in turns if t["id"] == turn_id)
        if turn["stt_status"] in ("done", "failed"):
            return turn  # type: ignore[no-any-return]
        time.sleep(0.5)
    raise AssertionError("transcription did not finish")


def _upload(client, candidate, interview_id: str, turn_id: str, data: bytes, name: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/interviews/{interview_id}/turns/{turn_id}/audio",
        headers=candidate.headers,
        files={"audio": (name, data, "application/octet-stream")},
        data={"idempotency_key": f"audio-{uuid.uuid4().hex}"},
    )


def test_spoken_webm_answer_is_transcribed_and_the_interview_moves_on(
    interview_setup, tmp_path: Path
) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, audio=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    samples, rate = wav_samples(speak(SPOKEN, tmp_path / "answer.wav"))
    webm = encode(samples, rate, "webm", "libopus")
    response = _upload(client, candidate, interview_id, turn_id, webm, "answer.webm")
    assert response.status_code == 200, response.text
    assert response.json()["state"]["phase"] == "processing_answer"
    turn = _wait_for_stt(client, candidate, interview_id, turn_id)
    assert turn["stt_status"] == "done", turn
    words = (turn["answer_text"] or "").lower()
    for expected in ["billing", "service", "database"]:
        assert expected in words, words
    state = client.get(f"/api/v1/interviews/{interview_id}", headers=candidate.headers).json()
    assert state["current_turn"]["stage_index"] == 1


def test_corrupt_audio_leaves_the_turn_answerable_by_text(interview_setup) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, audio=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    corrupt = b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 40
    response = _upload(client, candidate, interview_id, turn_id, corrupt, "broken.webm")
    assert response.status_code == 200, response.text
    turn = _wait_for_stt(client, candidate, interview_id, turn_id)
    assert turn["stt_status"] == "failed"
    assert turn["stt_error"]
    typed = answer_typed(
        client, candidate.headers, interview_id, turn_id, "Typing my answer instead."
    )
    assert typed["state"]["current_turn"]["stage_index"] == 1


def test_wrong_type_empty_and_oversize_uploads_are_refused(interview_setup) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, audio=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    pdf = _upload(client, candidate, interview_id, turn_id, b"%PDF-1.4 not audio", "answer.webm")
    assert pdf.status_code == 415
    assert pdf.headers["content-type"].startswith("application/problem+json")
    empty = _upload(client, candidate, interview_id, turn_id, b"", "answer.webm")
    assert empty.status_code == 422
    from interview_core.config import get_infra_settings

    huge = b"OggS" + b"\x00" * get_infra_settings().max_audio_upload_bytes
    assert _upload(client, candidate, interview_id, turn_id, huge, "answer.ogg").status_code == 413
    state = client.get(f"/api/v1/interviews/{interview_id}", headers=candidate.headers).json()
    assert state["phase"] == "answering"
    assert state["current_turn"]["id"] == turn_id


def test_audio_needs_audio_consent(interview_setup) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, audio=False)
    response = _upload(
        client,
        candidate,
        state["interview"]["id"],
        state["current_turn"]["id"],
        b"OggS" + b"\x00" * 100,
        "a.ogg",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "no-audio-consent"
