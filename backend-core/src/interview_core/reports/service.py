"""Report rules: assemble and store, read, decide, share and export. Every read or export by a
person and every decision is audited in the same transaction."""

import csv
import io
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath

from sqlalchemy import Float, cast, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from interview_core.accounts.models import Organisation, User, UserRole
from interview_core.audit.service import record_audit
from interview_core.auth.policy import ensure_org_access
from interview_core.errors import Forbidden, NotFound
from interview_core.interviews.media import AUDIO_MEDIA_TYPES
from interview_core.interviews.models import (
    Interview,
    ProcessingStatus,
    Resume,
    Turn,
    TurnEvaluation,
    reached_turns,
)
from interview_core.jobs.models import Job
from interview_core.jobs.service import get_job
from interview_core.privacy.media import read_media
from interview_core.reports.assembly import (
    ASSEMBLY_VERSION,
    ReportInputs,
    assemble_report,
    candidate_summary,
)
from interview_core.reports.models import Recommendation, Report, ReportDecision, ReportStatus
from interview_core.reports.pdf import ReportExport, TranscriptEntry
from interview_core.reports.schemas import (
    CandidateSummary,
    DecisionCreate,
    DecisionRead,
    ReportContent,
    ReportRead,
    ReportResume,
)

logger = logging.getLogger(__name__)


def load_inputs(session: Session, interview_id: uuid.UUID) -> ReportInputs:
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound("Interview not found.")
    turns = list(session.scalars(reached_turns(interview)))
    evaluations = list(
        session.scalars(
            select(TurnEvaluation)
            .join(Turn, Turn.id == TurnEvaluation.turn_id)
            .where(
                Turn.interview_id == interview_id,
                Turn.stage_index <= interview.current_stage_index,
            )
        )
    )
    return ReportInputs(
        interview=interview,
        job=session.get_one(Job, interview.job_id),
        emotion_analysis=session.get_one(Organisation, interview.organisation_id).emotion_analysis,
        turns=turns,
        evaluations=evaluations,
    )


def evaluations_pending(inputs: ReportInputs) -> bool:
    return any(
        turn.evaluation_status == ProcessingStatus.PENDING
        or turn.stt_status == ProcessingStatus.PENDING
        for turn in inputs.turns
    )


def store_report(session: Session, interview_id: uuid.UUID) -> Report:
    """Assemble from the current rows and write the interview's one report (upsert).
    Pending while some answers still await their transcript or evaluation."""
    inputs = load_inputs(session, interview_id)
    content = assemble_report(inputs)
    values = {
        "status": ReportStatus.PENDING if evaluations_pending(inputs) else ReportStatus.READY,
        "content": content.model_dump(mode="json"),
        "recommendation": content.recommendation,
        "recommendation_reason": content.recommendation_reason,
        "generated_at": datetime.now(UTC),
        "error": None,
        "scenario_key": content.provenance.scenario_key,
        "scenario_version": content.provenance.scenario_version,
        "rubric_version": content.provenance.rubric_version,
        "assembly_version": ASSEMBLY_VERSION,
    }
    session.execute(
        insert(Report)
        .values(
            id=uuid.uuid4(),
            interview_id=interview_id,
            organisation_id=inputs.interview.organisation_id,
            share_candidate_summary=False,
            **values,
        )
        .on_conflict_do_update(index_elements=[Report.interview_id], set_=values)
    )
    # populate_existing: a Report already in the session is refreshed from the upsert.
    query = select(Report).where(Report.interview_id == interview_id)
    return session.scalars(query.execution_options(populate_existing=True)).one()


def mark_report_failed(session: Session, interview_id: uuid.UUID, error: str) -> None:
    interview = session.get(Interview, interview_id)
    if interview is None:
        return
    values = {"status": ReportStatus.FAILED, "error": error[:500]}
    session.execute(
        insert(Report)
        .values(
            id=uuid.uuid4(),
            interview_id=interview_id,
            organisation_id=interview.organisation_id,
            share_candidate_summary=False,
            **values,
        )
        .on_conflict_do_update(index_elements=[Report.interview_id], set_=values)
    )


