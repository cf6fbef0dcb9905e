"""Seed data for the embedded default: filled in as domains land."""

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

DEMO_ORGANISATION_NAME = "Demo Company"
DEMO_ADMIN_EMAIL = "admin@demo.local"
DEMO_RECRUITER_EMAIL = "recruiter@demo.local"
CREDENTIALS_FILE = "demo_credentials.txt"


def seed_demo() -> None:
    data_dir = get_infra_settings().data_dir
    with session_scope() as session:
        seed_demo_accounts(session, data_dir)
    print(f"demo seed: accounts ready (credentials in {data_dir / CREDENTIALS_FILE})")


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
            session, email=DEMO_ADMIN_EMAIL, password=password, full_name="Demo Admin",
            role=UserRole.ADMIN,
        )
        created.append(f"Admin:     {DEMO_ADMIN_EMAIL} / {password}")
    if not _user_exists(session, DEMO_RECRUITER_EMAIL):
        password = secrets.token_urlsafe(12)
        recruiter = create_user(
            session, email=DEMO_RECRUITER_EMAIL, password=password, full_name="Demo Recruiter",
            role=UserRole.RECRUITER, organisation_id=organisation.id,
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
