"""analyze_frame on real images with the real MediaPipe and FER models."""

import io
import json
import os
import subprocess
import sys

import pytest
from PIL import Image

from ai_worker.vision import faces
from ai_worker.vision.emotion import EMOTION_LABELS
from ai_worker.vision.frames import FrameInputError, analyze_frame
from ai_worker.vision.settings import get_vision_settings
from interview_contracts.vision import FrameObservation


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def test_a_real_face_gives_one_face_gaze_on_screen_and_an_emotion_label(
    face_observation: FrameObservation,
) -> None:
    assert face_observation.face_count == 1
    assert face_observation.gaze_on_screen is True
    assert face_observation.eyes_closed is False
    assert face_observation.head_pose is not None
    assert abs(face_observation.head_pose.yaw) < 15
    assert abs(face_observation.head_pose.pitch) < 15
    # The astronaut smiles broadly: the FER2013 model is very sure about this one.
    assert face_observation.emotion == "happy"
    assert face_observation.emotion_scores is not None
    assert set(face_observation.emotion_scores) == set(EMOTION_LABELS)
    assert sum(face_observation.emotion_scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert face_observation.emotion_scores["happy"] > 0.9


def test_a_composite_with_two_faces_counts_both(two_faces_observation: FrameObservation) -> None:
    assert two_faces_observation.face_count == 2
    assert two_faces_observation.head_pose is not None


def test_an_image_without_a_face_has_no_face_data(no_face_observation: FrameObservation) -> None:
    assert no_face_observation.face_count == 0
    assert no_face_observation.gaze_on_screen is None
    assert no_face_observation.head_pose is None
    assert no_face_observation.eyes_closed is None
    assert no_face_observation.emotion is None
    assert no_face_observation.emotion_scores is None


def test_head_roll_follows_an_in_plane_rotation(
    astronaut_jpeg: bytes, face_observation: FrameObservation
) -> None:
    assert face_observation.head_pose is not None
    # Pillow rotates counter-clockwise; roll is positive clockwise.
    rotated = Image.open(io.BytesIO(astronaut_jpeg)).rotate(20, fillcolor=(0, 0, 0))
    observation = analyze_frame(_jpeg(rotated), timestamp_s=0.0, emotion_enabled=False)
    assert observation.head_pose is not None
    assert observation.head_pose.roll - face_observation.head_pose.roll == pytest.approx(-20, abs=5)


def test_undecodable_frames_raise_frame_input_error(astronaut_jpeg: bytes) -> None:
    for broken in [b"", b"not an image at all", astronaut_jpeg[: len(astronaut_jpeg) // 3]]:
        with pytest.raises(FrameInputError):
            analyze_frame(broken, timestamp_s=0.0, emotion_enabled=False)


def test_oversize_frames_are_rejected_before_decoding() -> None:
    settings = get_vision_settings()
    too_wide = _jpeg(Image.new("RGB", (settings.vision_max_frame_dimension + 1, 8)))
    with pytest.raises(FrameInputError, match="limit"):
        analyze_frame(too_wide, timestamp_s=0.0, emotion_enabled=False)
    with pytest.raises(FrameInputError, match="bytes"):
        analyze_frame(b"\xff" * (settings.vision_max_frame_bytes + 1), 0.0, emotion_enabled=False)


def test_detectors_are_singletons_recorded_for_readyz(face_observation: FrameObservation) -> None:
    from ai_worker._runtime import runtime

    assert faces._get_detector() is faces._get_detector()
    slots = {model.slot for model in runtime.status("test").models}
    assert {faces.DETECTION_SLOT, faces.MESH_SLOT, "vision.emotion"} <= slots


_FRESH_PROCESS = """
import json, sys
from ai_worker._runtime import runtime
from ai_worker.vision.frames import analyze_frame
frame = open(sys.argv[1], "rb").read()
observation = analyze_frame(frame, 0.0, emotion_enabled=sys.argv[2] == "on")
print(json.dumps({
    "observation": observation.model_dump(mode="json"),
    "slots": [model.slot for model in runtime.status("test").models],
    "litert_imported": "ai_edge_litert" in sys.modules,
}))
"""


@pytest.mark.parametrize(
    ("organisation_switch", "backend_setting"), [("off", "fer-tflite"), ("on", "off")]
)
def test_emotion_disabled_yields_no_emotion_data_and_never_loads_the_model(
    organisation_switch: str, backend_setting: str
) -> None:
    """In a fresh process, so that no other test has loaded the expression model already."""
    from tests.vision.conftest import FIXTURES

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _FRESH_PROCESS,
            str(FIXTURES / "astronaut_face.jpg"),
            organisation_switch,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "VISION_EMOTION_BACKEND": backend_setting},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["observation"]["face_count"] == 1
    assert report["observation"]["emotion"] is None
    assert report["observation"]["emotion_scores"] is None
    assert "vision.emotion" not in report["slots"]
    assert faces.DETECTION_SLOT in report["slots"]
    assert report["litert_imported"] is False
