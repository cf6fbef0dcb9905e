"""Users: candidate registration (verified by e-mail), accounts created by operators, role
changes."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from interview_core.accounts.models import Organisation, PendingRegistration, User, UserRole
from interview_core.audit.service import record_audit
from interview_core.auth.passwords import (
    ensure_acceptable_password,
    hash_password,
    verify_password,
)
from interview_core.auth.service import revoke_all_sessions
from interview_core.auth.throttling import (
    check_registration_rate,
    ensure_login_allowed,
    record_login_attempt,
)
from interview_core.auth.tokens import decode_verification_token, issue_verification_token
from interview_core.config import get_settings
from interview_core.errors import Conflict, Forbidden, NotFound, UnprocessableInput
from interview_core.interviews.service import invite_for_address
from interview_core.mail.messages import existing_account_mail, verification_mail
from interview_core.mail.sender import send_after_commit


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
    """An account whose address is known to be its owner's: created by an operator, or by
    whoever followed a link that was mailed to that address."""
    email = email.strip().lower()
    ensure_acceptable_password(password, email)
    return _insert_user(
        session,
        email=email,
        password_hash=hash_password(password),
        full_name=full_name,
        role=role,
        organisation_id=organisation_id,
        preferred_language=preferred_language,
    )


def _insert_user(
    session: Session,
    *,
    email: str,
    password_hash: str,
    full_name: str,
    role: UserRole,
    organisation_id: uuid.UUID | None = None,
    preferred_language: str = "en",
) -> User:
    _ensure_role_fits_organisation(role, organisation_id)
    user = User(
        email=email,
        password_hash=password_hash,
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
    # Registrations still waiting for their link are void once the address has an account.
    session.execute(delete(PendingRegistration).where(PendingRegistration.email == email))
    return user


def _organisation_field_error(message: str, kind: str) -> dict[str, object]:
    """A problem's `errors` entry naming `organisation_id`, so a form shows it by that input."""
    return {"loc": ["body", "organisation_id"], "msg": message, "type": kind}


def _ensure_role_fits_organisation(role: UserRole, organisation_id: uuid.UUID | None) -> None:
    if role == UserRole.RECRUITER and organisation_id is None:
        raise UnprocessableInput(
            "A recruiter must belong to an organisation.",
            code="org-required",
            errors=[_organisation_field_error("a recruiter needs an organisation", "org-required")],
        )
    if role != UserRole.RECRUITER and organisation_id is not None:
        raise UnprocessableInput(
            f"A {role.value} does not belong to an organisation.",
            code="org-not-allowed",
            errors=[
                _organisation_field_error(f"a {role.value} has no organisation", "org-not-allowed")
            ],
        )


def _app_url(path: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}{path}"


def register_candidate(
    session: Session,
    *,
    email: str,
    password: str,
    full_name: str,
    preferred_language: str,
    invite_token: str | None,
    ip_address: str,
) -> None:
    """Public registration only ever creates candidates, and its answer never tells whether an
    address has an account: a new address gets a verification link and the account once it is
    opened; an address with an account gets a message telling its owner. Registering with an
    interview's invite token, for the address the invite was sent to, creates the account at
    once and binds the interview: the token was mailed to that address, which proves it."""
    email = email.strip().lower()
    ensure_acceptable_password(password, email)
    check_registration_rate(email, ip_address)
    # Hashed whatever follows, so the time taken does not tell either.
    password_hash = hash_password(password)
    existing = session.scalar(select(User).where(User.email == email))
    if existing is not None:
        mail = existing_account_mail(email, existing.preferred_language, _app_url("/"))
        send_after_commit(session, mail)
        return
    interview = invite_for_address(session, invite_token, email) if invite_token else None
    if interview is not None:
        user = _insert_user(
            session,
            email=email,
            password_hash=password_hash,
            full_name=full_name,
            role=UserRole.CANDIDATE,
            preferred_language=preferred_language,
        )
        session.flush()
        interview.candidate_id = user.id
        return
    settings = get_settings()
    now = datetime.now(UTC)
    session.execute(delete(PendingRegistration).where(PendingRegistration.expires_at <= now))
    pending = PendingRegistration(
        id=uuid.uuid4(),
        email=email,
        password_hash=password_hash,
        full_name=full_name,
        preferred_language=preferred_language,
        expires_at=now + timedelta(seconds=settings.email_verification_ttl_s),
    )
    session.add(pending)
    # Written now, so a value PostgreSQL cannot store is this request's 422, not a failed commit.
    session.flush()
    token = issue_verification_token(pending.id, email, settings.email_verification_ttl_s)
    mail = verification_mail(
        email,
        preferred_language,
        _app_url(f"/verify-email#token={token}"),
        settings.email_verification_ttl_s // 3600,
        pending.id,
    )
    send_after_commit(session, mail)


def complete_registration(session: Session, token: str, password: str, ip_address: str) -> User:
    """The verification link was opened: its registration becomes an account. The password
    chosen at registration is asked again, so a link opened by someone who did not register
    (the address's owner, clicking what a squatter started) creates nothing."""
    claims = decode_verification_token(token)
    pending = session.scalar(
        select(PendingRegistration)
        .where(PendingRegistration.id == claims.registration_id)
        .with_for_update()
    )
    if pending is None or pending.email != claims.email:
        raise UnprocessableInput(
            "This link was already used. Sign in with your e-mail address and password.",
            code="verification-used",
            errors=[{"loc": ["body", "token"], "msg": "verification link used", "type": "used"}],
        )
    ensure_login_allowed(session, pending.email, ip_address)
    if not verify_password(pending.password_hash, password):
        record_login_attempt(pending.email, ip_address, succeeded=False)
        raise Forbidden(
            "This is not the password chosen when registering. Enter that one, or register again.",
            code="wrong-password",
        )
    if session.scalar(select(User.id).where(User.email == pending.email)) is not None:
        raise Conflict(
            "This e-mail address already has an account. Sign in with it.",
            code="already-registered",
        )
    user = _insert_user(
        session,
        email=pending.email,
        password_hash=pending.password_hash,
        full_name=pending.full_name,
        role=UserRole.CANDIDATE,
        preferred_language=pending.preferred_language,
    )
    session.flush()
    record_login_attempt(pending.email, ip_address, succeeded=True)
    return user


def list_users(
    session: Session,
    role: UserRole | None,
    organisation_id: uuid.UUID | None,
    limit: int,
    offset: int,
    search: str | None = None,
) -> list[User]:
    """`search` matches part of the e-mail or name, ignoring case; `%` and `_` match themselves."""
    query = select(User).order_by(User.created_at, User.id).limit(limit).offset(offset)
    if role:
        query = query.where(User.role == role)
    if organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    if search and search.strip():
        pattern = f"%{_escape_like(search.strip())}%"
        query = query.where(
            or_(User.email.ilike(pattern, escape="\\"), User.full_name.ilike(pattern, escape="\\"))
        )
    return list(session.scalars(query))


def _escape_like(text: str) -> str:
    """Typed text as a literal inside a LIKE pattern (the escape character is a backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
        # The request is well formed but names nothing: tell the form which field is wrong.
        raise UnprocessableInput(
            "No such organisation.",
            code="unknown-organisation",
            errors=[_organisation_field_error("no such organisation", "unknown-organisation")],
        )
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
