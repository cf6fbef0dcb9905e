"""Registration verified by e-mail: the account exists once the mailed link is opened with the
password chosen; the answer never tells whether an address has an account; registration and
password changes are throttled. Mail goes over SMTP to the session's sink (tests/support)."""

import itertools
import uuid
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from interview_core.accounts.models import PendingRegistration, User, UserRole
from interview_core.auth.tokens import issue_access_token, issue_verification_token
from interview_core.config import get_settings
from interview_core.db.engine import session_scope
from tests.support.accounts import (
    DEFAULT_PASSWORD,
    bearer,
    login,
    mail_dir,
    make_user,
    register,
    unique_email,
    verification_token,
)
from tests.support.mail import body_of, last_mail_to, link_in, mail_to

API = "/api/v1"
_addresses = itertools.count(1)


def _client_address() -> tuple[str, int]:
    """A client address of its own per use, so no test spends another's throttle budget."""
    n = next(_addresses)
    return f"10.77.{n // 250}.{n % 250 + 1}", 40000


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def _user_exists(email: str) -> bool:
    with session_scope() as session:
        return session.scalar(select(User.id).where(User.email == email)) is not None


def _verify(client: Any, token: str, password: str = DEFAULT_PASSWORD) -> Any:
    return client.post(f"{API}/auth/verify-email", json={"token": token, "password": password})


def test_the_account_exists_once_the_mailed_link_is_opened_with_its_password(
    app: FastAPI,
) -> None:
    email = unique_email("New.Person").upper()
    with TestClient(app, client=_client_address()) as client:
        registered = register(client, email)
        assert registered.status_code == 202, registered.text
        assert registered.json()["email"] == email.lower()
        assert not _user_exists(email.lower())
        # Before the link is opened: the right password says so, a wrong one reveals nothing.
        _problem(
            client.post(f"{API}/auth/login", json={"email": email, "password": DEFAULT_PASSWORD}),
            403,
            "email-not-verified",
        )
        _problem(
            client.post(f"{API}/auth/login", json={"email": email, "password": "not it at all"}),
            401,
            "invalid-credentials",
        )
        message = last_mail_to(mail_dir(), email.lower(), "verify-email")
        link = link_in(message)
        assert "/verify-email#token=" in link, "the token travels in the fragment, never a path"
        assert message["Subject"] == "Confirm your e-mail address"
        token = verification_token(email.lower())
        _problem(_verify(client, token, "a guessed passphrase"), 403, "wrong-password")
        assert not _user_exists(email.lower())
        verified = _verify(client, token)
        assert verified.status_code == 200, verified.text
        me = client.get(f"{API}/users/me", headers=bearer(verified.json()["access_token"]))
        assert me.json()["email"] == email.lower()
        assert me.json()["role"] == "candidate"
        assert me.json()["organisation_id"] is None
        # A link works once; the account signs in as any other.
        body = _problem(_verify(client, token), 422, "verification-used")
        assert body["errors"][0]["loc"] == ["body", "token"]
        login(client, email)


def test_the_registration_mail_is_in_the_language_chosen(app: FastAPI) -> None:
    email = unique_email("ko")
    with TestClient(app, client=_client_address()) as client:
        response = register(client, email, preferred_language="ko")
    assert response.status_code == 202, response.text
    message = last_mail_to(mail_dir(), email, "verify-email")
    assert message["Subject"] == "이메일 주소를 확인하세요"
    assert "비밀번호" in body_of(message)


def test_registration_answers_alike_whether_or_not_the_address_has_an_account(
    app: FastAPI,
) -> None:
    with session_scope() as session:
        existing = make_user(session, UserRole.CANDIDATE)
    new = unique_email("fresh")
    password = "another long passphrase"
    with TestClient(app, client=_client_address()) as client:
        taken = register(client, existing.email, password)
        free = register(client, new, password)
    assert taken.status_code == free.status_code == 202
    assert taken.headers["content-type"] == free.headers["content-type"]
    assert {**taken.json(), "email": None} == {**free.json(), "email": None}
    # The owner of the existing account is told, by mail, and nothing about it changed.
    told = last_mail_to(mail_dir(), existing.email, "existing-account")
    assert "already has one" in body_of(told)
    assert mail_to(mail_dir(), existing.email, "verify-email") == []
    with TestClient(app, client=_client_address()) as client:
        login(client, existing.email, DEFAULT_PASSWORD)
    # The new address got its link, and no account yet.
    assert last_mail_to(mail_dir(), new, "verify-email")
    assert not _user_exists(new)


