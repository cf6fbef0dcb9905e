"""Camera frames through the API: consent-gated, validated, analysed by the real CPU worker."""

import time
import uuid
from pathlib import Path

from sqlalchemy import select, update

from interview_core.accounts.models import EmotionAnalysis, Organisation
from interview_core.db.engine import session_scope
from interview_core.interviews.models import Turn, VideoFrame
from tests.interviews.conftest import invite_and_start

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _upload(
    client, candidate, interview_id: str, turn_id: str, images: list[bytes], first: int = 0
):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/interviews/{interview_id}/turns/{turn_id}/frames",
        headers=candidate.headers,
        files=[("frames", (f"f{i}.jpg", data, "image/jpeg")) for i, data in enumerate(images)],
        data={
            "sequences": ",".join(str(first + i) for i in range(len(images))),
            "timestamps": ",".join(str(float(first + i)) for i in range(len(images))),
        },
    )


def _wait_for_summary(turn_id: str, frames: int) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with session_scope() as session:
            turn = session.get_one(Turn, uuid.UUID(turn_id))
            if turn.vision_summary and turn.vision_summary.get("frames") == frames:
                return turn.vision_summary
        time.sleep(0.5)
    raise AssertionError("frames were not analysed in time")


def test_frames_need_video_consent(interview_setup) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, video=False)
    face = (FIXTURES / "astronaut_face.jpg").read_bytes()
    response = _upload(
        client, candidate, state["interview"]["id"], state["current_turn"]["id"], [face]
    )
    assert response.status_code == 403
    assert response.json()["code"] == "no-video-consent"


def test_bad_frames_are_refused_and_nothing_is_stored(interview_setup) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, video=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    assert _upload(client, candidate, interview_id, turn_id, [png]).status_code == 415
    broken = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 20
    assert _upload(client, candidate, interview_id, turn_id, [broken]).status_code == 422
    with session_scope() as session:
        stored = session.scalars(
            select(VideoFrame).where(VideoFrame.turn_id == uuid.UUID(turn_id))
        ).all()
    assert stored == []


def test_emotion_off_organisation_stores_no_emotion(interview_setup, organisation) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, video=True, emotion=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    face = (FIXTURES / "astronaut_face.jpg").read_bytes()
    response = _upload(client, candidate, interview_id, turn_id, [face, face])
    assert response.status_code == 200, response.text
    assert response.json() == {"received": 2, "stored": 2}
    resent = _upload(client, candidate, interview_id, turn_id, [face, face])
    assert resent.json() == {"received": 2, "stored": 0}
    summary = _wait_for_summary(turn_id, 2)
    assert summary["face_present_ratio"] == 1.0
    assert summary["emotion"] is None
    with session_scope() as session:
        observations = session.scalars(
            select(VideoFrame.observation).where(VideoFrame.turn_id == uuid.UUID(turn_id))
        ).all()
    assert all(
        o is not None and o["emotion"] is None and o["emotion_scores"] is None for o in observations
    )


def test_observing_organisation_gets_labelled_emotion_and_flags(
    interview_setup, organisation
) -> None:
    client, recruiter, candidate, job_id = interview_setup
    with session_scope() as session:
        session.execute(
            update(Organisation)
            .where(Organisation.id == organisation)
            .values(emotion_analysis=EmotionAnalysis.OBSERVE)
        )
    state = invite_and_start(client, recruiter, candidate, job_id, video=True, emotion=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    face = (FIXTURES / "astronaut_face.jpg").read_bytes()
    two = (FIXTURES / "two_faces.jpg").read_bytes()
    response = _upload(client, candidate, interview_id, turn_id, [face, two, face])
    assert response.status_code == 200, response.text
    summary = _wait_for_summary(turn_id, 3)
    assert summary["multiple_face_frames"] == 1
    assert any(flag["kind"] == "multiple_faces" for flag in summary["flags"])
    assert summary["emotion"] is not None
    assert summary["emotion"]["model_id"]
    assert summary["emotion"]["limitations"]
