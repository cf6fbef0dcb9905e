"""Reading and removing stored media through the media store (interview_contracts.media). The
paths in the database are the store's keys."""

import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

from interview_contracts.media import MediaMissing, get_media_store

logger = logging.getLogger(__name__)

# The top folders of interviews/media.py (answer audio) and interviews/frames.py (frames).
INTERVIEW_MEDIA_ROOTS = ("interviews", "frames")
# Every object, whenever written: keys_older_than with this cutoff lists a whole prefix.
_ALWAYS = datetime.max.replace(tzinfo=UTC)


def read_media(key: str) -> bytes | None:
    """The object a row names, or None when it is gone or the key points outside the store."""
    try:
        return get_media_store().get(key)
    except MediaMissing:
        return None
    except ValueError:
        # A key that escapes the store is never followed, whatever the row says.
        logger.warning("media key refused", extra={"media_key": key})
        return None


def remove_media_file(key: str) -> bool:
    """Delete the object a row names; True unless the key points outside the store (then
    nothing is touched). An object already gone is fine: runs are repeatable."""
    try:
        get_media_store().delete(key)
    except ValueError:
        logger.warning("media key refused", extra={"media_key": key})
        return False
    return True


def interview_media_prefixes(interview_id: uuid.UUID) -> list[str]:
    """Where an interview's answer audio and camera frames are stored."""
    return [f"{root}/{interview_id}/" for root in INTERVIEW_MEDIA_ROOTS]


def media_files_written_before(cutoff: datetime) -> Iterator[tuple[uuid.UUID, list[str]]]:
    """Per interview, the keys of its objects last written before `cutoff`. Keys not under a
    folder named by an interview id are not ours and are left alone."""
    store = get_media_store()
    for root in INTERVIEW_MEDIA_ROOTS:
        by_interview: dict[uuid.UUID, list[str]] = {}
        for key in store.keys_older_than(f"{root}/", cutoff):
            parts = key.split("/")
            if len(parts) < 3:  # directly in the top folder: no interview's
                continue
            try:
                interview_id = uuid.UUID(parts[1])
            except ValueError:
                continue
            by_interview.setdefault(interview_id, []).append(key)
        yield from by_interview.items()


def remove_media_tree(prefix: str) -> int:
    """Delete every object under `prefix` (ending in "/"); returns how many there were."""
    store = get_media_store()
    keys = store.keys_older_than(prefix, _ALWAYS)
    for key in keys:
        store.delete(key)
    return len(keys)
