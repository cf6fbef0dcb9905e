"""Retention runs on the real CPU worker, and a real beat process schedules it."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from interview_contracts.privacy import RetentionTask
from interview_contracts.tasks import TaskName
from interview_core.audit.models import AuditEvent
from interview_core.broker.client import send
from interview_core.db.engine import session_scope
from interview_core.interviews.models import Turn, VideoFrame
from interview_core.retrieval.models import DocumentChunk
from tests.privacy.builders import (
    FRAMES_PER_TURN,
    RecordedInterview,
    make_organisation_with_recruiter,
    record_interview,
)
from tests.support.stack import TestStack, WorkerProcess, _die_with_parent


def _state(recorded: RecordedInterview) -> dict[str, object]:
    with session_scope() as session:
        turn = session.get_one(Turn, recorded.turn_id)
        return {
            "frames": session.scalar(
                select(func.count()).where(VideoFrame.turn_id == recorded.turn_id)
            ),
            "audio_path": turn.audio_path,
            "answer_text": turn.answer_text,
            "transcript": turn.transcript,
            "chunks": session.scalar(
                select(func.count()).where(DocumentChunk.owner_id == recorded.resume_id)
            ),
            "files": [path.exists() for path in recorded.files],
        }


def _audits(organisation_id: uuid.UUID, since: datetime) -> list[AuditEvent]:
    with session_scope() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "retention.enforced",
                    AuditEvent.organisation_id == organisation_id,
                    AuditEvent.created_at >= since,
                )
            )
        )


def test_retention_task_deletes_only_what_expired(
    workers: Mapping[str, WorkerProcess],
) -> None:
    # Organisation A: short periods; its old interview expires, its recent one does not.
    org_a, recruiter_a = make_organisation_with_recruiter(
        frames=10, audio=20, transcripts=30, embeddings=30
    )
    expired = record_interview(org_a, recruiter_a, age_days=45)
    recent = record_interview(org_a, recruiter_a, age_days=2)
    # Organisation B: keeps everything (null periods), however old.
    org_b, recruiter_b = make_organisation_with_recruiter(
        frames=None, audio=None, transcripts=None, embeddings=None
    )
    other = record_interview(org_b, recruiter_b, age_days=400)
    started = datetime.now(UTC)

    for _ in range(2):  # the second run finds nothing more: the task is repeatable
        for organisation_id in (org_a, org_b):
            result = send(
                TaskName.ENFORCE_RETENTION, RetentionTask(organisation_id=organisation_id)
            )
            result.get(timeout=120)

    gone = _state(expired)
    assert gone["frames"] == 0
    assert gone["audio_path"] is None
    assert gone["answer_text"] is None and gone["transcript"] is None
    assert gone["chunks"] == 0
    assert gone["files"] == [False] * (1 + FRAMES_PER_TURN)
    # Empty per-turn frame folders are removed too.
    assert not expired.frame_files[0].parent.exists()

    for kept in (recent, other):
        state = _state(kept)
        assert state["frames"] == FRAMES_PER_TURN
        assert state["audio_path"] is not None
        assert state["answer_text"] and state["transcript"]
        assert state["chunks"] == 1
        assert state["files"] == [True] * (1 + FRAMES_PER_TURN)

    runs_a = sorted(_audits(org_a, started), key=lambda event: event.created_at)
    assert len(runs_a) == 2
    first, second = runs_a[0].details, runs_a[1].details
    assert first["frames_deleted"] == FRAMES_PER_TURN
    assert first["frame_files_deleted"] == FRAMES_PER_TURN
    assert first["audio_deleted"] == 1
    assert first["transcripts_cleared"] == 1
    assert first["embeddings_deleted"] == 1
    assert second["frames_deleted"] == second["audio_deleted"] == 0
    assert second["transcripts_cleared"] == second["embeddings_deleted"] == 0
    runs_b = _audits(org_b, started)
    assert len(runs_b) == 2 and runs_b[0].details["frames_deleted"] == 0


def test_beat_process_sends_the_scheduled_retention_run(
    stack: TestStack, workers: Mapping[str, WorkerProcess], tmp_path: Path
) -> None:
    """A real `--role beat` process, with a one-second interval, gets a retention run to the
    CPU worker: an audit entry of a run appears that this test did not send."""
    organisation_id, _ = make_organisation_with_recruiter()
    started = datetime.now(UTC)
    log_path = tmp_path / "beat.log"
    with log_path.open("wb") as log:
        beat = subprocess.Popen(
            [sys.executable, "-m", "interview_core.broker.worker", "--role", "beat"],
            env=stack.worker_env({"RETENTION_INTERVAL_S": "1", "DATA_DIR": str(tmp_path)}),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not _audits(organisation_id, started):
                assert beat.poll() is None, log_path.read_text(errors="replace")[-3000:]
                time.sleep(0.5)
        finally:
            os.killpg(beat.pid, 15)
            beat.wait(timeout=30)
    assert _audits(organisation_id, started), log_path.read_text(errors="replace")[-3000:]
    # Its schedule file lives in the data directory.
    assert any(path.name.startswith("celerybeat-schedule") for path in tmp_path.iterdir())