def _interview_for_recruiter(session: Session, user: User, interview_id: uuid.UUID) -> Interview:
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound("Interview not found.")
    ensure_org_access(user, interview.organisation_id)
    return interview


def current_report(session: Session, report: Report) -> Report:
    """A report stored by older assembly rules is assembled again from its rows: its content
    would not have the parts the current rules add (and may show what they now hide)."""
    if report.content is not None and report.assembly_version != ASSEMBLY_VERSION:
        return store_report(session, report.interview_id)
    return report


def _report_of(session: Session, interview: Interview) -> Report:
    """The stored report under the current rules, assembled now when there is none yet."""
    report = session.scalar(select(Report).where(Report.interview_id == interview.id))
    return current_report(session, report) if report else store_report(session, interview.id)


def report_decisions(session: Session, report: Report) -> list[ReportDecision]:
    """Newest first; the first is the decision in force."""
    return list(
        session.scalars(
            select(ReportDecision)
            .where(ReportDecision.report_id == report.id)
            .order_by(ReportDecision.decided_at.desc(), ReportDecision.created_at.desc())
        )
    )


@dataclass(frozen=True)
class ReportGlance:
    """What an interview list shows of a report: its numbers only as the report shows them."""

    status: ReportStatus
    weighted_score: float | None
    recommendation: Recommendation | None
    decision: Recommendation | None


def report_glances(
    session: Session, interview_ids: list[uuid.UUID]
) -> dict[uuid.UUID, ReportGlance]:
    """The reports of a page of interviews and the decision in force on each, in one query
    (only the score is read out of the content, not the whole document). A report stored by
    older assembly rules is assembled again first, as when it is opened: its stored numbers
    may be ones the current rules no longer show."""
    if not interview_ids:
        return {}
    latest_decision = (
        select(ReportDecision.report_id, ReportDecision.decision)
        .distinct(ReportDecision.report_id)
        .order_by(
            ReportDecision.report_id,
            ReportDecision.decided_at.desc(),
            ReportDecision.created_at.desc(),
        )
        .subquery()
    )
    rows = session.execute(
        select(
            Report.id,
            Report.interview_id,
            Report.status,
            Report.assembly_version,
            Report.content.is_(None),
            cast(Report.content.op("->>")("weighted_score"), Float),
            Report.recommendation,
            latest_decision.c.decision,
        )
        .outerjoin(latest_decision, latest_decision.c.report_id == Report.id)
        .where(Report.interview_id.in_(interview_ids))
    ).all()
    glances: dict[uuid.UUID, ReportGlance] = {}
    for (
        report_id,
        interview_id,
        status,
        version,
        no_content,
        score,
        recommendation,
        decided,
    ) in rows:
        if not no_content and version != ASSEMBLY_VERSION:
            report = current_report(session, session.get_one(Report, report_id))
            content = report.content or {}
            status, recommendation = report.status, report.recommendation
            stored_score = content.get("weighted_score")
            score = float(stored_score) if isinstance(stored_score, int | float) else None
        glances[interview_id] = ReportGlance(
            status=ReportStatus(status),
            weighted_score=score,
            recommendation=Recommendation(recommendation) if recommendation else None,
            decision=Recommendation(decided) if decided else None,
        )
    return glances


def report_read(session: Session, report: Report, interview: Interview) -> ReportRead:
    history = [DecisionRead.model_validate(d) for d in report_decisions(session, report)]
    resume = session.get(Resume, interview.resume_id) if interview.resume_id else None
    return ReportRead(
        id=report.id,
        interview_id=report.interview_id,
        status=ReportStatus(report.status),
        generated_at=report.generated_at,
        error=report.error,
        share_candidate_summary=report.share_candidate_summary,
        content=ReportContent.model_validate(report.content) if report.content else None,
        decision=history[0] if history else None,
        decision_history=history,
        resume=ReportResume.model_validate(resume) if resume else None,
    )


