"""The scheduled retention run (all organisations, on the real CPU worker) removes media files
that no row points to once they are a day old, and keeps younger ones and every file a row
names, however old."""

import os
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

from interview_contracts.privacy import RetentionTask
from interview_contracts.tasks import TaskName
from interview_core.broker.client import send
from tests.privacy.builders import make_organisation_with_recruiter, record_interview
from tests.support.media import file_store
from tests.support.stack import WorkerProcess

TWO_DAYS_S = 2 * 24 * 3600


def _write(relative: str, age_s: float) -> Path:
    store = file_store()
    store.put(relative, b"media")
    path = store.path_of(relative)
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))
    return path


def test_the_retention_run_removes_day_old_media_that_no_row_names(
    workers: Mapping[str, WorkerProcess],
) -> None:
    # Periods that expire nothing here: only orphans may go.
    organisation_id, recruiter = make_organisation_with_recruiter(
        frames=None, audio=None, transcripts=None, embeddings=None
    )
    recorded = record_interview(organisation_id, recruiter)
    for named in recorded.files:  # files rows point to, written long ago
        stamp = time.time() - TWO_DAYS_S
        os.utime(named, (stamp, stamp))
    interview, turn = recorded.interview_id, recorded.turn_id
    old_orphans = [
        # A recording replaced after a failed transcription, a frame of a failed batch.
        _write(f"interviews/{interview}/{turn}-replaced.wav", TWO_DAYS_S),
        _write(f"frames/{interview}/{turn}/000099.jpg", TWO_DAYS_S),
        # The folder of an interview that no longer exists.
        _write(f"interviews/{uuid.uuid4()}/{uuid.uuid4()}-left.webm", TWO_DAYS_S),
    ]
    # Possibly a request still in progress: younger than a day.
    recent_orphan = _write(f"interviews/{interview}/{turn}-uploading.webm", 3600)
    # Not a folder the platform writes: left alone.
    foreign = _write("interviews/not-an-interview/notes.txt", TWO_DAYS_S)

    send(TaskName.ENFORCE_RETENTION, RetentionTask()).get(timeout=120)

    assert [path.exists() for path in old_orphans] == [False] * len(old_orphans)
    assert not old_orphans[2].parent.exists()
    assert recent_orphan.exists() and foreign.exists()
    assert all(path.exists() for path in recorded.files)