def test_an_altered_or_expired_verification_link_is_refused(app: FastAPI) -> None:
    email = unique_email("tamper")
    with TestClient(app, client=_client_address()) as client:
        assert register(client, email).status_code == 202
        token = verification_token(email)
        claims = jwt.decode(token, options={"verify_signature": False})
        header, payload, signature = token.split(".")
        other_payload = jwt.encode(
            {**claims, "email": unique_email("attacker")}, "k" * 48, algorithm="HS256"
        ).split(".")[1]
        with session_scope() as session:
            user = make_user(session, UserRole.CANDIDATE)
        refused = {
            "another address in the payload": f"{header}.{other_payload}.{signature}",
            "altered signature": f"{header}.{payload}.{signature[::-1]}",
            "signed with another key": jwt.encode(claims, "another-key-" + "x" * 40, "HS256"),
            "an access token": issue_access_token(user.id, uuid.uuid4()),
            "not a token": "garbage",
        }
        for name, forged in refused.items():
            body = _problem(_verify(client, forged), 422, "verification-invalid")
            assert body["errors"][0]["loc"] == ["body", "token"], name
        # The platform's own link, for this very registration, once its time is over.
        expired = issue_verification_token(uuid.UUID(claims["sub"]), email, ttl_s=-1)
        _problem(_verify(client, expired), 422, "verification-expired")
        assert not _user_exists(email)
        # None of that touched the registration: its real link still works.
        assert _verify(client, token).status_code == 200


def test_a_link_opened_without_the_registrants_password_creates_nothing(app: FastAPI) -> None:
    """Someone registers another person's address; its owner receives the link. Opening it
    without the password the squatter chose creates no account; the owner's own registration
    then works, and the squatter's pending one is void."""
    victim = unique_email("owner")
    with TestClient(app, client=_client_address()) as squatter:
        assert register(squatter, victim, "the squatter's own passphrase").status_code == 202
    squatters_link = verification_token(victim)
    with TestClient(app, client=_client_address()) as owner:
        _problem(_verify(owner, squatters_link), 403, "wrong-password")
        assert not _user_exists(victim)
        assert register(owner, victim).status_code == 202
        own_link = verification_token(victim)
        assert own_link != squatters_link
        assert _verify(owner, own_link).status_code == 200
        used = _verify(owner, squatters_link, "the squatter's own passphrase")
        _problem(used, 422, "verification-used")
    with session_scope() as session:
        pending = session.scalars(
            select(PendingRegistration).where(PendingRegistration.email == victim)
        )
        assert list(pending) == []


def test_registration_is_throttled_per_email_address(app: FastAPI) -> None:
    limit = get_settings().registration_max_per_email
    with session_scope() as session:
        existing = make_user(session, UserRole.CANDIDATE)
    for email in (unique_email("busy"), existing.email):
        for _ in range(limit):
            with TestClient(app, client=_client_address()) as client:
                assert register(client, email).status_code == 202
        # From yet another client: the address is what is throttled, and whether it has an
        # account or not, the refusal is the same.
        with TestClient(app, client=_client_address()) as client:
            refused = register(client, email)
        _problem(refused, 429, "registration-throttled")
        retry_after = int(refused.headers["retry-after"])
        assert 0 < retry_after <= get_settings().registration_throttle_window_s


def test_registration_is_throttled_per_client_address(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small limit keeps the test short: each registration costs a password hash and a mail.
    monkeypatch.setattr(get_settings(), "registration_max_per_ip", 3)
    address = _client_address()
    with TestClient(app, client=address) as client:
        for _ in range(3):
            assert register(client, unique_email("spray")).status_code == 202
        refused = register(client, unique_email("spray"))
        _problem(refused, 429, "registration-throttled")
        assert int(refused.headers["retry-after"]) > 0
        # Refused attempts count too: trying again at once is refused again.
        _problem(register(client, unique_email("spray")), 429, "registration-throttled")
    with TestClient(app, client=_client_address()) as elsewhere:
        assert register(elsewhere, unique_email("other")).status_code == 202


def test_password_change_is_throttled_per_account_and_client(app: FastAPI) -> None:
    """A stolen access token gives no more password guesses than the login form."""
    limit = get_settings().login_max_failures_per_account_client
    with session_scope() as session:
        user = make_user(session, UserRole.CANDIDATE)
    with TestClient(app, client=_client_address()) as thief:
        headers = bearer(login(thief, user.email)["access_token"])
        for attempt in range(limit):
            guess = thief.post(
                f"{API}/auth/password",
                headers=headers,
                json={"current_password": f"guess number {attempt}", "new_password": "x" * 12},
            )
            _problem(guess, 403, "wrong-password")
        blocked = thief.post(
            f"{API}/auth/password",
            headers=headers,
            json={"current_password": DEFAULT_PASSWORD, "new_password": "a fresh passphrase"},
        )
        _problem(blocked, 429, "login-throttled")
        assert int(blocked.headers["retry-after"]) > 0
        # They count as failed logins of the account from that address, as the form's do.
        locked = thief.post(
            f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        _problem(locked, 429, "login-throttled")
    # The owner, elsewhere, is not locked out by them.
    with TestClient(app, client=_client_address()) as owner:
        login(owner, user.email)
