"""Real users, organisations and tokens for any domain's tests.

with session_scope() as session:
    organisation = make_organisation(session)
    recruiter = make_user(session, UserRole.RECRUITER, organisation)
headers = auth_headers(client, recruiter)   # a real login through the API
headers = signed_in_headers(recruiter)      # a real session, no login round trip
"""

import uuid
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from interview_core.accounts.models import EmotionAnalysis, Organisation, User, UserRole
from interview_core.auth.passwords import hash_password
from interview_core.auth.service import TokenPair, start_session
from interview_core.db.engine import session_scope

DEFAULT_PASSWORD = "correct horse battery staple"


@lru_cache
def _password_hash(password: str) -> str:
    # Hashing is deliberately slow; every test user with the same password can share one hash.
    return hash_password(password)


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.test"


def make_organisation(
    session: Session,
    name: str | None = None,
    owner: User | None = None,
    emotion_analysis: EmotionAnalysis = EmotionAnalysis.OFF,
) -> Organisation:
    organisation = Organisation(
        id=uuid.uuid4(),
        name=name or f"Org {uuid.uuid4().hex[:8]}",
        emotion_analysis=emotion_analysis,
        owner_id=owner.id if owner else None,
    )
    session.add(organisation)
    session.flush()
    return organisation


def make_user(
    session: Session,
    role: UserRole,
    organisation: Organisation | None = None,
    *,
    password: str = DEFAULT_PASSWORD,
    email: str | None = None,
    owner: bool = False,
) -> User:
    """A flushed user (the caller's transaction commits it); `owner` makes a recruiter own
    their organisation."""
    user = User(
        id=uuid.uuid4(),
        email=email or unique_email(role.value),
        password_hash=_password_hash(password),
        full_name=f"Test {role.value.title()}",
        role=role,
        organisation_id=organisation.id if organisation else None,
    )
    session.add(user)
    session.flush()
    if owner and organisation is not None:
        organisation.owner_id = user.id
    return user


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def login(client: Any, email: str, password: str = DEFAULT_PASSWORD) -> dict[str, Any]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def auth_headers(client: Any, user: User, password: str = DEFAULT_PASSWORD) -> dict[str, str]:
    return bearer(login(client, user.email, password)["access_token"])


def signed_in_tokens(user: User) -> TokenPair:
    with session_scope() as session:
        return start_session(session, session.get_one(User, user.id))


def signed_in_headers(user: User) -> dict[str, str]:
    return bearer(signed_in_tokens(user).access_token)
