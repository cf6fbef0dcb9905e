"""Head pose, gaze and eye closure on the astronaut's real mesh landmarks, moved the way a
turned head, a sideways glance or closed eyes would move them."""

import io
import math

import numpy as np
import pytest
from PIL import Image

from ai_worker.vision import faces, gaze
from ai_worker.vision.faces import Landmarks
from ai_worker.vision.settings import get_vision_settings


@pytest.fixture(scope="session")
def landmarks(astronaut_jpeg: bytes) -> Landmarks:
    rgb = np.asarray(Image.open(io.BytesIO(astronaut_jpeg)).convert("RGB"))
    found = faces.face_landmarks(rgb)
    assert found is not None
    assert found.shape == (478, 3)
    return found


def _rotated(landmarks: Landmarks, axis: str, degrees: float) -> Landmarks:
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    rotation = {
        "vertical": np.array([[cos, 0, sin], [0, 1, 0], [-sin, 0, cos]]),
        "horizontal": np.array([[1, 0, 0], [0, cos, -sin], [0, sin, cos]]),
    }[axis]
    centre = landmarks.mean(axis=0)
    rotated: Landmarks = (landmarks - centre) @ rotation.T + centre
    return rotated


def test_the_astronaut_looks_at_the_camera_with_open_eyes(landmarks: Landmarks) -> None:
    reading = gaze.read_gaze(landmarks)
    settings = get_vision_settings()
    assert abs(reading.iris_offset) < 0.1
    assert 0.2 < reading.eye_aspect_ratio < 0.45
    assert gaze.eyes_closed(reading, settings) is False
    assert gaze.gaze_on_screen(reading, settings) is True


@pytest.mark.parametrize("degrees", [-45, 45])
def test_turning_the_head_changes_yaw_by_the_same_angle(landmarks: Landmarks, degrees: int) -> None:
    straight = gaze.head_pose(landmarks)
    turned = gaze.head_pose(_rotated(landmarks, "vertical", degrees))
    # A rotation that moves the face's right side towards the camera turns it to the image's left.
    assert turned.yaw - straight.yaw == pytest.approx(-degrees, abs=3)
    assert turned.roll == pytest.approx(straight.roll, abs=3)
    reading = gaze.read_gaze(_rotated(landmarks, "vertical", degrees))
    assert gaze.gaze_on_screen(reading, get_vision_settings()) is False


def test_tilting_the_head_changes_pitch(landmarks: Landmarks) -> None:
    straight = gaze.head_pose(landmarks)
    tilted = gaze.head_pose(_rotated(landmarks, "horizontal", 40))
    assert tilted.pitch - straight.pitch == pytest.approx(-40, abs=3)
    assert tilted.yaw == pytest.approx(straight.yaw, abs=3)
    reading = gaze.read_gaze(_rotated(landmarks, "horizontal", 40))
    assert gaze.gaze_on_screen(reading, get_vision_settings()) is False


def test_a_sideways_glance_with_the_head_still_is_off_screen(landmarks: Landmarks) -> None:
    glancing = landmarks.copy()
    # Both irises (five points each) slide most of the way to the image's left corners.
    for iris_points, corner in [(range(468, 473), 33), (range(473, 478), 362)]:
        centre = glancing[iris_points.start]
        shift = (glancing[corner] - centre) * 0.8
        glancing[list(iris_points)] += shift
    reading = gaze.read_gaze(glancing)
    assert reading.iris_offset < -0.2
    assert reading.head_pose == gaze.head_pose(landmarks)
    assert gaze.gaze_on_screen(reading, get_vision_settings()) is False


def test_closed_eyes_are_detected_and_leave_gaze_unjudged(landmarks: Landmarks) -> None:
    closed = landmarks.copy()
    for upper, lower in gaze.RIGHT_EYE_LIDS + gaze.LEFT_EYE_LIDS:
        closed[upper] = closed[lower]
    reading = gaze.read_gaze(closed)
    settings = get_vision_settings()
    assert reading.eye_aspect_ratio < 0.01
    assert gaze.eyes_closed(reading, settings) is True
    assert gaze.gaze_on_screen(reading, settings) is None
