"""summarize over sequences built from the real observations of the fixture images."""

import pytest

from ai_worker.vision import emotion, faces
from ai_worker.vision.aggregate import summarize
from ai_worker.vision.settings import get_vision_settings
from interview_contracts.vision import FrameObservation, VisionSummary


def _at(observation: FrameObservation, timestamp_s: float, **changes: object) -> FrameObservation:
    return observation.model_copy(update={"timestamp_s": timestamp_s, **changes})


def _timeline(*frames: FrameObservation) -> list[FrameObservation]:
    """The given frames one second apart, starting at 0."""
    return [_at(frame, float(second)) for second, frame in enumerate(frames)]


def test_a_long_absence_raises_a_no_face_flag_for_review(
    face_observation: FrameObservation, no_face_observation: FrameObservation
) -> None:
    absent_s = int(get_vision_settings().vision_no_face_flag_s) + 1
    frames = _timeline(*[face_observation] * 3, *[no_face_observation] * absent_s)
    summary = summarize(frames, frame_interval_s=1.0, emotion_enabled=False)
    assert summary.frames == 3 + absent_s
    assert summary.no_face_frames == absent_s
    assert summary.face_present_ratio == pytest.approx(3 / (3 + absent_s))
    assert [(flag.kind, flag.start_s, flag.end_s) for flag in summary.flags] == [
        ("no_face", 3.0, 3.0 + absent_s)
    ]


def test_a_short_absence_or_one_split_by_a_gap_raises_no_flag(
    face_observation: FrameObservation, no_face_observation: FrameObservation
) -> None:
    short_s = int(get_vision_settings().vision_no_face_flag_s) - 1
    frames = _timeline(face_observation, *[no_face_observation] * short_s, face_observation)
    assert summarize(frames, 1.0, emotion_enabled=False).flags == []
    # Two absences in different turns (timestamps far apart) are not one long absence.
    split = [
        _at(no_face_observation, float(second))
        for second in [*range(short_s), *range(100, 100 + short_s)]
    ]
    summary = summarize(split, 1.0, emotion_enabled=False)
    assert summary.no_face_frames == 2 * short_s
    assert summary.flags == []


def test_a_second_face_raises_a_multiple_faces_flag(
    face_observation: FrameObservation, two_faces_observation: FrameObservation
) -> None:
    frames = _timeline(
        face_observation, two_faces_observation, two_faces_observation, face_observation
    )
    summary = summarize(frames, 1.0, emotion_enabled=False)
    assert summary.multiple_face_frames == 2
    assert summary.face_present_ratio == 1.0
    [flag] = summary.flags
    assert (flag.kind, flag.start_s, flag.end_s) == ("multiple_faces", 1.0, 3.0)
    assert "2 faces" in flag.detail


def test_looking_away_for_long_raises_a_gaze_away_flag(face_observation: FrameObservation) -> None:
    away_s = int(get_vision_settings().vision_gaze_away_flag_s) + 2
    looking_away = face_observation.model_copy(update={"gaze_on_screen": False})
    frames = _timeline(*[face_observation] * 4, *[looking_away] * away_s, *[face_observation] * 2)
    summary = summarize(frames, 1.0, emotion_enabled=False)
    assert summary.gaze_on_screen_ratio == pytest.approx(6 / (6 + away_s))
    assert [(flag.kind, flag.start_s, flag.end_s) for flag in summary.flags] == [
        ("gaze_away", 4.0, 4.0 + away_s)
    ]


def test_blink_rate_counts_open_to_closed_transitions(face_observation: FrameObservation) -> None:
    closed = face_observation.model_copy(update={"eyes_closed": True, "gaze_on_screen": None})
    frames = _timeline(face_observation, closed, face_observation, face_observation, closed, closed)
    summary = summarize(frames, frame_interval_s=0.5, emotion_enabled=False)
    # Two blinks in six half-second frames: 3 s of face time.
    assert summary.blink_rate_per_min == pytest.approx(2 / 3 * 60)
    assert summary.gaze_on_screen_ratio == 1.0


def test_emotion_is_an_observation_with_its_model_and_limits(
    face_observation: FrameObservation,
) -> None:
    neutral = face_observation.model_copy(update={"emotion": "neutral"})
    frames = _timeline(face_observation, face_observation, neutral, face_observation)
    summary = summarize(frames, 1.0, emotion_enabled=True)
    assert summary.emotion is not None
    assert summary.emotion.distribution["happy"] == pytest.approx(0.75)
    assert summary.emotion.distribution["neutral"] == pytest.approx(0.25)
    assert set(summary.emotion.distribution) == set(emotion.EMOTION_LABELS)
    assert summary.emotion.timeline == [(0.0, "happy"), (2.0, "neutral"), (3.0, "happy")]
    assert summary.emotion.model_id == emotion.configured_model_id()
    assert "FER2013" in summary.emotion.limitations
    assert "never part of competency scores" in summary.emotion.limitations
    assert summary.emotion.model_id in summary.models
    assert VisionSummary.model_validate_json(summary.model_dump_json()) == summary


def test_emotion_disabled_summary_has_no_emotion_data(face_observation: FrameObservation) -> None:
    summary = summarize(_timeline(face_observation, face_observation), 1.0, emotion_enabled=False)
    assert summary.emotion is None
    assert summary.models == [faces.detection_model_id(), faces.MESH_MODEL_ID]


def test_an_empty_turn_summarizes_to_zeroes() -> None:
    summary = summarize([], 1.0, emotion_enabled=True)
    assert summary.frames == 0
    assert summary.face_present_ratio == 0.0
    assert summary.flags == []
    assert summary.emotion is None
    assert summary.gaze_on_screen_ratio is None
    assert summary.blink_rate_per_min is None
