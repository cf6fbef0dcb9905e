"""Authentication and role gates as `Annotated` dependencies; object checks are in policy.py."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from interview_core.accounts.models import User, UserRole
from interview_core.auth.service import authenticate
from interview_core.db.engine import session_scope
from interview_core.db.session import get_db_session
from interview_core.errors import Forbidden, Unauthorized

# scope="function": commit before the response is sent, so a failed commit is the response.
DbSession = Annotated[Session, Depends(get_db_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="An access token from /auth/login.")


@dataclass(frozen=True)
class SignedIn:
    user: User
    session_id: uuid.UUID


def get_signed_in(
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> SignedIn:
    if credentials is None:
        raise Unauthorized(
            "Sign in and send the access token as a Bearer token.",
            code="not-authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    user, session_id = authenticate(session, credentials.credentials)
    return SignedIn(user, session_id)


def get_current_user(signed_in: Annotated[SignedIn, Depends(get_signed_in)]) -> User:
    return signed_in.user


def get_signed_in_briefly(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> SignedIn:
    """For requests that wait (long-polls, event streams): checked in its own short
    transaction, so the request holds no database connection while it waits."""
    with session_scope() as session:
        return get_signed_in(session, credentials)


CurrentSignIn = Annotated[SignedIn, Depends(get_signed_in)]
CurrentUser = Annotated[User, Depends(get_current_user)]
BriefSignIn = Annotated[SignedIn, Depends(get_signed_in_briefly)]


def require_recruiter_or_admin(user: CurrentUser) -> User:
    if user.role not in (UserRole.RECRUITER, UserRole.ADMIN):
        raise Forbidden("Only recruiters and admins may do this.", code="role-required")
    return user


def require_admin(user: CurrentUser) -> User:
    if user.role != UserRole.ADMIN:
        raise Forbidden("Only admins may do this.", code="role-required")
    return user


RecruiterOrAdmin = Annotated[User, Depends(require_recruiter_or_admin)]
AdminUser = Annotated[User, Depends(require_admin)]
