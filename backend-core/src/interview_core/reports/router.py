import uuid

from fastapi import APIRouter, Response

from interview_core.auth.dependencies import CurrentUser, DbSession, RecruiterOrAdmin
from interview_core.errors.openapi import problems
from interview_core.interviews.media import AUDIO_MEDIA_TYPES
from interview_core.reports import service
from interview_core.reports.pdf import render_report_pdf
from interview_core.reports.schemas import CandidateSummary, DecisionCreate, ReportRead

# Every route refuses by role: reports need a recruiter or admin, the summary its candidate.
router = APIRouter(tags=["reports"], responses=problems(403))


@router.get("/interviews/{interview_id}/report", response_model=ReportRead)
def get_report(interview_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession) -> ReportRead:
    """The interview's report (assembled now if there is none yet); the view is audited."""
    return service.view_report(session, user, interview_id)


@router.post("/interviews/{interview_id}/report/regenerate", response_model=ReportRead)
def regenerate_report(
    interview_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession
) -> ReportRead:
    """Assemble the report again from the current transcripts and evaluations."""
    return service.regenerate_report(session, user, interview_id)


@router.post("/interviews/{interview_id}/report/decision", response_model=ReportRead)
def decide(
    interview_id: uuid.UUID, data: DecisionCreate, user: RecruiterOrAdmin, session: DbSession
) -> ReportRead:
    """Record a recruiter's decision and note (kept with who and when; audited)."""
    return service.decide(session, user, interview_id, data)


@router.get(
    "/interviews/{interview_id}/report.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def report_pdf(interview_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession) -> Response:
    """The report as a PDF (Korean or English); the export is audited."""
    export = service.export_report(session, user, interview_id)
    return Response(
        render_report_pdf(export),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="report-{interview_id}.pdf"'},
    )


@router.get(
    "/jobs/{job_id}/report.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def job_report_csv(job_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession) -> Response:
    """One row per interview of the job with its scores, recommendation and decision; audited."""
    return Response(
        service.job_csv(session, user, job_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="job-{job_id}-reports.csv"'},
    )


@router.get("/interviews/{interview_id}/summary", response_model=CandidateSummary)
def candidate_summary(
    interview_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> CandidateSummary:
    """The candidate's own summary, once the organisation shares it: criteria and explanation."""
    return service.summary_for_candidate(session, user, interview_id)


@router.get(
    "/interviews/{interview_id}/turns/{turn_id}/audio",
    response_class=Response,
    responses={
        200: {
            "description": "The recording as the candidate's browser uploaded it.",
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type in sorted(set(AUDIO_MEDIA_TYPES.values()))
            },
        },
        **problems(404),
    },
)
def answer_audio(
    interview_id: uuid.UUID, turn_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession
) -> Response:
    """A spoken answer's recording, for playback in the report; 404 `audio-not-found` when the
    answer was typed or the recording is no longer kept. Each playback is audited."""
    recording = service.open_answer_recording(session, user, interview_id, turn_id)
    # Whole (at most MAX_AUDIO_UPLOAD_BYTES), read from the media store before answering.
    return Response(
        recording.data,
        media_type=recording.media_type,
        headers={
            # A candidate's voice: kept out of shared caches and the browser's disk cache.
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
