"""Results of video-frame analysis: per-frame observations and per-turn or per-interview summaries.

Integrity flags are prompts for human review and never fail a candidate. Emotion data is an
observation labelled with its model and limits; it never enters competency scores.
"""

from typing import Literal
from uuid import UUID

from pydantic import Field

from interview_contracts.payloads import Payload


class HeadPose(Payload):
    """Degrees, 0 when facing the camera. Yaw > 0: turned towards the image's right;
    pitch > 0: looking up; roll > 0: head tilted clockwise in the image."""

    yaw: float
    pitch: float
    roll: float


class FrameObservation(Payload):
    """What one frame shows. None means "could not be judged" (no face, or eyes closed for gaze)."""

    timestamp_s: float = Field(ge=0)
    face_count: int = Field(ge=0)
    gaze_on_screen: bool | None
    head_pose: HeadPose | None
    eyes_closed: bool | None
    emotion: str | None
    emotion_scores: dict[str, float] | None


IntegrityFlagKind = Literal["no_face", "multiple_faces", "gaze_away"]


class IntegrityFlag(Payload):
    """A stretch of the recording a person should look at; never an automatic decision."""

    kind: IntegrityFlagKind
    start_s: float
    end_s: float
    detail: str


class EmotionObservation(Payload):
    """Facial-expression labels as observed by a model: not a measure of feelings, not scored."""

    # Share of analysed faces whose most likely label is each label.
    distribution: dict[str, float]
    # (timestamp_s, label) at each change of the most likely label.
    timeline: list[tuple[float, str]]
    model_id: str
    limitations: str


class VisionSummary(Payload):
    frames: int
    face_present_ratio: float
    # Among frames with a face whose gaze could be judged; None when there were none.
    gaze_on_screen_ratio: float | None
    # Blinks seen per minute of face-present time; a lower bound at sparse frame rates.
    blink_rate_per_min: float | None
    multiple_face_frames: int
    no_face_frames: int
    flags: list[IntegrityFlag]
    emotion: EmotionObservation | None
    models: list[str]


class FrameRef(Payload):
    frame_id: UUID
    timestamp_s: float = Field(ge=0)
    key: str = Field(min_length=1, max_length=500)


class FrameAnalysisRequest(Payload):
    """Analyse these frames of one turn, then summarise the turn with the observations it
    already had. The backend decides whether emotion runs (organisation setting and the
    candidate's consent); off means the emotion model is never run."""

    interview_id: UUID
    turn_id: UUID
    frames: list[FrameRef]
    earlier: list[FrameObservation] = []
    emotion_enabled: bool
    frame_interval_s: float = Field(gt=0)


class FrameOutcome(Payload):
    frame_id: UUID
    observation: FrameObservation | None = None
    error: str | None = None


class FrameAnalysisResult(Payload):
    interview_id: UUID
    turn_id: UUID
    outcomes: list[FrameOutcome]
    summary: VisionSummary
