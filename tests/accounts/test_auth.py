"""Registration input, login, tokens, refresh rotation, logout, password change and login
throttling; registration itself is in test_registration.py."""

import secrets
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from interview_core.accounts.models import User, UserRole
from interview_core.auth.models import LoginAttempt
from interview_core.config import get_settings
from interview_core.db.engine import session_scope
from tests.support.accounts import DEFAULT_PASSWORD, bearer, login, make_user, unique_email

API = "/api/v1"


def _new_user(role: UserRole = UserRole.CANDIDATE) -> User:
    with session_scope() as session:
        return make_user(session, role)


def _is_problem(response: Any, status: int) -> bool:
    body = response.json()
    return (
        response.status_code == status
        and response.headers["content-type"].startswith("application/problem+json")
        and {"type", "title", "status", "detail"} <= body.keys()
        and bool(body["status"] == status)
    )


@pytest.mark.parametrize("role", ["admin", "recruiter", "candidate"])
def test_registration_refuses_a_role_field_and_creates_nothing(
    client: TestClient, role: str
) -> None:
    email = unique_email("sneaky")
    body = {"email": email, "password": DEFAULT_PASSWORD, "full_name": "Sneaky", "role": role}
    response = client.post(f"{API}/auth/register", json=body)
    assert _is_problem(response, 422)
    assert ["body", "role"] in [error["loc"] for error in response.json()["errors"]]
    with session_scope() as session:
        assert session.scalar(select(User).where(User.email == email)) is None


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("short1", "shorter than 10"), ("password123", "too common"), ("aaaaaaaaaaaa", "repetitive")],
)
def test_weak_passwords_are_refused_with_reasons(
    client: TestClient, password: str, fragment: str
) -> None:
    response = client.post(
        f"{API}/auth/register",
        json={"email": unique_email(), "password": password, "full_name": "Weak"},
    )
    assert _is_problem(response, 422)
    assert response.json()["code"] == "weak-password"
    assert fragment in response.json()["detail"]


@pytest.mark.parametrize(
    "payload",
    [b"{not json", b"[]", b'{"email": "not-an-email", "password": "x", "full_name": "x"}'],
)
def test_bad_input_is_a_422_never_a_500(client: TestClient, payload: bytes) -> None:
    response = client.post(
        f"{API}/auth/register", content=payload, headers={"content-type": "application/json"}
    )
    assert _is_problem(response, 422)


def _claims(user: User, session_id: uuid.UUID, **overrides: object) -> dict[str, object]:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": "interview-core",
        "sub": str(user.id),
        "sid": str(session_id),
        "typ": "access",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    return {**claims, **overrides}


def test_tampered_expired_and_wrong_key_tokens_are_refused(client: TestClient) -> None:
    user = _new_user()
    tokens = login(client, user.email)
    good = tokens["access_token"]
    assert client.get(f"{API}/users/me", headers=bearer(good)).status_code == 200
    sid = jwt.decode(good, options={"verify_signature": False})["sid"]
    secret = get_settings().secret_key
    other = _new_user(UserRole.ADMIN)
    header, payload, signature = good.split(".")
    forged_payload = jwt.encode(_claims(other, sid), "x" * 40, algorithm="HS256").split(".")[1]
    refused = {
        "tampered payload": f"{header}.{forged_payload}.{signature}",
        "tampered signature": f"{header}.{payload}.{signature[::-1]}",
        "expired": jwt.encode(
            _claims(user, sid, exp=datetime.now(UTC) - timedelta(seconds=1)), secret, "HS256"
        ),
        "wrong key": jwt.encode(_claims(user, sid), "another-key-" + "k" * 40, "HS256"),
        "alg none": jwt.encode(_claims(user, sid), None, algorithm="none"),
        "refresh token as access token": tokens["refresh_token"],
        "not a token": "garbage",
    }
    for name, token in refused.items():
        response = client.get(f"{API}/users/me", headers=bearer(token))
        assert _is_problem(response, 401), name
        assert response.headers["www-authenticate"] == "Bearer", name
    assert _is_problem(client.get(f"{API}/users/me"), 401)


