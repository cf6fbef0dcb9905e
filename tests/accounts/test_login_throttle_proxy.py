"""Login throttling behind a reverse proxy: the API believes X-Forwarded-For only from the
proxy's address (FORWARDED_ALLOW_IPS), so each client behind the proxy is throttled on its own
and nobody else can choose the address they are counted under."""

import itertools
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from interview_core.accounts.models import UserRole
from interview_core.auth.models import LoginAttempt
from interview_core.config import get_settings
from interview_core.db.engine import session_scope
from tests.support.accounts import DEFAULT_PASSWORD, make_user, unique_email
from tests.support.api_server import ApiServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Loopback addresses this machine answers on: one plays the proxy, one a direct caller.
PROXY = "127.0.0.2"
DIRECT = "127.0.0.3"


@pytest.fixture(scope="module")
def api(stack) -> Iterator[ApiServer]:  # type: ignore[no-untyped-def]
    env = stack.worker_env({"FORWARDED_ALLOW_IPS": PROXY})
    with ApiServer(env, ARTIFACTS / f"api-proxy-{uuid.uuid4().hex[:8]}.log") as server:
        yield server


def _client_from(api: ApiServer, source: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=source)
    return httpx.Client(base_url=f"{api.url}/api/v1", transport=transport, timeout=60)


_addresses = itertools.count(secrets.randbelow(60_000))


def _an_address() -> str:
    """An address from the benchmarking range that no other test counts failures under."""
    number = next(_addresses)
    return f"198.18.{number // 250 % 256}.{number % 250 + 1}"


def _recorded_addresses(emails: list[str]) -> set[str]:
    with session_scope() as session:
        return set(
            session.scalars(select(LoginAttempt.ip_address).where(LoginAttempt.email.in_(emails)))
        )


def test_behind_the_proxy_one_client_failing_does_not_lock_out_another(api: ApiServer) -> None:
    limit = get_settings().login_max_failures_per_ip
    client_a, client_b = _an_address(), _an_address()
    with session_scope() as session:
        b_email = make_user(session, UserRole.CANDIDATE).email
    guessed = [unique_email("nobody") for _ in range(limit)]
    with _client_from(api, PROXY) as proxy:
        # Client A even claims to be B; nginx appends the address it saw, the one that counts.
        forwarded_by_a = {"X-Forwarded-For": f"{client_b}, {client_a}"}
        for email in guessed:
            failed = proxy.post(
                "/auth/login",
                json={"email": email, "password": "a wrong guess"},
                headers=forwarded_by_a,
            )
            assert failed.status_code == 401, failed.text
        blocked = proxy.post(
            "/auth/login",
            json={"email": b_email, "password": DEFAULT_PASSWORD},
            headers=forwarded_by_a,
        )
        assert blocked.status_code == 429, blocked.text
        assert blocked.json()["code"] == "login-throttled"
        # B, through the same proxy, is a different client and signs in.
        signed_in = proxy.post(
            "/auth/login",
            json={"email": b_email, "password": DEFAULT_PASSWORD},
            headers={"X-Forwarded-For": client_b},
        )
        assert signed_in.status_code == 200, signed_in.text
    assert _recorded_addresses(guessed) == {client_a}


def test_a_direct_caller_cannot_choose_its_address(api: ApiServer) -> None:
    limit = get_settings().login_max_failures_per_ip
    guessed = [unique_email("nobody") for _ in range(limit)]
    with session_scope() as session:
        victim = make_user(session, UserRole.CANDIDATE).email
    with _client_from(api, DIRECT) as direct:
        for email in guessed:
            failed = direct.post(
                "/auth/login",
                json={"email": email, "password": "a wrong guess"},
                headers={"X-Forwarded-For": _an_address()},
            )
            assert failed.status_code == 401, failed.text
        # A fresh forged address does not reset the count: every attempt was DIRECT's.
        blocked = direct.post(
            "/auth/login",
            json={"email": victim, "password": DEFAULT_PASSWORD},
            headers={"X-Forwarded-For": _an_address()},
        )
        assert blocked.status_code == 429, blocked.text
    assert _recorded_addresses(guessed) == {DIRECT}


def test_a_malformed_proxy_address_stops_the_service() -> None:
    from pydantic import ValidationError

    from interview_core.config import Settings

    key = secrets.token_urlsafe(48)
    for value in ("*", "nginx", "10.0.0.300"):
        with pytest.raises(ValidationError, match="FORWARDED_ALLOW_IPS"):
            Settings(secret_key=key, forwarded_allow_ips=value)
    trusted = Settings(secret_key=key, forwarded_allow_ips="172.28.0.10, 10.1.0.0/16")
    assert trusted.trusted_proxies == [
        "172.28.0.10",
        "10.1.0.0/16",
    ]
