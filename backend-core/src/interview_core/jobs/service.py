import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from interview_core.accounts.models import Organisation, User, UserRole
from interview_core.auth.policy import ensure_org_access
from interview_core.errors import NotFound, UnprocessableInput
from interview_core.jobs.models import Job
from interview_core.jobs.schemas import Competency, JobCreate, JobUpdate
from interview_core.retrieval.service import add_chunks, set_job_queries
from interview_core.scenarios.catalog import scenarios


def create_job(session: Session, user: User, data: JobCreate) -> Job:
    organisation_id = data.organisation_id or user.organisation_id
    if organisation_id is None:
        raise UnprocessableInput(
            "Name the organisation the job belongs to.", code="organisation-required"
        )
    ensure_org_access(user, organisation_id)
    # Admins pass the access check for any id: an unknown one must not reach the foreign key.
    if session.get(Organisation, organisation_id) is None:
        raise NotFound("No such organisation.")
    _ensure_known_scenario(data.scenario_key)
    job = Job(
        organisation_id=organisation_id,
        created_by=user.id,
        title=data.title,
        description=data.description,
        language=data.language,
        competencies=[stored_competency(c) for c in data.competencies],
        scenario_key=data.scenario_key,
    )
    session.add(job)
    session.flush()
    add_chunks(session, "job", job.id, job.organisation_id, job.description)
    set_job_queries(session, job.id, job.organisation_id, job.title, job.competencies)
    return job


def stored_competency(competency: Competency) -> dict[str, object]:
    """As jobs.competencies stores it; no "rubric" key when the defaults apply, so a job
    without anchors of its own keeps the same rubric version as before anchors existed."""
    return competency.model_dump(exclude_none=True)


def _ensure_known_scenario(key: str | None) -> None:
    """A job's scenario is a field of its body: an unknown one is invalid input, not a 404."""
    if key is None or key not in scenarios():
        raise UnprocessableInput(f"Unknown scenario {key!r}.", code="unknown-scenario")


def get_job(session: Session, user: User, job_id: uuid.UUID) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound("Job not found.")
    ensure_org_access(user, job.organisation_id)
    return job


def list_jobs(session: Session, user: User, limit: int, offset: int) -> list[Job]:
    query = select(Job).order_by(Job.created_at.desc()).limit(limit).offset(offset)
    if user.role is not UserRole.ADMIN:
        query = query.where(Job.organisation_id == user.organisation_id)
    return list(session.scalars(query))


def update_job(session: Session, user: User, job_id: uuid.UUID, data: JobUpdate) -> Job:
    job = get_job(session, user, job_id)
    changes = data.model_dump(exclude_unset=True)
    if "archived" in changes:
        # Archiving again keeps the first date: it says since when the job has been closed.
        archived = changes.pop("archived")
        if not archived:
            job.archived_at = None
        elif job.archived_at is None:
            job.archived_at = datetime.now(UTC)
    if "scenario_key" in changes:
        _ensure_known_scenario(changes["scenario_key"])
    if "competencies" in changes:
        changes["competencies"] = [stored_competency(c) for c in data.competencies or []]
    for field, value in changes.items():
        setattr(job, field, value)
    if "description" in changes:
        add_chunks(session, "job", job.id, job.organisation_id, job.description)
    if "competencies" in changes or "title" in changes:
        set_job_queries(session, job.id, job.organisation_id, job.title, job.competencies)
    return job
