import re
import uuid

from fastapi import APIRouter, UploadFile
from sqlalchemy import select

from interview_core.accounts.models import User, UserRole
from interview_core.auth.dependencies import BriefSignIn, CurrentUser, DbSession
from interview_core.config import get_infra_settings
from interview_core.db.engine import session_scope
from interview_core.errors import Forbidden, NotFound, PayloadTooLarge, UnprocessableInput
from interview_core.errors.openapi import problems
from interview_core.interviews.models import Interview, Resume
from interview_core.resumes.extract import extract_text, sniff_resume
from interview_core.resumes.schemas import ResumeRead
from interview_core.retrieval.service import add_chunks
from interview_core.uploads.limits import UploadKind, check_resume_quota, check_upload_rate

router = APIRouter(prefix="/resumes", tags=["resumes"])
SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


@router.post("", response_model=ResumeRead, status_code=201, responses=problems(403, 415, 429))
def upload_resume(
    signed_in: BriefSignIn, session: DbSession, file: UploadFile | None = None
) -> ResumeRead:
    """A candidate uploads a résumé (PDF, DOCX or text); its text is kept and chunked.

    Signed in through a short transaction of its own, then parsed holding no database
    connection and no lock: a slow file (up to PARSER_TIMEOUT_S for a parser slot, as long
    again to parse) ties up one request, never the connection pool or the candidate's row.
    """
    user = signed_in.user
    if user.role is not UserRole.CANDIDATE:
        raise Forbidden("Only candidates upload résumés.")
    check_upload_rate(user.id, UploadKind.RESUME)
    if file is None:
        raise UnprocessableInput("Attach the résumé as the 'file' field.", code="file-missing")
    limit = get_infra_settings().max_resume_upload_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"Résumés are limited to {limit} bytes.", code="resume-too-large")
    if not data:
        raise UnprocessableInput("The file is empty.", code="empty-file")
    # A candidate already at the quota is told so before their file is parsed at all.
    with session_scope() as quota_session:
        check_resume_quota(quota_session, user.id, len(data))
    content_type = sniff_resume(data)
    text = extract_text(data, content_type)
    # The request's own session is first used here. Locked: two uploads of one candidate are
    # checked against the quota one after the other.
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    check_resume_quota(session, user.id, len(data))
    # Only the base name, stripped of anything a path or a shell could use.
    filename = SAFE_NAME.sub("_", (file.filename or "resume").replace("\\", "/").split("/")[-1])[
        :200
    ]
    resume = Resume(
        candidate_id=user.id,
        filename=filename or "resume",
        content_type=content_type,
        size_bytes=len(data),
        text=text,
    )
    session.add(resume)
    session.flush()
    add_chunks(session, "resume", resume.id, None, text)
    return ResumeRead.model_validate(resume)


@router.get("/{resume_id}", response_model=ResumeRead)
def get_resume(resume_id: uuid.UUID, user: CurrentUser, session: DbSession) -> ResumeRead:
    """The candidate's own résumé, or one shared with the recruiter's organisation."""
    resume = session.get(Resume, resume_id)
    if resume is None:
        raise NotFound("Résumé not found.")
    if user.role is UserRole.CANDIDATE:
        if resume.candidate_id != user.id:
            raise NotFound("Résumé not found.")
    elif user.role is UserRole.RECRUITER:
        shared = session.scalar(
            select(Interview.id).where(
                Interview.resume_id == resume.id, Interview.organisation_id == user.organisation_id
            )
        )
        if shared is None:
            raise NotFound("Résumé not found.")
    return ResumeRead.model_validate(resume)
