"""Retention enforcement: what has outlived its organisation's retention period is deleted.

Per organisation and kind of data, in batches of BATCH_SIZE rows, each batch its own
transaction: files first, then the rows that point to them, so a run cut short (a soft time
limit, a lost worker) leaves nothing pointing to a missing file and the next run carries on.
Running it twice deletes nothing more: every step selects only what is still there.

What each period covers, counted from when the data was recorded:
- frames: camera frames (files) and their per-frame observations (rows);
- audio: answer recordings (files; the turn keeps its text);
- transcripts: the answer text and the speech-to-text output of each turn, and the training
  examples of its interview (they quote its answers);
- embeddings: the résumé chunks (text and vectors) and the résumé's extracted text, of
  résumés used in the organisation's interviews.
A résumé no interview uses (never picked, or its interviews deleted) belongs to no
organisation: a run over every organisation clears its text and chunks once
UNUSED_RESUME_RETENTION_DAYS have passed since its upload.
Reports, scores, decisions and the per-turn vision summary are the organisation's record and
stay until the interview itself is deleted. While an organisation has emotion analysis off,
each run also deletes any expression observation of its interviews (privacy/emotion.py).

A run over every organisation also removes media files that no row points to once they are a
day old (ORPHANED_MEDIA_AFTER): a recording replaced after a failed transcription, or a file a
crashed request wrote without committing its row. A younger file may belong to a request still
in progress.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, exists, func, null, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from interview_core.accounts.models import EmotionAnalysis, Organisation
from interview_core.audit.service import record_audit
from interview_core.config import get_infra_settings
from interview_core.db.engine import session_scope
from interview_core.feedback.models import TrainingExample
from interview_core.interviews.models import Interview, Resume, Turn, VideoFrame
from interview_core.privacy.emotion import erase_emotion_observations
from interview_core.privacy.media import media_files_written_before, remove_media_file
from interview_core.retrieval.models import DocumentChunk, OwnerKind

logger = logging.getLogger(__name__)
BATCH_SIZE = 500
# Batches per kind and organisation in one run; what is left waits for the next run.
MAX_BATCHES = 200
ORPHANED_MEDIA_AFTER = timedelta(days=1)


@dataclass
class RetentionCounts:
    frames_deleted: int = 0
    frame_files_deleted: int = 0
    audio_deleted: int = 0
    transcripts_cleared: int = 0
    training_examples_deleted: int = 0
    embeddings_deleted: int = 0
    resume_texts_cleared: int = 0
    emotion_observations_erased: int = 0


@dataclass(frozen=True)
class RetentionPolicy:
    organisation_id: uuid.UUID
    frames_days: int | None
    audio_days: int | None
    transcripts_days: int | None
    embeddings_days: int | None
    emotion_analysis_off: bool

    @classmethod
    def of(cls, organisation: Organisation) -> "RetentionPolicy":
        return cls(
            organisation.id,
            organisation.frames_retention_days,
            organisation.audio_retention_days,
            organisation.transcripts_retention_days,
            organisation.embeddings_retention_days,
            EmotionAnalysis(organisation.emotion_analysis) is EmotionAnalysis.OFF,
        )


def _cutoff(now: datetime, days: int | None) -> datetime | None:
    return None if days is None else now - timedelta(days=days)


def _of_organisation(organisation_id: uuid.UUID) -> ColumnElement[bool]:
    return Interview.organisation_id == organisation_id


def _turn_recorded_at() -> ColumnElement[datetime]:
    return func.coalesce(Turn.answered_at, Turn.created_at)


def _in_batches(batch: Callable[[Session], int]) -> None:
    """Run `batch` in a transaction of its own until it finds nothing left (it returns the rows
    it handled), at most MAX_BATCHES times; what is left waits for the next run."""
    for _ in range(MAX_BATCHES):
        with session_scope() as session:
            if not batch(session):
                return


def _delete_frames(organisation_id: uuid.UUID, cutoff: datetime, counts: RetentionCounts) -> None:
    def batch(session: Session) -> int:
        rows = session.execute(
            select(VideoFrame.id, VideoFrame.path)
            .join(Interview, Interview.id == VideoFrame.interview_id)
            .where(_of_organisation(organisation_id), VideoFrame.created_at < cutoff)
            .order_by(VideoFrame.id)
            .limit(BATCH_SIZE)
            .with_for_update(of=VideoFrame, skip_locked=True)
        ).all()
        counts.frame_files_deleted += sum(remove_media_file(row.path) for row in rows if row.path)
        session.execute(delete(VideoFrame).where(VideoFrame.id.in_([row.id for row in rows])))
        counts.frames_deleted += len(rows)
        return len(rows)

    _in_batches(batch)


def _delete_audio(organisation_id: uuid.UUID, cutoff: datetime, counts: RetentionCounts) -> None:
    def batch(session: Session) -> int:
        rows = session.execute(
            select(Turn.id, Turn.audio_path)
            .join(Interview, Interview.id == Turn.interview_id)
            .where(
                _of_organisation(organisation_id),
                Turn.audio_path.is_not(None),
                _turn_recorded_at() < cutoff,
            )
            .order_by(Turn.id)
            .limit(BATCH_SIZE)
            .with_for_update(of=Turn, skip_locked=True)
        ).all()
        for row in rows:
            remove_media_file(row.audio_path)
        session.execute(
            update(Turn).where(Turn.id.in_([row.id for row in rows])).values(audio_path=None)
        )
        counts.audio_deleted += len(rows)
        return len(rows)

    _in_batches(batch)


def _clear_transcripts(
    organisation_id: uuid.UUID, cutoff: datetime, counts: RetentionCounts
) -> None:
    def batch(session: Session) -> int:
        ids = list(
            session.scalars(
                select(Turn.id)
                .join(Interview, Interview.id == Turn.interview_id)
                .where(
                    _of_organisation(organisation_id),
                    # A JSON null counts as nothing to clear, like SQL NULL.
                    or_(
                        Turn.answer_text.is_not(None),
                        func.jsonb_typeof(Turn.transcript) != "null",
                    ),
                    _turn_recorded_at() < cutoff,
                )
                .order_by(Turn.id)
                .limit(BATCH_SIZE)
                .with_for_update(of=Turn, skip_locked=True)
            )
        )
        session.execute(
            update(Turn).where(Turn.id.in_(ids)).values(transcript=null(), answer_text=None)
        )
        # Training examples quote the answers of their interview (feedback/service.py): they
        # go with the texts.
        removed = session.execute(
            delete(TrainingExample).where(
                TrainingExample.interview_id.in_(select(Turn.interview_id).where(Turn.id.in_(ids)))
            )
        )
        counts.training_examples_deleted += removed.rowcount  # type: ignore[attr-defined]
        counts.transcripts_cleared += len(ids)
        return len(ids)

    _in_batches(batch)


def _resumes_of(organisation_id: uuid.UUID) -> Select[uuid.UUID | None]:
    """The résumés the organisation's interviews used."""
    return select(Interview.resume_id).where(
        _of_organisation(organisation_id), Interview.resume_id.is_not(None)
    )


