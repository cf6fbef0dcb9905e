"""Head pose, gaze direction and eye closure from the 478 face-mesh landmarks.

Landmarks are (x, y, z) pixels: x right, y down, z away from the camera. "Right eye" is the
subject's right eye, on the image's left.
"""

import math
from dataclasses import dataclass

import numpy as np

from ai_worker.vision.faces import Landmarks
from ai_worker.vision.settings import VisionSettings
from interview_contracts.vision import HeadPose

RIGHT_EYE_OUTER, RIGHT_EYE_INNER, RIGHT_IRIS_CENTRE = 33, 133, 468
LEFT_EYE_OUTER, LEFT_EYE_INNER, LEFT_IRIS_CENTRE = 263, 362, 473
MOUTH_RIGHT, MOUTH_LEFT = 61, 291
# Upper/lower lid pairs of each eye, for the eye aspect ratio.
RIGHT_EYE_LIDS = ((160, 144), (158, 153))
LEFT_EYE_LIDS = ((385, 380), (387, 373))


@dataclass(frozen=True)
class GazeReading:
    head_pose: HeadPose
    # Iris centre's horizontal offset from the eye centre, in eye widths; > 0 towards the
    # image's right, averaged over both eyes.
    iris_offset: float
    eye_aspect_ratio: float


def head_pose(landmarks: Landmarks) -> HeadPose:
    """Face orientation from the plane through the outer eye corners and the mouth corners,
    which are close to coplanar on a real face, so no camera calibration is needed."""
    across = landmarks[LEFT_EYE_OUTER] - landmarks[RIGHT_EYE_OUTER]
    across /= np.linalg.norm(across)
    eyes_centre = (landmarks[LEFT_EYE_OUTER] + landmarks[RIGHT_EYE_OUTER]) / 2
    mouth_centre = (landmarks[MOUTH_LEFT] + landmarks[MOUTH_RIGHT]) / 2
    down = mouth_centre - eyes_centre
    down -= down.dot(across) * across
    down /= np.linalg.norm(down)
    facing = -np.cross(across, down)  # out of the face, towards the camera when frontal
    return HeadPose(
        yaw=math.degrees(math.atan2(facing[0], -facing[2])),
        pitch=math.degrees(math.atan2(-facing[1], -facing[2])),
        roll=math.degrees(math.atan2(across[1], across[0])),
    )


def _iris_position(landmarks: Landmarks, outer: int, inner: int, iris: int) -> float:
    """Where the iris sits between the corners: 0 at the outer corner, 1 at the inner one."""
    corner_to_corner = landmarks[inner, :2] - landmarks[outer, :2]
    along = (landmarks[iris, :2] - landmarks[outer, :2]).dot(corner_to_corner)
    return float(along / corner_to_corner.dot(corner_to_corner))


def iris_offset(landmarks: Landmarks) -> float:
    # The right eye's inner corner is towards the image's right, the left eye's away from it.
    right = _iris_position(landmarks, RIGHT_EYE_OUTER, RIGHT_EYE_INNER, RIGHT_IRIS_CENTRE) - 0.5
    left = 0.5 - _iris_position(landmarks, LEFT_EYE_OUTER, LEFT_EYE_INNER, LEFT_IRIS_CENTRE)
    return (right + left) / 2


def _eye_aspect_ratio(
    landmarks: Landmarks, outer: int, inner: int, lids: tuple[tuple[int, int], ...]
) -> float:
    width = np.linalg.norm(landmarks[outer, :2] - landmarks[inner, :2])
    gaps = [np.linalg.norm(landmarks[upper, :2] - landmarks[lower, :2]) for upper, lower in lids]
    return float(np.mean(gaps) / width)


def eye_aspect_ratio(landmarks: Landmarks) -> float:
    """Lid gap over eye width, averaged over both eyes: about 0.3 open, near 0 closed."""
    right = _eye_aspect_ratio(landmarks, RIGHT_EYE_OUTER, RIGHT_EYE_INNER, RIGHT_EYE_LIDS)
    left = _eye_aspect_ratio(landmarks, LEFT_EYE_OUTER, LEFT_EYE_INNER, LEFT_EYE_LIDS)
    return (right + left) / 2


def read_gaze(landmarks: Landmarks) -> GazeReading:
    return GazeReading(
        head_pose=head_pose(landmarks),
        iris_offset=iris_offset(landmarks),
        eye_aspect_ratio=eye_aspect_ratio(landmarks),
    )


def eyes_closed(reading: GazeReading, settings: VisionSettings) -> bool:
    return reading.eye_aspect_ratio < settings.vision_eyes_closed_ratio


def gaze_on_screen(reading: GazeReading, settings: VisionSettings) -> bool | None:
    """Whether the candidate looks at the screen; None while the eyes are closed (the iris
    landmarks are guesses then)."""
    if eyes_closed(reading, settings):
        return None
    pose = reading.head_pose
    return (
        abs(pose.yaw) <= settings.vision_gaze_max_yaw_deg
        and abs(pose.pitch) <= settings.vision_gaze_max_pitch_deg
        and abs(reading.iris_offset) <= settings.vision_gaze_max_iris_offset
    )
