"""Removing stored media. Paths in the database are relative to the media directory."""

import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from interview_core.config import get_infra_settings


def _inside_media(relative: str | Path) -> Path | None:
    media = get_infra_settings().media_dir.resolve()
    target = (media / relative).resolve()
    # A path that escapes the media directory is never followed, whatever the row says.
    return target if target.is_relative_to(media) and target != media else None


def media_file(relative: str) -> Path | None:
    """The stored file a row names, or None when it is gone or lies outside the media directory."""
    target = _inside_media(relative)
    return target if target is not None and target.is_file() else None


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


# The top folders of interviews/media.py (answer audio) and interviews/frames.py (frames).
INTERVIEW_MEDIA_ROOTS = ("interviews", "frames")


def interview_media_dirs(interview_id: uuid.UUID) -> list[str]:
    """Where an interview's answer audio and camera frames are stored."""
    return [f"{root}/{interview_id}" for root in INTERVIEW_MEDIA_ROOTS]


def media_files_written_before(cutoff: datetime) -> Iterator[tuple[uuid.UUID, list[str]]]:
    """Per interview folder, the files (paths as rows store them) last written before `cutoff`.
    Folders not named by an interview id are not ours and are left alone."""
    media = get_infra_settings().media_dir
    limit = cutoff.timestamp()
    for root in INTERVIEW_MEDIA_ROOTS:
        top = media / root
        if not top.is_dir():
            continue
        for folder in top.iterdir():
            try:
                interview_id = uuid.UUID(folder.name)
            except ValueError:
                continue
            old = [
                path.relative_to(media).as_posix()
                for path in folder.rglob("*")
                if path.is_file() and path.stat().st_mtime < limit
            ]
            if old:
                yield interview_id, old


def remove_media_tree(relative: str) -> int:
    """Remove a folder of media; returns the number of files it held."""
    target = _inside_media(relative)
    if target is None or not target.is_dir():
        return 0
    files = sum(1 for path in target.rglob("*") if path.is_file())
    shutil.rmtree(target)
    return files
