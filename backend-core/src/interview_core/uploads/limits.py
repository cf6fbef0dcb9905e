"""Upload limits: a rate per user counted in PostgreSQL (as login throttling is), and storage
quotas per interview (audio answers, camera frames) and per candidate (résumés).

Quotas measure what the media store holds, so objects a refused or retried request left behind
count too, and nothing already stored is ever removed to make room.
"""

import math
import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from interview_contracts.media import MediaUsage, get_media_store
from interview_core.config import get_settings
from interview_core.db.engine import session_scope
from interview_core.errors import PayloadTooLarge
from interview_core.errors.problems import TooManyRequests
from interview_core.interviews.models import Resume
from interview_core.uploads.models import UploadRequest


class UploadKind(StrEnum):
    AUDIO = "audio"
    FRAMES = "frames"
    RESUME = "resume"


def check_upload_rate(user_id: uuid.UUID, kind: UploadKind) -> None:
    """Record this upload request, then refuse it (429) when the user made too many lately.

    Recorded in its own transaction first, so refused and failed requests count as well: a
    client retrying in a loop is slowed down whatever its requests contain.
    """
    settings = get_settings()
    now = datetime.now(UTC)
    window = timedelta(seconds=settings.upload_rate_window_s)
    window_start = now - window
    with session_scope() as session:
        session.add(UploadRequest(user_id=user_id, kind=kind.value))
        session.flush()
        count, oldest = session.execute(
            select(func.count(), func.min(UploadRequest.created_at)).where(
                UploadRequest.user_id == user_id, UploadRequest.created_at > window_start
            )
        ).one()
        # Rows older than any window are of no further use; the user's own are pruned here.
        session.execute(
            delete(UploadRequest).where(
                UploadRequest.user_id == user_id,
                UploadRequest.created_at < now - 2 * window,
            )
        )
    if count > settings.upload_max_requests_per_window:
        retry_after = oldest + timedelta(seconds=settings.upload_rate_window_s)
        seconds = max(1, math.ceil((retry_after - datetime.now(UTC)).total_seconds()))
        raise TooManyRequests(
            f"Too many uploads: at most {settings.upload_max_requests_per_window} every "
            f"{settings.upload_rate_window_s} seconds. Try again in {seconds} seconds.",
            code="upload-rate-limited",
            headers={"Retry-After": str(seconds)},
        )


def stored_usage(prefix: str) -> MediaUsage:
    return get_media_store().usage(prefix)


def _refuse_over(
    usage: MediaUsage,
    adding_files: int,
    adding_bytes: int,
    max_files: int,
    max_bytes: int,
    what: str,
    code: str,
) -> None:
    if usage.files + adding_files > max_files:
        raise PayloadTooLarge(
            f"This interview already keeps {usage.files} {what}; at most {max_files} are allowed.",
            code=code,
            limit=max_files,
            used=usage.files,
        )
    if usage.bytes + adding_bytes > max_bytes:
        raise PayloadTooLarge(
            f"This interview's {what} would take more than {max_bytes} bytes "
            f"({usage.bytes} stored).",
            code=code,
            limit_bytes=max_bytes,
            used_bytes=usage.bytes,
        )


def audio_prefix(interview_id: uuid.UUID) -> str:
    """Where an interview's answer audio is stored (interviews/media.py writes the keys)."""
    return f"interviews/{interview_id}/"


def frames_prefix(interview_id: uuid.UUID) -> str:
    """Where an interview's camera frames are stored (interviews/frames.py writes the keys)."""
    return f"frames/{interview_id}/"


def check_audio_quota(interview_id: uuid.UUID, adding_bytes: int) -> None:
    settings = get_settings()
    _refuse_over(
        stored_usage(audio_prefix(interview_id)),
        1,
        adding_bytes,
        settings.interview_max_audio_uploads,
        settings.interview_max_audio_bytes,
        "audio answers",
        "interview-audio-quota",
    )


def check_frames_quota(interview_id: uuid.UUID, adding_files: int, adding_bytes: int) -> None:
    settings = get_settings()
    _refuse_over(
        stored_usage(frames_prefix(interview_id)),
        adding_files,
        adding_bytes,
        settings.interview_max_frame_uploads,
        settings.interview_max_frame_bytes,
        "camera frames",
        "interview-frames-quota",
    )


def check_resume_quota(session: Session, candidate_id: uuid.UUID, adding_bytes: int) -> None:
    """Résumés belong to the candidate (one is picked per interview when it starts)."""
    settings = get_settings()
    count, size = session.execute(
        select(func.count(), func.coalesce(func.sum(Resume.size_bytes), 0)).where(
            Resume.candidate_id == candidate_id
        )
    ).one()
    if count + 1 > settings.candidate_max_resumes:
        raise PayloadTooLarge(
            f"You already keep {count} résumés; at most {settings.candidate_max_resumes} are "
            "allowed.",
            code="resume-quota",
            limit=settings.candidate_max_resumes,
            used=count,
        )
    if size + adding_bytes > settings.candidate_max_resume_bytes:
        raise PayloadTooLarge(
            f"Your résumés would take more than {settings.candidate_max_resume_bytes} bytes "
            f"({size} stored).",
            code="resume-quota",
            limit_bytes=settings.candidate_max_resume_bytes,
            used_bytes=size,
        )
