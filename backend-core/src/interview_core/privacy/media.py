"""Removing stored media. Paths in the database are relative to the media directory."""

import shutil
import uuid
from pathlib import Path

from interview_core.config import get_infra_settings


def _inside_media(relative: str | Path) -> Path | None:
    media = get_infra_settings().media_dir.resolve()
    target = (media / relative).resolve()
    # A path that escapes the media directory is never followed, whatever the row says.
    return target if target.is_relative_to(media) and target != media else None


def remove_media_file(relative: str) -> bool:
    """True when a file was removed; a file already gone is fine (runs are repeatable)."""
    target = _inside_media(relative)
    if target is None or not target.is_file():
        return False
    target.unlink(missing_ok=True)
    # Leave no empty per-turn or per-interview folders behind (the top folders stay).
    media = get_infra_settings().media_dir.resolve()
    for parent in (target.parent, target.parent.parent):
        if len(parent.relative_to(media).parts) < 2:
            break
        try:
            parent.rmdir()
        except OSError:
            break
    return True


def interview_media_dirs(interview_id: uuid.UUID) -> list[str]:
    """Where an interview's answer audio and camera frames are stored (interviews/media.py and
    interviews/frames.py)."""
    return [f"interviews/{interview_id}", f"frames/{interview_id}"]


def remove_media_tree(relative: str) -> int:
    """Remove a folder of media; returns the number of files it held."""
    target = _inside_media(relative)
    if target is None or not target.is_dir():
        return 0
    files = sum(1 for path in target.rglob("*") if path.is_file())
    shutil.rmtree(target)
    return files
