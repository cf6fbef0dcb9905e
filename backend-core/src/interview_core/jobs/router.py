import uuid

from fastapi import APIRouter, Query

from interview_core.auth.dependencies import DbSession, RecruiterOrAdmin
from interview_core.jobs import service
from interview_core.jobs.schemas import JobCreate, JobRead, JobUpdate

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.post("", response_model=JobRead, status_code=201)
def create_job(data: JobCreate, user: RecruiterOrAdmin, session: DbSession) -> JobRead:
    """Create a job posting in the recruiter's organisation."""
    return JobRead.model_validate(service.create_job(session, user, data))


@router.get("", response_model=list[JobRead])
def list_jobs(
    user: RecruiterOrAdmin,
    session: DbSession,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> list[JobRead]:
    """Jobs of the recruiter's organisation (all organisations for admins)."""
    return [JobRead.model_validate(j) for j in service.list_jobs(session, user, limit, offset)]


@router.get("/{job_id}", response_model=JobRead)
def get_job(job_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession) -> JobRead:
    """One job."""
    return JobRead.model_validate(service.get_job(session, user, job_id))


@router.patch("/{job_id}", response_model=JobRead)
def update_job(
    job_id: uuid.UUID, data: JobUpdate, user: RecruiterOrAdmin, session: DbSession
) -> JobRead:
    """Change a job; interviews already created keep the scenario version they started with."""
    return JobRead.model_validate(service.update_job(session, user, job_id, data))
