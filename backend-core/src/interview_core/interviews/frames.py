"""Camera frames: consent-gated, JPEG only, size, dimensions and scans checked from the bytes
without decoding; written only with their rows (a failed batch leaves no file)."""

import struct
import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from interview_contracts.interviews import TurnTask
from interview_contracts.tasks import TaskName
from interview_core.accounts.models import User
from interview_core.broker.after_commit import run_after_commit
from interview_core.broker.client import send
from interview_core.config import get_infra_settings
from interview_core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    UnprocessableInput,
    UnsupportedMediaType,
)
from interview_core.interviews.models import Interview, InterviewStatus, Turn, VideoFrame
from interview_core.interviews.service import get_interview
from interview_core.uploads.limits import check_frames_quota
from interview_core.uploads.storage import write_upload

# Start-of-frame markers that carry a baseline, extended or progressive JPEG's size.
SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
# A progressive JPEG is decoded scan by scan: thousands of tiny scans make a small file cost
# the worker minutes. Cameras and canvases write one scan, progressive encoders about ten.
START_OF_SCAN = b"\xff\xda"
MAX_JPEG_SCANS = 100


def jpeg_dimensions(data: bytes) -> tuple[int, int]:
    """(width, height) from the JPEG header, without decoding the image."""
    if not data.startswith(b"\xff\xd8\xff"):
        raise UnsupportedMediaType("Frames must be JPEG images.", code="frame-not-jpeg")
    offset = 2
    while offset + 9 < len(data):
        if data[offset] != 0xFF:
            break
        marker = data[offset + 1]
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        if marker in SOF_MARKERS:
            height, width = struct.unpack(">HH", data[offset + 5 : offset + 9])
            return width, height
        offset += 2 + length
    raise UnprocessableInput("The JPEG header is damaged.", code="frame-corrupt")


def store_frames(
    session: Session,
    user: User,
    interview_id: uuid.UUID,
    turn_id: uuid.UUID,
    frames: list[tuple[int, float, bytes]],
) -> int:
    """Validate and store a batch of (sequence, timestamp_s, jpeg); returns frames stored."""
    settings = get_infra_settings()
    interview: Interview = get_interview(session, user, interview_id, lock=True)
    if interview.candidate_id != user.id:
        raise Forbidden("Only the candidate's own camera sends frames.")
    if not interview.consent_video:
        raise Forbidden("The candidate did not consent to video.", code="no-video-consent")
    if InterviewStatus(interview.status) is not InterviewStatus.IN_PROGRESS:
        raise Conflict(f"The interview is {interview.status}.", code="interview-not-in-progress")
    turn = session.get(Turn, turn_id)
    if turn is None or turn.interview_id != interview.id:
        raise NotFound("Turn not found.")
    if not frames:
        raise UnprocessableInput("Send at least one frame.", code="no-frames")
    if len(frames) > settings.max_frames_per_upload:
        raise PayloadTooLarge(
            f"At most {settings.max_frames_per_upload} frames per upload.", code="too-many-frames"
        )
    stored = session.scalar(select(func.count()).where(VideoFrame.turn_id == turn.id)) or 0
    if stored + len(frames) > settings.max_frames_per_turn:
        raise PayloadTooLarge(
            f"A turn keeps at most {settings.max_frames_per_turn} frames.", code="frame-quota"
        )
    check_frames_quota(interview.id, len(frames), sum(len(data) for _, _, data in frames))
    for _, _, data in frames:
        if len(data) > settings.vision_max_frame_bytes:
            raise PayloadTooLarge("A frame is too large.", code="frame-too-large")
        width, height = jpeg_dimensions(data)
        limit = settings.vision_max_frame_dimension
        if not (0 < width <= limit and 0 < height <= limit):
            raise UnprocessableInput(
                f"Frames must be at most {limit} pixels wide and high.", code="frame-dimensions"
            )
        # Entropy-coded data never holds FF DA (a data byte FF is always followed by 00), so
        # this counts the scans without decoding.
        if data.count(START_OF_SCAN) > MAX_JPEG_SCANS:
            raise UnprocessableInput(
                f"A frame has more than {MAX_JPEG_SCANS} scans; send baseline JPEG frames.",
                code="frame-too-complex",
            )
    # Media keys under limits.frames_prefix: the quota counts what is stored there.
    directory = f"frames/{interview.id}/{turn.id}"
    new_ids: list[uuid.UUID] = []
    for sequence, timestamp_s, data in frames:
        path = f"{directory}/{sequence:06d}.jpg"
        frame_id = session.scalar(
            insert(VideoFrame)
            .values(
                id=uuid.uuid4(),
                interview_id=interview.id,
                turn_id=turn.id,
                sequence=sequence,
                timestamp_s=timestamp_s,
                path=path,
            )
            .on_conflict_do_nothing(constraint="uq_video_frames_turn_sequence")
            .returning(VideoFrame.id)
        )
        if frame_id is not None:
            # Removed again if the batch fails before it commits.
            write_upload(session, path, data)
            new_ids.append(frame_id)
    if new_ids:
        payload = TurnTask(interview_id=interview.id, turn_id=turn.id)
        run_after_commit(session, lambda: send(TaskName.ANALYZE_FRAMES, payload))
    return len(new_ids)
