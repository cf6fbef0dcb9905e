"""Real rows and real stored media (the suite's file store) of one candidate's interview,
optionally recorded long ago."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from interview_core.accounts.models import Organisation, User, UserRole
from interview_core.db.engine import session_scope
from interview_core.interviews import service as interviews
from interview_core.interviews.models import Interview, Resume, Turn, VideoFrame
from interview_core.interviews.schemas import Consent, InterviewCreate
from interview_core.jobs.schemas import JobCreate
from interview_core.jobs.service import create_job
from interview_core.retrieval.models import DocumentChunk, OwnerKind
from tests.support.accounts import make_organisation, make_user
from tests.support.media import file_store

FRAMES_PER_TURN = 3
RESUME_TEXT = "Ten years of Python services."


def resume_with_chunk(
    session: Session,
    candidate_id: uuid.UUID,
    *,
    chunked_at: datetime,
    uploaded_at: datetime | None = None,
) -> uuid.UUID:
    """A candidate's résumé (uploaded now unless said) and one chunk of its text."""
    resume = Resume(
        candidate_id=candidate_id,
        filename="cv.txt",
        content_type="text/plain",
        size_bytes=len(RESUME_TEXT),
        text=RESUME_TEXT,
        **({"created_at": uploaded_at} if uploaded_at else {}),
    )
    session.add(resume)
    session.flush()
    session.add(
        DocumentChunk(
            owner_kind=OwnerKind.RESUME.value,
            owner_id=resume.id,
            ordinal=0,
            text=RESUME_TEXT,
            created_at=chunked_at,
        )
    )
    return resume.id


@dataclass
class RecordedInterview:
    organisation_id: uuid.UUID
    candidate_id: uuid.UUID
    candidate_email: str
    interview_id: uuid.UUID
    turn_id: uuid.UUID
    resume_id: uuid.UUID
    audio_file: Path
    frame_files: list[Path]

    @property
    def files(self) -> list[Path]:
        return [self.audio_file, *self.frame_files]


def make_organisation_with_recruiter(**retention_days: int | None) -> tuple[uuid.UUID, User]:
    with session_scope() as session:
        organisation = make_organisation(session)
        for field, days in retention_days.items():
            setattr(organisation, f"{field}_retention_days", days)
        recruiter = make_user(session, UserRole.RECRUITER, organisation, owner=True)
        return organisation.id, recruiter


def record_interview(
    organisation_id: uuid.UUID,
    recruiter: User,
    *,
    age_days: float = 0,
    candidate: User | None = None,
) -> RecordedInterview:
    """An interview whose first turn has an answer, a transcript, an audio file, camera frames
    (files and observations) and a résumé with chunks, all recorded `age_days` ago."""
    store = file_store()
    recorded_at = datetime.now(UTC) - timedelta(days=age_days)
    with session_scope() as session:
        if candidate is None:
            candidate = make_user(session, UserRole.CANDIDATE)
        candidate = session.get_one(User, candidate.id)
        recruiter_row = session.get_one(User, recruiter.id)
        assert session.get_one(Organisation, organisation_id)
        job = create_job(
            session, recruiter_row, JobCreate(title="Engineer", description="Builds services.")
        )
        resume_id = resume_with_chunk(session, candidate.id, chunked_at=recorded_at)
        interview, token = interviews.create_interview(
            session,
            recruiter_row,
            InterviewCreate(job_id=job.id, candidate_email=candidate.email),
        )
        interviews.accept_invite(session, candidate, token)
        interviews.start_interview(
            session, candidate, interview.id, Consent(audio=True, video=True)
        )
        session.execute(
            update(Interview).where(Interview.id == interview.id).values(resume_id=resume_id)
        )
        turn = session.scalars(
            select(Turn).where(Turn.interview_id == interview.id).order_by(Turn.stage_index)
        ).first()
        assert turn is not None
        audio_relative = f"interviews/{interview.id}/{turn.id}-test.wav"
        store.put(audio_relative, b"RIFF\x00\x00\x00\x00WAVEfmt test audio")
        audio_file = store.path_of(audio_relative)
        turn.audio_path = audio_relative
        turn.answer_kind = "audio"
        turn.answer_text = "I led the migration of our billing service."
        turn.transcript = {"text": turn.answer_text, "segments": []}
        turn.answered_at = recorded_at
        frame_files = []
        for sequence in range(FRAMES_PER_TURN):
            relative = f"frames/{interview.id}/{turn.id}/{sequence:06d}.jpg"
            store.put(relative, b"\xff\xd8\xff test frame")
            frame_files.append(store.path_of(relative))
            session.add(
                VideoFrame(
                    interview_id=interview.id,
                    turn_id=turn.id,
                    sequence=sequence,
                    timestamp_s=float(sequence),
                    path=relative,
                    observation={"faces": 1},
                    created_at=recorded_at,
                )
            )
        return RecordedInterview(
            organisation_id=organisation_id,
            candidate_id=candidate.id,
            candidate_email=candidate.email,
            interview_id=interview.id,
            turn_id=turn.id,
            resume_id=resume_id,
            audio_file=audio_file,
            frame_files=frame_files,
        )
