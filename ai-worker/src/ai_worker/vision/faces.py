"""MediaPipe face detection and face mesh with iris landmarks, loaded once per process.

The models ship inside the mediapipe==0.10.21 wheel. A MediaPipe graph is not safe to call
from two threads at once, so each detector is used under its own lock.
"""

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ai_worker._runtime import runtime
from ai_worker.vision.settings import get_vision_settings
from interview_contracts.payloads import LoadedModel

DETECTION_SLOT = "vision.face_detection"
MESH_SLOT = "vision.face_mesh"
MESH_MODEL_ID = "mediapipe/face_mesh+iris"

RGBImage = npt.NDArray[np.uint8]
# (478, 3) pixels: x right, y down, z away from the camera.
Landmarks = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FaceBox:
    """A detected face in pixels."""

    left: int
    top: int
    right: int
    bottom: int
    score: float

    @property
    def area(self) -> int:
        return (self.right - self.left) * (self.bottom - self.top)


class _LockedGraph:
    def __init__(self, graph: Any) -> None:
        self.graph = graph
        self.lock = threading.Lock()

    def process(self, rgb: RGBImage) -> Any:
        with self.lock:
            return self.graph.process(rgb)


_detector: _LockedGraph | None = None
_mesh: _LockedGraph | None = None
_load_lock = threading.Lock()


def detection_model_id() -> str:
    return f"mediapipe/face_detection_{get_vision_settings().vision_face_detection_range}_range"


def _get_detector() -> _LockedGraph:
    global _detector
    if _detector is None:
        with _load_lock:
            if _detector is None:
                import mediapipe as mp

                settings = get_vision_settings()
                graph = mp.solutions.face_detection.FaceDetection(
                    model_selection=1 if settings.vision_face_detection_range == "full" else 0,
                    min_detection_confidence=settings.vision_min_detection_confidence,
                )
                runtime.record_loaded_model(
                    LoadedModel(
                        slot=DETECTION_SLOT,
                        model_id=detection_model_id(),
                        backend="mediapipe",
                        device="cpu",
                    )
                )
                _detector = _LockedGraph(graph)
    return _detector


def _get_mesh() -> _LockedGraph:
    global _mesh
    if _mesh is None:
        with _load_lock:
            if _mesh is None:
                import mediapipe as mp

                # static_image_mode: frames are sparse samples, often from different turns,
                # so tracking a face from the previous call would be wrong.
                graph = mp.solutions.face_mesh.FaceMesh(
                    static_image_mode=True,
                    max_num_faces=1,
                    refine_landmarks=True,
                    min_detection_confidence=get_vision_settings().vision_min_detection_confidence,
                )
                runtime.record_loaded_model(
                    LoadedModel(
                        slot=MESH_SLOT, model_id=MESH_MODEL_ID, backend="mediapipe", device="cpu"
                    )
                )
                _mesh = _LockedGraph(graph)
    return _mesh


def detect_faces(rgb: RGBImage) -> list[FaceBox]:
    """Every face in an RGB uint8 image, largest first."""
    height, width = rgb.shape[:2]
    result = _get_detector().process(rgb)
    boxes = []
    for detection in result.detections or []:
        box = detection.location_data.relative_bounding_box
        left = max(0, int(box.xmin * width))
        top = max(0, int(box.ymin * height))
        right = min(width, int((box.xmin + box.width) * width))
        bottom = min(height, int((box.ymin + box.height) * height))
        if right > left and bottom > top:
            boxes.append(FaceBox(left, top, right, bottom, float(detection.score[0])))
    return sorted(boxes, key=lambda face: face.area, reverse=True)


def face_landmarks(rgb: RGBImage) -> Landmarks | None:
    """478 mesh landmarks (468 face + 10 iris) of one face as (x, y, z) pixels, or None.

    MediaPipe's z uses the same scale as x, so it is multiplied by the width too.
    """
    height, width = rgb.shape[:2]
    result = _get_mesh().process(rgb)
    if not result.multi_face_landmarks:
        return None
    points = result.multi_face_landmarks[0].landmark
    return np.array([(p.x * width, p.y * height, p.z * width) for p in points], dtype=np.float64)
