"""Short-lived signed access tokens (JWT, HS256) and opaque single-use refresh tokens."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from interview_core.config import get_settings
from interview_core.errors import Unauthorized, UnprocessableInput

ALGORITHM = "HS256"
ISSUER = "interview-core"
ACCESS_TOKEN_TYPE = "access"  # noqa: S105


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID


def issue_access_token(user_id: uuid.UUID, session_id: uuid.UUID) -> str:
    settings = get_settings()
    now = datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": str(user_id),
        "sid": str(session_id),
        "typ": ACCESS_TOKEN_TYPE,
        "iat": now,
        "exp": now + timedelta(seconds=settings.access_token_ttl_s),
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def _signed_claims(token: str, token_type: str, required: list[str]) -> dict[str, Any]:
    """The claims of a token this service signed, of this type, with these claims present;
    jwt.InvalidTokenError (ExpiredSignatureError when only expired) otherwise."""
    claims: dict[str, Any] = jwt.decode(
        token,
        get_settings().secret_key,
        algorithms=[ALGORITHM],
        issuer=ISSUER,
        options={"require": required},
    )
    if claims.get("typ") != token_type:
        raise jwt.InvalidTokenError(f"not a {token_type} token")
    return claims


def decode_access_token(token: str) -> AccessClaims:
    """Verify signature, expiry, issuer and type; any failure is the same 401."""
    try:
        claims = _signed_claims(token, ACCESS_TOKEN_TYPE, ["exp", "iat", "sub", "sid", "iss"])
        return AccessClaims(uuid.UUID(claims["sub"]), uuid.UUID(claims["sid"]))
    except (jwt.InvalidTokenError, ValueError) as exc:
        raise Unauthorized(
            "The access token is invalid or expired.",
            code="invalid-token",
            headers={"WWW-Authenticate": "Bearer"},
        ) from exc


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def hash_opaque_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


VERIFICATION_TOKEN_TYPE = "email-verification"  # noqa: S105


@dataclass(frozen=True)
class VerificationClaims:
    registration_id: uuid.UUID
    email: str


def issue_verification_token(registration_id: uuid.UUID, email: str, ttl_s: int) -> str:
    """The token of an e-mail verification link: names the pending registration and the
    address it was sent to; signed, so neither can be changed, and expiring."""
    now = datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": str(registration_id),
        "email": email,
        "typ": VERIFICATION_TOKEN_TYPE,
        "iat": now,
        "exp": now + timedelta(seconds=ttl_s),
    }
    return jwt.encode(claims, get_settings().secret_key, algorithm=ALGORITHM)


def decode_verification_token(token: str) -> VerificationClaims:
    """Refuses (422, naming the field) a link that was altered, is not a verification link, or
    has expired; expiry has its own code so the page can say "register again"."""
    try:
        claims = _signed_claims(
            token, VERIFICATION_TOKEN_TYPE, ["exp", "iat", "sub", "iss", "email"]
        )
        return VerificationClaims(uuid.UUID(claims["sub"]), str(claims["email"]))
    except jwt.ExpiredSignatureError as exc:
        raise UnprocessableInput(
            "This link has expired. Register again to get a new one.",
            code="verification-expired",
            errors=[_token_error("expired")],
        ) from exc
    except (jwt.InvalidTokenError, ValueError) as exc:
        raise UnprocessableInput(
            "This link is not valid. Open the link from the e-mail exactly as it was sent.",
            code="verification-invalid",
            errors=[_token_error("invalid")],
        ) from exc


def _token_error(kind: str) -> dict[str, object]:
    return {"loc": ["body", "token"], "msg": f"verification link {kind}", "type": kind}
