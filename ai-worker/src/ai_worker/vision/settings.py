from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from interview_contracts.settings import SharedSettings

EmotionBackendName = Literal["fer-tflite", "deepface", "off"]


class VisionSettings(SharedSettings):
    """Frame size limits come from SharedSettings: the API enforces the same ones."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # fer-tflite: packaged mini-Xception (FER2013); deepface: production extra; off: never run.
    vision_emotion_backend: EmotionBackendName = "fer-tflite"
    # MediaPipe detector: "full" finds faces up to about 5 m (a second person behind the
    # candidate), "short" only within about 2 m.
    vision_face_detection_range: Literal["short", "full"] = "full"
    vision_min_detection_confidence: float = Field(default=0.5, gt=0, lt=1)
    # Integrity flags: seconds without a face, with more than one face, and looking away.
    vision_no_face_flag_s: float = Field(default=5.0, ge=0)
    vision_multiple_faces_flag_s: float = Field(default=0.0, ge=0)
    vision_gaze_away_flag_s: float = Field(default=5.0, ge=0)
    # Gaze counts as on screen while head yaw and pitch and the iris offset stay within these.
    vision_gaze_max_yaw_deg: float = Field(default=30.0, gt=0)
    vision_gaze_max_pitch_deg: float = Field(default=25.0, gt=0)
    # Iris centre's distance from the eye centre, as a fraction of the eye's width.
    vision_gaze_max_iris_offset: float = Field(default=0.2, gt=0)
    # Eye aspect ratio (lid gap / eye width) below which an eye counts as closed.
    vision_eyes_closed_ratio: float = Field(default=0.15, gt=0)


@lru_cache
def get_vision_settings() -> VisionSettings:
    return VisionSettings()
