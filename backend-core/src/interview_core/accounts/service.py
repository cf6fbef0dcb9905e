"""Users: candidate registration, accounts created by operators, role changes."""

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from interview_core.accounts.models import Organisation, User, UserRole
from interview_core.audit.service import record_audit
from interview_core.auth.passwords import ensure_acceptable_password, hash_password
from interview_core.auth.service import revoke_all_sessions
from interview_core.errors import Conflict, NotFound, UnprocessableInput


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    full_name: str,
    role: UserRole,
    organisation_id: uuid.UUID | None = None,
    preferred_language: str = "en",
) -> User:
    email = email.strip().lower()
    ensure_acceptable_password(password, email)
    _ensure_role_fits_organisation(role, organisation_id)
    user = User(
        email=email,
        password_hash=hash_password(password),
        full_name=full_name,
        role=role,
        organisation_id=organisation_id,
        preferred_language=preferred_language,
    )
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError as exc:
        raise Conflict("An account with this email already exists.", code="email-taken") from exc
    return user


def _ensure_role_fits_organisation(role: UserRole, organisation_id: uuid.UUID | None) -> None:
    if role == UserRole.RECRUITER and organisation_id is None:
        raise UnprocessableInput("A recruiter must belong to an organisation.", code="org-required")
    if role != UserRole.RECRUITER and organisation_id is not None:
        raise UnprocessableInput(
            f"A {role.value} does not belong to an organisation.", code="org-not-allowed"
        )


def register_candidate(
    session: Session, email: str, password: str, full_name: str, preferred_language: str
) -> User:
    """Public registration only ever creates candidates."""
    return create_user(
        session,
        email=email,
        password=password,
        full_name=full_name,
        role=UserRole.CANDIDATE,
        preferred_language=preferred_language,
    )


def list_users(
    session: Session,
    role: UserRole | None,
    organisation_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> list[User]:
    query = select(User).order_by(User.created_at, User.id).limit(limit).offset(offset)
    if role:
        query = query.where(User.role == role)
    if organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    return list(session.scalars(query))


def change_role(
    session: Session,
    actor: User,
    user_id: uuid.UUID,
    role: UserRole,
    organisation_id: uuid.UUID | None,
) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise NotFound("No such organisation.")
    _ensure_role_fits_organisation(role, organisation_id)
    if user.id == actor.id and role != UserRole.ADMIN:
        raise UnprocessableInput("Admins cannot remove their own admin role.", code="self-demotion")
    before_role, before_org = user.role, user.organisation_id
    if (before_role, before_org) == (role, organisation_id):
        return user
    user.role, user.organisation_id = role, organisation_id
    # Ownership follows membership: a user who leaves an organisation no longer owns it.
    if before_org is not None and before_org != organisation_id:
        owned = session.get(Organisation, before_org)
        if owned is not None and owned.owner_id == user.id:
            owned.owner_id = None
    # Tokens carry no role, but existing sign-ins end so the change is noticed everywhere.
    revoke_all_sessions(session, user.id)
    details: dict[str, object] = {
        "from_role": before_role.value,
        "to_role": role.value,
        "from_organisation_id": str(before_org) if before_org else None,
        "to_organisation_id": str(organisation_id) if organisation_id else None,
    }
    record_audit(
        session, actor, "user.role_changed", "user", user.id, organisation_id or before_org, details
    )
    return user
