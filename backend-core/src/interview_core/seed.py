"""Demo data for the embedded default: accounts, the question bank and one job."""

import os
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from interview_core.accounts.models import EmotionAnalysis, Organisation, User, UserRole
from interview_core.accounts.organisations import create_organisation
from interview_core.accounts.service import create_user
from interview_core.config import get_infra_settings
from interview_core.db.engine import session_scope
from interview_core.jobs.models import Job
from interview_core.jobs.schemas import DEFAULT_COMPETENCIES
from interview_core.jobs.service import stored_competency
from interview_core.retrieval.service import add_chunks, seed_question_bank, set_job_queries

DEMO_ORGANISATION_NAME = "Demo Company"
DEMO_ADMIN_EMAIL = "admin@demo.local"
DEMO_RECRUITER_EMAIL = "recruiter@demo.local"
CREDENTIALS_FILE = "demo_credentials.txt"


def seed_demo() -> None:
    data_dir = get_infra_settings().data_dir
    with session_scope() as session:
        organisation = seed_demo_accounts(session, data_dir)
        bank = seed_question_bank(session)
        seed_demo_job(session, organisation)
    print(
        f"demo seed: accounts ready (credentials in {data_dir / CREDENTIALS_FILE}), "
        f"{len(bank)} bank questions"
    )


def seed_demo_job(session: Session, organisation: Organisation) -> None:
    """One job to invite candidates to, so the demo works from the first login."""
    if session.scalar(select(Job.id).where(Job.organisation_id == organisation.id)) is not None:
        return
    job = Job(
        organisation_id=organisation.id,
        title="Backend Engineer (Python)",
        description=(
            "Design, build and run Python web services on PostgreSQL and Redis.\n\n"
            "You will own features end to end, review code, keep services reliable in "
            "production and mentor junior engineers."
        ),
        language="en",
        competencies=[stored_competency(c) for c in DEFAULT_COMPETENCIES],
        scenario_key="default",
    )
    session.add(job)
    session.flush()
    add_chunks(session, "job", job.id, organisation.id, job.description)
    set_job_queries(session, job.id, organisation.id, job.title, job.competencies)


def seed_demo_accounts(session: Session, data_dir: Path) -> Organisation:
    """Idempotent: passwords are generated on the first seed only and never changed later."""
    organisation = session.scalar(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION_NAME)
    )
    if organisation is None:
        organisation = create_organisation(
            session, None, DEMO_ORGANISATION_NAME, EmotionAnalysis.OFF
        )
    created: list[str] = []
    if not _user_exists(session, DEMO_ADMIN_EMAIL):
        password = secrets.token_urlsafe(12)
        create_user(
            session,
            email=DEMO_ADMIN_EMAIL,
            password=password,
            full_name="Demo Admin",
            role=UserRole.ADMIN,
        )
        created.append(f"Admin:     {DEMO_ADMIN_EMAIL} / {password}")
    if not _user_exists(session, DEMO_RECRUITER_EMAIL):
        password = secrets.token_urlsafe(12)
        recruiter = create_user(
            session,
            email=DEMO_RECRUITER_EMAIL,
            password=password,
            full_name="Demo Recruiter",
            role=UserRole.RECRUITER,
            organisation_id=organisation.id,
        )
        organisation.owner_id = recruiter.id
        created.append(f"Recruiter: {DEMO_RECRUITER_EMAIL} / {password}")
    if created:
        _append_credentials(data_dir / CREDENTIALS_FILE, created)
    return organisation


def _user_exists(session: Session, email: str) -> bool:
    return session.scalar(select(User.id).where(User.email == email)) is not None


def _append_credentials(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "" if path.exists() else "Demo sign-in (generated on first run):\n"
    # Created owner-only from the start: the file holds passwords.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a") as file:
        file.write(header + "".join(f"  {line}\n" for line in lines))
    path.chmod(0o600)