def test_a_refresh_token_works_once_and_reuse_ends_the_session(client: TestClient) -> None:
    user = _new_user()
    first = login(client, user.email)
    second = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert client.get(f"{API}/users/me", headers=bearer(rotated["access_token"])).status_code == 200
    replay = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert _is_problem(replay, 401)
    # A replayed token means it was copied: the whole sign-in ends, rotated tokens included.
    after = client.post(f"{API}/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert _is_problem(after, 401)
    assert _is_problem(client.get(f"{API}/users/me", headers=bearer(rotated["access_token"])), 401)
    unknown = client.post(f"{API}/auth/refresh", json={"refresh_token": "made-up"})
    assert _is_problem(unknown, 401)


def test_logout_revokes_access_and_refresh_tokens_of_that_sign_in_only(client: TestClient) -> None:
    user = _new_user()
    this, other = login(client, user.email), login(client, user.email)
    response = client.post(f"{API}/auth/logout", headers=bearer(this["access_token"]))
    assert response.status_code == 204
    assert _is_problem(client.get(f"{API}/users/me", headers=bearer(this["access_token"])), 401)
    refused = client.post(f"{API}/auth/refresh", json={"refresh_token": this["refresh_token"]})
    assert _is_problem(refused, 401)
    assert client.get(f"{API}/users/me", headers=bearer(other["access_token"])).status_code == 200


def test_password_change_ends_every_sign_in_and_needs_the_current_password(
    client: TestClient,
) -> None:
    user = _new_user()
    elsewhere = login(client, user.email)
    here = login(client, user.email)
    wrong = client.post(
        f"{API}/auth/password",
        headers=bearer(here["access_token"]),
        json={"current_password": "not it at all", "new_password": "a fresh long passphrase"},
    )
    assert _is_problem(wrong, 403)
    changed = client.post(
        f"{API}/auth/password",
        headers=bearer(here["access_token"]),
        json={"current_password": DEFAULT_PASSWORD, "new_password": "a fresh long passphrase"},
    )
    assert changed.status_code == 200
    for old in (elsewhere, here):
        assert _is_problem(client.get(f"{API}/users/me", headers=bearer(old["access_token"])), 401)
        refresh = client.post(f"{API}/auth/refresh", json={"refresh_token": old["refresh_token"]})
        assert _is_problem(refresh, 401)
    fresh = changed.json()["access_token"]
    assert client.get(f"{API}/users/me", headers=bearer(fresh)).status_code == 200
    old_password = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert _is_problem(old_password, 401)
    login(client, user.email, "a fresh long passphrase")


def test_login_is_throttled_per_account_and_client(app: FastAPI) -> None:
    settings = get_settings()
    limit = settings.login_max_failures_per_account_client
    user = _new_user()
    with TestClient(app, client=("10.0.1.1", 40000)) as attacker:
        for _ in range(limit):
            failed = attacker.post(
                f"{API}/auth/login", json={"email": user.email, "password": "wrong guess here"}
            )
            assert _is_problem(failed, 401)
        blocked = attacker.post(
            f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert _is_problem(blocked, 429)
        assert int(blocked.headers["retry-after"]) > 0
    # Failing on purpose does not lock the owner out: from their own address they sign in.
    with TestClient(app, client=("10.0.1.2", 40000)) as owner:
        login(owner, user.email)
    # Nor does the owner's sign-in give the attacker's address more guesses.
    with TestClient(app, client=("10.0.1.1", 40000)) as attacker:
        again = attacker.post(
            f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert _is_problem(again, 429)


def test_guesses_spread_over_many_addresses_meet_the_account_wide_cap(app: FastAPI) -> None:
    settings = get_settings()
    per_client = settings.login_max_failures_per_account_client
    cap = settings.login_max_failures_per_account
    assert cap >= 5 * per_client
    user = _new_user()
    # All but the last failure recorded as the login route records them, each from an
    # address that stays under its own limit (cheaper than hashing cap - 1 wrong passwords).
    with session_scope() as session:
        session.add_all(
            LoginAttempt(email=user.email, ip_address=f"10.0.3.{index}", succeeded=False)
            for index in range(cap - 1)
        )
    with TestClient(app, client=("10.0.4.1", 40000)) as last_guess:
        failed = last_guess.post(
            f"{API}/auth/login", json={"email": user.email, "password": "wrong guess here"}
        )
        assert _is_problem(failed, 401)
    # The account now refuses every address, a fresh one and its owner's included.
    with TestClient(app, client=("10.0.4.2", 40000)) as owner:
        capped = owner.post(
            f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert _is_problem(capped, 429)
        assert capped.json()["code"] == "login-throttled"


def test_login_is_throttled_per_ip_address(app: FastAPI) -> None:
    limit = get_settings().login_max_failures_per_ip
    victim = _new_user()
    with TestClient(app, client=("10.0.2.1", 40000)) as sprayer:
        for _ in range(limit):
            sprayer.post(
                f"{API}/auth/login",
                json={"email": unique_email("nobody"), "password": "some guess here"},
            )
        blocked = sprayer.post(
            f"{API}/auth/login", json={"email": victim.email, "password": DEFAULT_PASSWORD}
        )
        assert _is_problem(blocked, 429)
    with TestClient(app, client=("10.0.2.2", 40000)) as elsewhere:
        login(elsewhere, victim.email)


def test_the_service_refuses_to_start_in_production_without_a_strong_secret() -> None:
    code = "from interview_core.main import create_app; create_app()"
    for secret in ("", "changeme", "too-short-for-a-key", "s" * 20 + "x" * 28):
        env = {"PATH": "/usr/bin:/bin", "ENVIRONMENT": "production", "SECRET_KEY": secret}
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True
        )
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr
    key = secrets.token_urlsafe(48)
    env = {"PATH": "/usr/bin:/bin", "ENVIRONMENT": "production", "SECRET_KEY": key}
    started = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