def _delete_embeddings(
    organisation_id: uuid.UUID, cutoff: datetime, counts: RetentionCounts
) -> None:
    resumes_in_organisation = _resumes_of(organisation_id)

    def batch(session: Session) -> int:
        ids = list(
            session.scalars(
                select(DocumentChunk.id)
                .where(
                    DocumentChunk.owner_kind == OwnerKind.RESUME.value,
                    DocumentChunk.owner_id.in_(resumes_in_organisation),
                    DocumentChunk.created_at < cutoff,
                )
                .order_by(DocumentChunk.id)
                .limit(BATCH_SIZE)
                .with_for_update(skip_locked=True)
            )
        )
        session.execute(delete(DocumentChunk).where(DocumentChunk.id.in_(ids)))
        counts.embeddings_deleted += len(ids)
        return len(ids)

    _in_batches(batch)


def _clear_resume_texts(
    organisation_id: uuid.UUID, cutoff: datetime, counts: RetentionCounts
) -> None:
    """The résumé's extracted text goes with its chunks; the row stays (name, size, date) so
    interviews still say which résumé they used. An empty text means removed."""
    resumes_in_organisation = _resumes_of(organisation_id)

    def batch(session: Session) -> int:
        ids = list(
            session.scalars(
                select(Resume.id)
                .where(
                    Resume.id.in_(resumes_in_organisation),
                    Resume.created_at < cutoff,
                    Resume.text != "",
                )
                .order_by(Resume.id)
                .limit(BATCH_SIZE)
                .with_for_update(skip_locked=True)
            )
        )
        session.execute(update(Resume).where(Resume.id.in_(ids)).values(text=""))
        counts.resume_texts_cleared += len(ids)
        return len(ids)

    _in_batches(batch)


def _unused_resumes(cutoff: datetime) -> Select[uuid.UUID]:
    """Résumés uploaded before `cutoff` that no interview (of any organisation) uses."""
    return select(Resume.id).where(
        Resume.created_at < cutoff,
        ~exists().where(Interview.resume_id == Resume.id),
    )