def view_report(session: Session, user: User, interview_id: uuid.UUID) -> ReportRead:
    interview = _interview_for_recruiter(session, user, interview_id)
    report = _report_of(session, interview)
    record_audit(
        session,
        user,
        "report.viewed",
        "report",
        report.id,
        interview.organisation_id,
        {"interview_id": str(interview.id)},
    )
    return report_read(session, report, interview)


def regenerate_report(session: Session, user: User, interview_id: uuid.UUID) -> ReportRead:
    interview = _interview_for_recruiter(session, user, interview_id)
    report = store_report(session, interview.id)
    record_audit(
        session,
        user,
        "report.regenerated",
        "report",
        report.id,
        interview.organisation_id,
        {"interview_id": str(interview.id)},
    )
    return report_read(session, report, interview)


def decide(
    session: Session, user: User, interview_id: uuid.UUID, data: DecisionCreate
) -> ReportRead:
    """A person's decision, kept beside the AI's recommendation, never over it."""
    interview = _interview_for_recruiter(session, user, interview_id)
    report = _report_of(session, interview)
    decision = ReportDecision(
        report_id=report.id,
        decided_by=user.id,
        decided_by_email=user.email,
        decision=data.decision,
        note=data.note,
        decided_at=datetime.now(UTC),
    )
    session.add(decision)
    details: dict[str, object] = {
        "interview_id": str(interview.id),
        "decision": data.decision.value,
        "recommendation": report.recommendation,
    }
    if data.share_candidate_summary is not None:
        report.share_candidate_summary = data.share_candidate_summary
        details["share_candidate_summary"] = data.share_candidate_summary
    session.flush()
    record_audit(
        session, user, "report.decided", "report", report.id, interview.organisation_id, details
    )
    return report_read(session, report, interview)


def export_report(session: Session, user: User, interview_id: uuid.UUID) -> ReportExport:
    """The content to render as a PDF, with the decision in force and the reached stages'
    questions and answers as stored; the export is audited."""
    interview = _interview_for_recruiter(session, user, interview_id)
    report = _report_of(session, interview)
    if report.content is None:
        raise NotFound("The report could not be assembled.", code="report-unavailable")
    record_audit(
        session,
        user,
        "report.exported",
        "report",
        report.id,
        interview.organisation_id,
        {"interview_id": str(interview.id), "format": "pdf"},
    )
    latest = next(iter(report_decisions(session, report)), None)
    transcript = [
        TranscriptEntry(
            stage_key=turn.stage_key,
            question=turn.question_text or turn.bank_question,
            answer=turn.answer_text,
        )
        for turn in session.scalars(reached_turns(interview))
    ]
    return ReportExport(
        content=ReportContent.model_validate(report.content),
        decision=DecisionRead.model_validate(latest) if latest else None,
        transcript=transcript,
    )


