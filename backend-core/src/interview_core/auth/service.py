"""Login, token refresh with rotation, logout and password change."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from interview_core.accounts.models import PendingRegistration, User
from interview_core.auth.models import AuthSession, RefreshToken
from interview_core.auth.passwords import (
    dummy_verify,
    ensure_acceptable_password,
    hash_password,
    verify_password,
)
from interview_core.auth.throttling import ensure_login_allowed, record_login_attempt
from interview_core.auth.tokens import (
    decode_access_token,
    hash_opaque_token,
    issue_access_token,
    new_opaque_token,
)
from interview_core.config import get_settings
from interview_core.db.engine import session_scope
from interview_core.errors import Forbidden, Unauthorized


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def start_session(session: Session, user: User) -> TokenPair:
    auth_session = AuthSession(id=uuid.uuid4(), user_id=user.id)
    session.add(auth_session)
    session.flush()
    return _issue_pair(session, auth_session.id, user.id)


def _issue_pair(session: Session, session_id: uuid.UUID, user_id: uuid.UUID) -> TokenPair:
    settings = get_settings()
    refresh_token = new_opaque_token()
    session.add(
        RefreshToken(
            session_id=session_id,
            token_hash=hash_opaque_token(refresh_token),
            expires_at=datetime.now(UTC) + timedelta(seconds=settings.refresh_token_ttl_s),
        )
    )
    return TokenPair(
        access_token=issue_access_token(user_id, session_id),
        refresh_token=refresh_token,
        expires_in=settings.access_token_ttl_s,
    )


def _refuse_unverified_registration(session: Session, email: str, password: str) -> None:
    """No account yet: when the latest registration for this address has this password, say
    that its e-mail link is still to be opened. Only someone who knows the password learns it;
    otherwise the time of one verification is spent, so unknown addresses are not revealed."""
    pending_hash = session.scalar(
        select(PendingRegistration.password_hash)
        .where(
            PendingRegistration.email == email,
            PendingRegistration.expires_at > datetime.now(UTC),
        )
        .order_by(PendingRegistration.created_at.desc())
        .limit(1)
    )
    if pending_hash is None:
        dummy_verify()
    elif verify_password(pending_hash, password):
        raise Forbidden(
            "Confirm your e-mail address first: open the link we sent to it (register again "
            "to get a new one).",
            code="email-not-verified",
        )


def login(session: Session, email: str, password: str, ip_address: str) -> TokenPair:
    email = email.strip().lower()
    ensure_login_allowed(session, email, ip_address)
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        _refuse_unverified_registration(session, email, password)
    if user is None or not verify_password(user.password_hash, password) or not user.is_active:
        record_login_attempt(email, ip_address, succeeded=False)
        raise Unauthorized("The email or password is incorrect.", code="invalid-credentials")
    record_login_attempt(email, ip_address, succeeded=True)
    return start_session(session, user)


def refresh(session: Session, refresh_token: str) -> TokenPair:
    """Each refresh token works once; presenting a used one revokes its whole session."""
    token = session.scalar(
        select(RefreshToken)
        .where(RefreshToken.token_hash == hash_opaque_token(refresh_token))
        .with_for_update()
    )
    invalid = Unauthorized("The refresh token is invalid or expired.", code="invalid-token")
    if token is None:
        raise invalid
    auth_session = session.get_one(AuthSession, token.session_id)
    if token.used_at is not None:
        # Reuse means the token was copied: end the session for whoever holds it.
        _revoke_sessions_now(AuthSession.id == auth_session.id)
        raise invalid
    user = session.get_one(User, auth_session.user_id)
    now = datetime.now(UTC)
    if auth_session.revoked_at is not None or token.expires_at <= now or not user.is_active:
        raise invalid
    token.used_at = now
    return _issue_pair(session, auth_session.id, user.id)


def _revoke_sessions_now(condition: object) -> None:
    """In its own transaction, because the request that discovers the reuse fails."""
    with session_scope() as session:
        session.execute(
            update(AuthSession)
            .where(condition, AuthSession.revoked_at.is_(None))  # type: ignore[arg-type]
            .values(revoked_at=datetime.now(UTC))
        )


def revoke_session(session: Session, session_id: uuid.UUID) -> None:
    session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


def revoke_all_sessions(session: Session, user_id: uuid.UUID) -> None:
    session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


def change_password(
    session: Session, user: User, current_password: str, new_password: str, ip_address: str
) -> TokenPair:
    """Ends every session, this one included, and starts a fresh one for the caller. A wrong
    current password counts as a failed login of the account, so a stolen access token gives
    no more guesses than the login form does."""
    ensure_login_allowed(session, user.email, ip_address)
    if not verify_password(user.password_hash, current_password):
        record_login_attempt(user.email, ip_address, succeeded=False)
        raise Forbidden("The current password is incorrect.", code="wrong-password")
    ensure_acceptable_password(new_password, user.email)
    user.password_hash = hash_password(new_password)
    revoke_all_sessions(session, user.id)
    return start_session(session, user)


def is_session_live(session: Session, session_id: uuid.UUID) -> bool:
    """Whether a sign-in still stands: not ended (logout, password change, refresh-token
    reuse) and its user still active. Long-lived responses (event streams) re-check it."""
    live = session.scalar(
        select(AuthSession.id)
        .join(User, User.id == AuthSession.user_id)
        .where(
            AuthSession.id == session_id,
            AuthSession.revoked_at.is_(None),
            User.is_active.is_(True),
        )
    )
    return live is not None


def authenticate(session: Session, access_token: str) -> tuple[User, uuid.UUID]:
    """The user behind a valid access token whose session is live, and that session's id."""
    claims = decode_access_token(access_token)
    row = session.execute(
        select(User, AuthSession.revoked_at)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(User.id == claims.user_id, AuthSession.id == claims.session_id)
    ).one_or_none()
    if row is None or row.revoked_at is not None or not row.User.is_active:
        raise Unauthorized(
            "The session has ended; sign in again.",
            code="session-ended",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return row.User, claims.session_id
