"""Frame observations of a turn (or of a whole interview, on the interview's clock) to a summary.

Integrity flags mark stretches for a person to review; nothing here decides about a candidate.
"""

from collections import Counter
from collections.abc import Callable
from itertools import pairwise

from ai_worker.vision import emotion, faces
from ai_worker.vision.settings import get_vision_settings
from interview_contracts.vision import (
    EmotionObservation,
    FrameObservation,
    IntegrityFlag,
    IntegrityFlagKind,
    VisionSummary,
)

# Frames further apart than this many intervals belong to different stretches (a gap in
# the upload, or the boundary between two turns).
MAX_GAP_INTERVALS = 1.5

Matcher = Callable[[FrameObservation], bool]


def _runs(
    observations: list[FrameObservation],
    frame_interval_s: float,
    matches: Matcher,
) -> list[list[FrameObservation]]:
    """Stretches of consecutive frames that all match."""
    runs: list[list[FrameObservation]] = []
    current: list[FrameObservation] = []
    for observation in observations:
        contiguous = (
            bool(current)
            and observation.timestamp_s - current[-1].timestamp_s
            <= frame_interval_s * MAX_GAP_INTERVALS
        )
        if matches(observation) and (contiguous or not current):
            current.append(observation)
            continue
        if current:
            runs.append(current)
        current = [observation] if matches(observation) else []
    if current:
        runs.append(current)
    return runs


def _flags(observations: list[FrameObservation], frame_interval_s: float) -> list[IntegrityFlag]:
    settings = get_vision_settings()
    rules: list[tuple[IntegrityFlagKind, Matcher, float, Callable[[float, int], str]]] = [
        (
            "no_face",
            lambda o: o.face_count == 0,
            settings.vision_no_face_flag_s,
            lambda seconds, _: f"no face visible for {seconds:.1f} s",
        ),
        (
            "multiple_faces",
            lambda o: o.face_count > 1,
            settings.vision_multiple_faces_flag_s,
            lambda seconds, most: f"up to {most} faces visible for {seconds:.1f} s",
        ),
        (
            "gaze_away",
            lambda o: o.gaze_on_screen is False,
            settings.vision_gaze_away_flag_s,
            lambda seconds, _: f"looking away from the screen for {seconds:.1f} s",
        ),
    ]
    flags = []
    for kind, matches, threshold_s, describe in rules:
        for run in _runs(observations, frame_interval_s, matches):
            start_s = run[0].timestamp_s
            end_s = run[-1].timestamp_s + frame_interval_s
            if end_s - start_s >= threshold_s:
                most_faces = max(o.face_count for o in run)
                flags.append(
                    IntegrityFlag(
                        kind=kind,
                        start_s=start_s,
                        end_s=end_s,
                        detail=describe(end_s - start_s, most_faces),
                    )
                )
    return sorted(flags, key=lambda flag: flag.start_s)


def _blinks(observations: list[FrameObservation]) -> int:
    """Open-to-closed transitions between consecutive frames where the eyes were seen."""
    states = [o.eyes_closed for o in observations if o.eyes_closed is not None]
    return sum(1 for before, after in pairwise(states) if after and not before)


def _emotion(observations: list[FrameObservation]) -> EmotionObservation | None:
    labelled = [o for o in observations if o.emotion is not None]
    if not labelled:
        return None
    counts = Counter(o.emotion for o in labelled)
    timeline: list[tuple[float, str]] = []
    for observation in labelled:
        assert observation.emotion is not None
        if not timeline or timeline[-1][1] != observation.emotion:
            timeline.append((observation.timestamp_s, observation.emotion))
    return EmotionObservation(
        distribution={label: counts[label] / len(labelled) for label in emotion.EMOTION_LABELS},
        timeline=timeline,
        model_id=emotion.configured_model_id() or "unknown",
        limitations=emotion.LIMITATIONS,
    )


def summarize(
    observations: list[FrameObservation], frame_interval_s: float, emotion_enabled: bool
) -> VisionSummary:
    """Ratios, blink rate, integrity flags and (only when enabled) the emotion observation.

    For a whole interview, pass every turn's observations with timestamps on the interview's
    clock; the gaps between turns split the flagged stretches.
    """
    ordered = sorted(observations, key=lambda o: o.timestamp_s)
    with_face = [o for o in ordered if o.face_count > 0]
    judged_gaze = [o for o in ordered if o.gaze_on_screen is not None]
    face_minutes = len(with_face) * frame_interval_s / 60
    emotion_summary = _emotion(ordered) if emotion_enabled else None
    models = [faces.detection_model_id(), faces.MESH_MODEL_ID]
    if emotion_summary is not None:
        models.append(emotion_summary.model_id)
    return VisionSummary(
        frames=len(ordered),
        face_present_ratio=len(with_face) / len(ordered) if ordered else 0.0,
        gaze_on_screen_ratio=(
            sum(1 for o in judged_gaze if o.gaze_on_screen) / len(judged_gaze)
            if judged_gaze
            else None
        ),
        blink_rate_per_min=_blinks(with_face) / face_minutes if face_minutes > 0 else None,
        multiple_face_frames=sum(1 for o in ordered if o.face_count > 1),
        no_face_frames=len(ordered) - len(with_face),
        flags=_flags(ordered, frame_interval_s),
        emotion=emotion_summary,
        models=models,
    )
