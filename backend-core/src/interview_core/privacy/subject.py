"""A candidate's own data: export (GET /me/data) and erasure (DELETE /me/data).

Erasure deletes the account, its résumés (rows and résumé chunks), every interview that is the
candidate's (turns, evaluations, camera frames, reports and decisions, by cascade) and the audio
and frame files of those interviews. What is kept, and why: the audit log, which is the
organisations' and the platform's accountability record. It keeps no personal content: the
candidate's email is blanked from the events they caused (the account id is a random UUID that
points at nothing once the account is gone), and the deletion is itself recorded with counts
only.
"""

import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from interview_core.accounts.models import Organisation, User
from interview_core.accounts.schemas import UserRead
from interview_core.audit.models import AuditEvent
from interview_core.audit.service import record_audit
from interview_core.auth.models import LoginAttempt, RegistrationAttempt
from interview_core.auth.passwords import verify_password
from interview_core.auth.policy import ensure_data_subject, ensure_own_interview
from interview_core.auth.throttling import ensure_login_allowed, record_login_attempt
from interview_core.errors import Forbidden
from interview_core.feedback.models import QuestionFeedback, ScoreFeedback
from interview_core.interviews.models import (
    Interview,
    Resume,
    Turn,
    TurnEvaluation,
    VideoFrame,
    reached_turns,
)
from interview_core.jobs.models import Job
from interview_core.privacy.media import (
    interview_media_prefixes,
    remove_media_file,
    remove_media_tree,
)
from interview_core.privacy.schemas import (
    DataDeletionResult,
    DataExport,
    ExportedConsent,
    ExportedDecision,
    ExportedEvaluation,
    ExportedFrameObservation,
    ExportedInterview,
    ExportedQuestionFeedback,
    ExportedResume,
    ExportedScoreFeedback,
    ExportedTurn,
)
from interview_core.reports.assembly import candidate_summary
from interview_core.reports.models import Report
from interview_core.reports.schemas import ReportContent
from interview_core.reports.service import current_report, report_decisions
from interview_core.retrieval.models import DocumentChunk, OwnerKind


def _own_interviews(session: Session, user: User, *, lock: bool = False) -> list[Interview]:
    # Only interviews bound to the account by their invite token: an invitation merely
    # addressed to the account's e-mail is not the account holder's to export or erase.
    query = (
        select(Interview)
        .where(Interview.candidate_id == user.id)
        .order_by(Interview.created_at, Interview.id)
    )
    if lock:
        query = query.with_for_update()
    interviews = list(session.scalars(query))
    for interview in interviews:
        ensure_own_interview(user, interview.candidate_id)
    return interviews


def _export_interview(session: Session, interview: Interview) -> ExportedInterview:
    job = session.get_one(Job, interview.job_id)
    organisation = session.get_one(Organisation, interview.organisation_id)
    frames: dict[uuid.UUID, list[VideoFrame]] = {}
    for frame in session.scalars(
        select(VideoFrame)
        .where(VideoFrame.interview_id == interview.id)
        .order_by(VideoFrame.turn_id, VideoFrame.sequence)
    ):
        frames.setdefault(frame.turn_id, []).append(frame)
    evaluations: dict[uuid.UUID, list[TurnEvaluation]] = {}
    for evaluation in session.scalars(
        select(TurnEvaluation)
        .join(Turn, Turn.id == TurnEvaluation.turn_id)
        .where(Turn.interview_id == interview.id)
        .order_by(TurnEvaluation.competency, TurnEvaluation.run_index)
    ):
        evaluations.setdefault(evaluation.turn_id, []).append(evaluation)
    # Rows of this interview only: each names its interview, so no other candidate's show.
    score_feedback: dict[uuid.UUID, list[ScoreFeedback]] = {}
    for feedback in session.scalars(
        select(ScoreFeedback)
        .where(ScoreFeedback.interview_id == interview.id)
        .order_by(ScoreFeedback.competency)
    ):
        score_feedback.setdefault(feedback.turn_id, []).append(feedback)
    question_feedback = {
        feedback.turn_id: feedback
        for feedback in session.scalars(
            select(QuestionFeedback).where(QuestionFeedback.interview_id == interview.id)
        )
    }
    turns = session.scalars(reached_turns(interview))
    report = session.scalar(select(Report).where(Report.interview_id == interview.id))
    if report is not None:
        report = current_report(session, report)
    content = (
        ReportContent.model_validate(report.content)
        if report is not None and report.content is not None
        else None
    )
    shared = (
        candidate_summary(content)
        if report is not None and report.share_candidate_summary and content is not None
        else None
    )
    return ExportedInterview(
        id=interview.id,
        organisation_name=organisation.name,
        job_title=job.title,
        status=str(interview.status),
        language=interview.language,
        created_at=interview.created_at,
        started_at=interview.started_at,
        completed_at=interview.completed_at,
        consent=ExportedConsent(
            audio=interview.consent_audio,
            video=interview.consent_video,
            emotion=interview.consent_emotion,
        ),
        turns=[
            ExportedTurn(
                stage_index=turn.stage_index,
                stage_key=turn.stage_key,
                question=turn.question_text or turn.bank_question,
                answer_kind=turn.answer_kind,
                answer_text=turn.answer_text,
                answered_at=turn.answered_at,
                transcript=turn.transcript,
                has_audio_recording=turn.audio_path is not None,
                camera_frames_stored=len(frames.get(turn.id, [])),
                evaluations=[
                    ExportedEvaluation.model_validate(row) for row in evaluations.get(turn.id, [])
                ],
                score_feedback=[
                    ExportedScoreFeedback.model_validate(row)
                    for row in score_feedback.get(turn.id, [])
                ],
                question_feedback=(
                    ExportedQuestionFeedback.model_validate(question_feedback[turn.id])
                    if turn.id in question_feedback
                    else None
                ),
                vision_summary=turn.vision_summary,
                frame_observations=[
                    ExportedFrameObservation.model_validate(frame)
                    for frame in frames.get(turn.id, [])
                ],
            )
            for turn in turns
        ],
        shared_summary=shared,
        report=content,
        decisions=[
            ExportedDecision.model_validate(decision)
            for decision in (report_decisions(session, report) if report is not None else [])
        ],
    )


