"""Real frames and the real MediaPipe and FER models, loaded once per session.

The fixtures come from scikit-image's public-domain `astronaut` sample: the whole image
(astronaut_face.jpg), its lower half with no face (no_face.jpg), and a composite of a face
crop beside a smaller mirrored copy (two_faces.jpg)."""

import os
from pathlib import Path

import pytest

from interview_contracts.vision import FrameObservation

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")


def read_fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="session")
def astronaut_jpeg() -> bytes:
    """scikit-image's `astronaut` sample (Eileen Collins, public domain), as a JPEG."""
    return read_fixture("astronaut_face.jpg")


@pytest.fixture(scope="session")
def face_observation(astronaut_jpeg: bytes) -> FrameObservation:
    from ai_worker.vision.frames import analyze_frame

    return analyze_frame(astronaut_jpeg, timestamp_s=0.0, emotion_enabled=True)


@pytest.fixture(scope="session")
def two_faces_observation() -> FrameObservation:
    from ai_worker.vision.frames import analyze_frame

    return analyze_frame(read_fixture("two_faces.jpg"), timestamp_s=0.0, emotion_enabled=True)


@pytest.fixture(scope="session")
def no_face_observation() -> FrameObservation:
    from ai_worker.vision.frames import analyze_frame

    return analyze_frame(read_fixture("no_face.jpg"), timestamp_s=0.0, emotion_enabled=True)