CSV_LEADING = ["interview_id", "candidate_email", "interview_status", "report_status"]
CSV_TRAILING = ["weighted_score", "recommendation", "decision", "decided_by", "decided_at"]
# A spreadsheet runs a cell starting with one of these as a formula (`=HYPERLINK(...)@a.bc`
# is a valid e-mail address); a leading quote makes it text (OWASP's CSV injection advice).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def job_csv(session: Session, user: User, job_id: uuid.UUID) -> str:
    """One row per interview of the job, one column per competency score; audited."""
    job = get_job(session, user, job_id)
    keys = [str(c["key"]) for c in job.competencies]
    interviews = list(
        session.scalars(
            select(Interview).where(Interview.job_id == job.id).order_by(Interview.created_at)
        )
    )
    reports = {
        r.interview_id: r
        for r in session.scalars(
            select(Report).where(Report.interview_id.in_([i.id for i in interviews]))
        )
    }
    buffer = io.StringIO()
    columns = [*CSV_LEADING, *keys, *CSV_TRAILING]
    writer = csv.DictWriter(buffer, fieldnames=columns)
    # Competency keys are the recruiter's text, so the header is escaped like every cell.
    writer.writerow({column: csv_cell(column) for column in columns})
    for interview in interviews:
        report = reports.get(interview.id)
        if report is not None:
            report = current_report(session, report)
        row: dict[str, object] = {
            "interview_id": interview.id,
            "candidate_email": interview.candidate_email,
            "interview_status": interview.status,
            "report_status": report.status if report else "none",
        }
        if report is not None and report.content is not None:
            content = ReportContent.model_validate(report.content)
            scores = {c.key: c.score for c in content.competencies}
            row.update({key: "" if scores.get(key) is None else scores[key] for key in keys})
            row["weighted_score"] = "" if content.weighted_score is None else content.weighted_score
            # Empty when the evaluator configuration is not validated: no recommendation.
            row["recommendation"] = content.recommendation or ""
        if report is not None:
            latest = next(iter(report_decisions(session, report)), None)
            if latest is not None:
                row["decision"] = latest.decision
                row["decided_by"] = latest.decided_by_email
                row["decided_at"] = latest.decided_at.isoformat()
        writer.writerow({column: csv_cell(value) for column, value in row.items()})
    record_audit(
        session,
        user,
        "report.exported",
        "job",
        job.id,
        job.organisation_id,
        {"format": "csv", "interviews": len(interviews)},
    )
    return buffer.getvalue()


def summary_for_candidate(
    session: Session, user: User, interview_id: uuid.UUID
) -> CandidateSummary:
    """Only the candidate themself, and only once the organisation chose to share it."""
    if user.role is not UserRole.CANDIDATE:
        raise Forbidden("Only the candidate reads their own summary.", code="candidate-only")
    interview = session.get(Interview, interview_id)
    if interview is None or interview.candidate_id != user.id:
        raise NotFound("Interview not found.")
    report = session.scalar(select(Report).where(Report.interview_id == interview.id))
    if report is None or not report.share_candidate_summary or report.content is None:
        raise NotFound("No summary has been shared for this interview.", code="summary-not-shared")
    report = current_report(session, report)
    record_audit(
        session,
        user,
        "report.summary_viewed",
        "report",
        report.id,
        interview.organisation_id,
        {"interview_id": str(interview.id)},
    )
    return candidate_summary(ReportContent.model_validate(report.content))


@dataclass(frozen=True)
class AnswerRecording:
    """A spoken answer's stored bytes, read whole before the response starts: retention may
    delete the object while it is sent."""

    data: bytes
    media_type: str


def open_answer_recording(
    session: Session, user: User, interview_id: uuid.UUID, turn_id: uuid.UUID
) -> AnswerRecording:
    """The recording of one answer for its organisation's recruiters and admins; audited. The
    object is the one the turn's row names, never a key from the request."""
    interview = _interview_for_recruiter(session, user, interview_id)
    relative = session.scalar(
        select(Turn.audio_path).where(
            Turn.id == turn_id,
            Turn.interview_id == interview.id,
            # A turn prepared for a stage not yet open is nobody's to see.
            Turn.stage_index <= interview.current_stage_index,
        )
    )
    # Typed, purged by retention, or gone from the store: all the same to the reader.
    not_available = NotFound(
        "This answer has no recording: it was typed, or the recording is no longer kept.",
        code="audio-not-found",
    )
    if not relative:
        raise not_available
    media_type = AUDIO_MEDIA_TYPES.get(PurePosixPath(relative).suffix.removeprefix("."))
    data = read_media(relative) if media_type is not None else None
    if media_type is None or data is None:
        # Retention clears the row with the object, so this is one lost some other way.
        # The request's log context already names the interview and the turn.
        logger.warning(
            "answer recording not playable: %s",
            "object missing" if media_type else "unknown file type",
        )
        raise not_available
    record_audit(
        session,
        user,
        "answer_audio.played",
        "interview",
        interview.id,
        interview.organisation_id,
        {"turn_id": str(turn_id)},
    )
    return AnswerRecording(data, media_type)
