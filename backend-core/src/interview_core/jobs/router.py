import uuid

from fastapi import APIRouter

from interview_core.auth.dependencies import DbSession, RecruiterOrAdmin
from interview_core.errors.openapi import problems
from interview_core.jobs import service
from interview_core.jobs.schemas import JobCreate, JobRead, JobUpdate
from interview_core.pagination import PageLimit, PageOffset

# Every route needs a recruiter or an admin.
router = APIRouter(prefix="/jobs", tags=["jobs"], responses=problems(403))


# 404: the organisation named in the body is unknown, or not the recruiter's own.
@router.post("", response_model=JobRead, status_code=201, responses=problems(404))
def create_job(data: JobCreate, user: RecruiterOrAdmin, session: DbSession) -> JobRead:
    """Create a job posting in the recruiter's organisation."""
    return JobRead.model_validate(service.create_job(session, user, data))


@router.get("", response_model=list[JobRead])
def list_jobs(
    user: RecruiterOrAdmin,
    session: DbSession,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
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