def expire_unused_resumes(now: datetime, days: int | None) -> RetentionCounts:
    """Clear the text and delete the chunks of résumés no interview uses, `days` after their
    upload (None: keep). No organisation's period applies to them: none has them. A résumé an
    interview uses later than that is used without its text, like one an organisation's
    period cleared."""
    counts = RetentionCounts()
    cutoff = _cutoff(now, days)
    if cutoff is None:
        return counts

    def batch(session: Session) -> int:
        ids = list(
            session.scalars(
                _unused_resumes(cutoff)
                .where(
                    or_(
                        Resume.text != "",
                        exists().where(
                            DocumentChunk.owner_kind == OwnerKind.RESUME.value,
                            DocumentChunk.owner_id == Resume.id,
                        ),
                    )
                )
                .order_by(Resume.id)
                .limit(BATCH_SIZE)
                .with_for_update(skip_locked=True)
            )
        )
        removed = session.execute(
            delete(DocumentChunk).where(
                DocumentChunk.owner_kind == OwnerKind.RESUME.value,
                DocumentChunk.owner_id.in_(ids),
            )
        )
        counts.embeddings_deleted += removed.rowcount  # type: ignore[attr-defined]
        session.execute(update(Resume).where(Resume.id.in_(ids)).values(text=""))
        counts.resume_texts_cleared += len(ids)
        return len(ids)

    _in_batches(batch)
    return counts


def enforce_for_organisation(policy: RetentionPolicy, now: datetime) -> RetentionCounts:
    counts = RetentionCounts()
    steps = (
        (_delete_frames, policy.frames_days),
        (_delete_audio, policy.audio_days),
        (_clear_transcripts, policy.transcripts_days),
        (_delete_embeddings, policy.embeddings_days),
        (_clear_resume_texts, policy.embeddings_days),
    )
    for step, days in steps:
        cutoff = _cutoff(now, days)
        if cutoff is not None:
            step(policy.organisation_id, cutoff, counts)
    if policy.emotion_analysis_off:
        with session_scope() as session:
            erased = erase_emotion_observations(session, policy.organisation_id)
        counts.emotion_observations_erased = erased.frames + erased.turn_summaries
    with session_scope() as session:
        record_audit(
            session,
            None,
            "retention.enforced",
            "organisation",
            policy.organisation_id,
            policy.organisation_id,
            {
                **asdict(counts),
                "periods_days": {
                    "frames": policy.frames_days,
                    "audio": policy.audio_days,
                    "transcripts": policy.transcripts_days,
                    "embeddings": policy.embeddings_days,
                },
                "emotion_analysis_off": policy.emotion_analysis_off,
                "run_at": now.isoformat(),
            },
        )
    return counts


def remove_orphaned_media(now: datetime) -> int:
    """Delete media files older than ORPHANED_MEDIA_AFTER that no turn or frame row names;
    returns how many. One short read per interview folder (and batch) holding such old files."""
    removed = 0
    for interview_id, found in media_files_written_before(now - ORPHANED_MEDIA_AFTER):
        for start in range(0, len(found), BATCH_SIZE):
            paths = found[start : start + BATCH_SIZE]
            with session_scope() as session:
                named = set(
                    session.scalars(
                        select(Turn.audio_path).where(
                            Turn.interview_id == interview_id, Turn.audio_path.in_(paths)
                        )
                    )
                ) | set(
                    session.scalars(
                        select(VideoFrame.path).where(
                            VideoFrame.interview_id == interview_id, VideoFrame.path.in_(paths)
                        )
                    )
                )
            removed += sum(remove_media_file(path) for path in paths if path not in named)
    return removed


def enforce_retention(
    organisation_id: uuid.UUID | None = None, now: datetime | None = None
) -> dict[uuid.UUID, RetentionCounts]:
    """Every organisation (or one), each with its own periods; returns what was deleted.
    A run over every organisation also removes orphaned media files."""
    now = now or datetime.now(UTC)
    with session_scope() as session:
        query = select(Organisation).order_by(Organisation.id)
        if organisation_id is not None:
            query = query.where(Organisation.id == organisation_id)
        policies = [RetentionPolicy.of(organisation) for organisation in session.scalars(query)]
    results: dict[uuid.UUID, RetentionCounts] = {}
    for policy in policies:
        results[policy.organisation_id] = enforce_for_organisation(policy, now)
        logger.info(
            "retention enforced",
            extra={
                "organisation_id": str(policy.organisation_id),
                **asdict(results[policy.organisation_id]),
            },
        )
    if organisation_id is None:
        orphans = remove_orphaned_media(now)
        logger.info("orphaned media removed", extra={"files_deleted": orphans})
        unused = expire_unused_resumes(now, get_infra_settings().unused_resume_retention_days)
        logger.info(
            "unused résumés expired",
            extra={
                "resume_texts_cleared": unused.resume_texts_cleared,
                "embeddings_deleted": unused.embeddings_deleted,
            },
        )
    return results
