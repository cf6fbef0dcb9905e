"""Uploaded answer audio: type sniffed from the bytes, size capped, stored in the media store."""

import uuid

from sqlalchemy.orm import Session

from interview_core.config import get_infra_settings
from interview_core.errors import PayloadTooLarge, UnprocessableInput, UnsupportedMediaType
from interview_core.uploads.storage import write_upload

# Containers browsers record (webm, ogg, mp4) and the usual uploads (wav, mp3).
AUDIO_SIGNATURES: list[tuple[str, int, bytes]] = [
    ("webm", 0, b"\x1a\x45\xdf\xa3"),
    ("ogg", 0, b"OggS"),
    ("wav", 8, b"WAVE"),
    ("mp4", 4, b"ftyp"),
    ("mp3", 0, b"ID3"),
    ("mp3", 0, b"\xff\xfb"),
    ("mp3", 0, b"\xff\xf3"),
    ("mp3", 0, b"\xff\xf2"),
]
# What a stored file is served as: its extension is the sniffed container above.
AUDIO_MEDIA_TYPES: dict[str, str] = {
    "webm": "audio/webm",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "mp4": "audio/mp4",
    "mp3": "audio/mpeg",
}


def sniff_audio(data: bytes) -> str:
    for extension, offset, signature in AUDIO_SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return extension
    raise UnsupportedMediaType(
        "The file is not audio in a supported format (webm, ogg, mp4, wav, mp3).",
        code="unsupported-audio",
    )


def store_answer_audio(
    session: Session, interview_id: uuid.UUID, turn_id: uuid.UUID, data: bytes
) -> str:
    """Validate and store; returns the media key (stored in `turns.audio_path`). Called once
    the answer is accepted, and the object stays only if `session` commits."""
    settings = get_infra_settings()
    if not data:
        raise UnprocessableInput("The audio file is empty.", code="empty-audio")
    if len(data) > settings.max_audio_upload_bytes:
        raise PayloadTooLarge(
            f"Audio larger than {settings.max_audio_upload_bytes} bytes.", code="audio-too-large"
        )
    extension = sniff_audio(data)
    # Under limits.audio_prefix: the quota counts what is stored there.
    key = f"interviews/{interview_id}/{turn_id}-{uuid.uuid4().hex[:8]}.{extension}"
    write_upload(session, key, data)
    return key
