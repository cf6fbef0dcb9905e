"""Real users, organisations and tokens for any domain's tests.

with session_scope() as session:
    organisation = make_organisation(session)
    recruiter = make_user(session, UserRole.RECRUITER, organisation)
headers = auth_headers(client, recruiter)   # a real login through the API
headers = signed_in_headers(recruiter)      # a real session, no login round trip
tokens = register_and_verify(client, email)  # registration as a person does it, by e-mail

Users made by make_user are accounts whose address is verified: since registration verifies
e-mail ownership before an account exists, every account is one.
"""

import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from interview_core.accounts.models import EmotionAnalysis, Organisation, User, UserRole
from interview_core.auth.passwords import hash_password
from interview_core.auth.service import TokenPair, start_session
from interview_core.config import get_infra_settings
from interview_core.db.engine import session_scope
from tests.support.mail import fragment_token, last_mail_to, link_in

DEFAULT_PASSWORD = "correct horse battery staple"


@lru_cache
def password_hash(password: str) -> str:
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
        password_hash=password_hash(password),
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


def mail_dir() -> Path:
    """Where the session's SMTP sink stores what the API sent."""
    return get_infra_settings().data_dir / "mail"


def register(client: Any, email: str, password: str = DEFAULT_PASSWORD, **extra: Any) -> Any:
    body = {"email": email, "password": password, "full_name": "Registered Person", **extra}
    return client.post("/api/v1/auth/register", json=body)


def verification_token(email: str) -> str:
    """The token of the newest verification link mailed to `email`."""
    return fragment_token(link_in(last_mail_to(mail_dir(), email, "verify-email")))


def register_and_verify(
    client: Any, email: str, password: str = DEFAULT_PASSWORD
) -> dict[str, Any]:
    """Register through the API, open the link from the mail the sink received, and return
    the token pair the verification signs in with."""
    registered = register(client, email, password)
    assert registered.status_code == 202, registered.text
    verified = client.post(
        "/api/v1/auth/verify-email",
        json={"token": verification_token(email), "password": password},
    )
    assert verified.status_code == 200, verified.text
    tokens: dict[str, Any] = verified.json()
    return tokens
