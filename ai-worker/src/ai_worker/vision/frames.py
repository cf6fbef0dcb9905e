"""One video frame (a JPEG still from the candidate's camera) to a FrameObservation."""

import io

import numpy as np
from PIL import Image, UnidentifiedImageError

from ai_worker.vision import emotion, faces, gaze
from ai_worker.vision.settings import VisionSettings, get_vision_settings
from interview_contracts.vision import FrameObservation

# Margin added around the detector's box before classifying the expression: the box is
# tight, while the expression model was trained on crops including brows and chin.
EMOTION_CROP_MARGIN = 0.1


class FrameInputError(ValueError):
    """The frame is not a decodable image, or exceeds the configured size limits."""


def decode_frame(image_bytes: bytes, settings: VisionSettings) -> faces.RGBImage:
    """RGB uint8 pixels; the size limits are checked before the pixels are decoded."""
    if not image_bytes:
        raise FrameInputError("empty frame")
    if len(image_bytes) > settings.vision_max_frame_bytes:
        raise FrameInputError(
            f"frame is {len(image_bytes)} bytes; the limit is {settings.vision_max_frame_bytes}"
        )
    try:
        # Image.open reads only the header, so the dimension check runs before decoding.
        image = Image.open(io.BytesIO(image_bytes))
        width, height = image.size
        limit = settings.vision_max_frame_dimension
        if max(width, height) > limit:
            raise FrameInputError(f"frame is {width}x{height}; the limit is {limit} pixels")
        # Pillow may be set process-wide to pad truncated files (WeasyPrint does so); a frame
        # cut short in upload must be refused, not analysed half grey.
        if image.format == "JPEG" and not image_bytes.rstrip(b"\x00").endswith(b"\xff\xd9"):
            raise FrameInputError("undecodable frame: the JPEG is truncated")
        return np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise FrameInputError(f"undecodable frame: {error}") from error


def crop_face(rgb: faces.RGBImage, face: faces.FaceBox) -> faces.RGBImage:
    height, width = rgb.shape[:2]
    margin_x = int((face.right - face.left) * EMOTION_CROP_MARGIN)
    margin_y = int((face.bottom - face.top) * EMOTION_CROP_MARGIN)
    return rgb[
        max(0, face.top - margin_y) : min(height, face.bottom + margin_y),
        max(0, face.left - margin_x) : min(width, face.right + margin_x),
    ]


def analyze_frame(jpeg_bytes: bytes, timestamp_s: float, emotion_enabled: bool) -> FrameObservation:
    """Faces, gaze, head pose and eye closure of the largest face, and its expression only when
    the organisation allows emotion analysis (otherwise the model is neither loaded nor run).

    Raises FrameInputError for an undecodable or oversize image.
    """
    settings = get_vision_settings()
    rgb = decode_frame(jpeg_bytes, settings)
    detected = faces.detect_faces(rgb)
    landmarks = faces.face_landmarks(rgb) if detected else None
    reading = gaze.read_gaze(landmarks) if landmarks is not None else None

    scores = None
    classifier = emotion.get_emotion_classifier() if emotion_enabled and detected else None
    if classifier is not None:
        scores = classifier.classify(crop_face(rgb, detected[0]))

    return FrameObservation(
        timestamp_s=timestamp_s,
        face_count=len(detected),
        gaze_on_screen=gaze.gaze_on_screen(reading, settings) if reading else None,
        head_pose=reading.head_pose if reading else None,
        eyes_closed=gaze.eyes_closed(reading, settings) if reading else None,
        emotion=emotion.dominant_label(scores) if scores else None,
        emotion_scores=scores,
    )