def export_own_data(session: Session, user: User) -> DataExport:
    ensure_data_subject(user)
    interviews = _own_interviews(session, user)
    resumes = session.scalars(
        select(Resume).where(Resume.candidate_id == user.id).order_by(Resume.created_at)
    )
    export = DataExport(
        exported_at=datetime.now(UTC),
        profile=UserRead.model_validate(user),
        interviews=[_export_interview(session, interview) for interview in interviews],
        resumes=[ExportedResume.model_validate(resume) for resume in resumes],
    )
    record_audit(
        session,
        user,
        "privacy.data_exported",
        "user",
        user.id,
        None,
        {"interviews": len(export.interviews), "resumes": len(export.resumes)},
    )
    return export


def _reauthenticate(session: Session, user: User, password: str, ip_address: str) -> None:
    """The current password, throttled like a login so the route cannot be used to guess it."""
    ensure_login_allowed(session, user.email, ip_address)
    if not verify_password(user.password_hash, password):
        record_login_attempt(user.email, ip_address, succeeded=False)
        raise Forbidden("The current password is incorrect.", code="wrong-password")


def delete_own_data(
    session: Session, user: User, current_password: str, ip_address: str
) -> DataDeletionResult:
    ensure_data_subject(user)
    _reauthenticate(session, user, current_password, ip_address)
    user_id, email = user.id, user.email
    interviews = _own_interviews(session, user, lock=True)
    interview_ids = [interview.id for interview in interviews]
    # Files first: if the transaction then fails, a retry finds rows whose files are gone
    # (which it tolerates), never files that nothing points to any more.
    audio_files = 0
    frame_files = 0
    if interview_ids:
        for path in session.scalars(
            select(Turn.audio_path).where(
                Turn.interview_id.in_(interview_ids), Turn.audio_path.is_not(None)
            )
        ):
            audio_files += remove_media_file(path) if path else 0
        for path in session.scalars(
            select(VideoFrame.path).where(
                VideoFrame.interview_id.in_(interview_ids), VideoFrame.path.is_not(None)
            )
        ):
            frame_files += remove_media_file(path) if path else 0
        # And whatever no row names (a replaced recording, a crashed request's write).
        for interview_id in interview_ids:
            for prefix in interview_media_prefixes(interview_id):
                remove_media_tree(prefix)
    resume_ids = list(session.scalars(select(Resume.id).where(Resume.candidate_id == user_id)))
    if resume_ids:
        session.execute(
            delete(DocumentChunk).where(
                DocumentChunk.owner_kind == OwnerKind.RESUME.value,
                DocumentChunk.owner_id.in_(resume_ids),
            )
        )
    by_organisation: dict[uuid.UUID, list[str]] = {}
    for interview in interviews:
        by_organisation.setdefault(interview.organisation_id, []).append(str(interview.id))
    if interview_ids:
        session.execute(delete(Interview).where(Interview.id.in_(interview_ids)))
    session.execute(delete(Resume).where(Resume.candidate_id == user_id))
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    session.execute(delete(RegistrationAttempt).where(RegistrationAttempt.email == email))
    session.execute(
        update(AuditEvent).where(AuditEvent.actor_id == user_id).values(actor_email=None)
    )
    session.delete(user)
    session.flush()
    counts: dict[str, object] = {
        "interviews_deleted": len(interview_ids),
        "resumes_deleted": len(resume_ids),
        "audio_files_deleted": audio_files,
        "frame_files_deleted": frame_files,
    }
    # No actor email and no content: the account id and the counts only.
    record_audit(session, None, "privacy.data_deleted", "user", user_id, None, counts)
    for organisation_id, ids in by_organisation.items():
        # So the organisation's recruiters see why these interviews are gone.
        record_audit(
            session,
            None,
            "privacy.candidate_interviews_deleted",
            "user",
            user_id,
            organisation_id,
            {"interview_ids": ids},
        )
    return DataDeletionResult(
        interviews_deleted=len(interview_ids),
        resumes_deleted=len(resume_ids),
        audio_files_deleted=audio_files,
        frame_files_deleted=frame_files,
        account_deleted=True,
    )
