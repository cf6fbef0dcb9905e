"""Throttling of logins (failures per account and client address, per account, and per client
address) and of registrations (all of them, per e-mail address and per IP address), counted
from attempts kept in PostgreSQL.

PostgreSQL rather than Redis: the attempts are durable (a Redis flush or restart does not reset
a lockout), they double as a security record, and the check needs no second moving part.
"""

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from interview_core.auth.models import LoginAttempt, RegistrationAttempt
from interview_core.config import get_settings
from interview_core.db.engine import session_scope
from interview_core.errors.problems import TooManyRequests


def ensure_login_allowed(session: Session, email: str, ip_address: str) -> None:
    """Refuse (429) a password attempt on `email` from `ip_address` when, within the window,
    there were too many failures of that account from that client, of that account from all
    clients together (a much looser cap, so guessing spread over many addresses stays bounded
    while one client's failures cannot lock the owner out), or of that client on any account.

    A success clears the failures it could not be mistaken for: the owner's own typos (its
    account from its client) and the account-wide count; never the failures of another
    client, so an attacker gains no guesses when the owner signs in.
    """
    settings = get_settings()
    window_start = datetime.now(UTC) - timedelta(seconds=settings.login_throttle_window_s)
    of_account = LoginAttempt.email == email
    of_client = LoginAttempt.ip_address == ip_address
    account_success, pair_success = session.execute(
        select(
            func.max(LoginAttempt.created_at),
            func.max(LoginAttempt.created_at).filter(of_client),
        ).where(of_account, LoginAttempt.succeeded.is_(True))
    ).one()
    checks = (
        (
            and_(of_account, of_client),
            _since(window_start, pair_success),
            settings.login_max_failures_per_account_client,
        ),
        (
            of_account,
            _since(window_start, account_success),
            settings.login_max_failures_per_account,
        ),
        (of_client, window_start, settings.login_max_failures_per_ip),
    )
    for condition, since, limit in checks:
        count, oldest = session.execute(
            select(func.count(), func.min(LoginAttempt.created_at)).where(
                condition, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > since
            )
        ).one()
        if count >= limit:
            retry_after = oldest + timedelta(seconds=settings.login_throttle_window_s)
            seconds = max(1, math.ceil((retry_after - datetime.now(UTC)).total_seconds()))
            raise TooManyRequests(
                f"Too many failed logins. Try again in {math.ceil(seconds / 60)} minutes.",
                code="login-throttled",
                headers={"Retry-After": str(seconds)},
            )


def _since(window_start: datetime, last_success: datetime | None) -> datetime:
    return max(window_start, last_success) if last_success else window_start


def record_login_attempt(email: str, ip_address: str, succeeded: bool) -> None:
    """In its own transaction: a failed login's request rolls back, its attempt must not."""
    with session_scope() as session:
        session.add(LoginAttempt(email=email, ip_address=ip_address, succeeded=succeeded))


def check_registration_rate(email: str, ip_address: str) -> None:
    """Record this registration, then refuse it (429) when the client address or the e-mail
    address registered too often lately. Every registration counts, whatever its outcome, and
    the answer is the same whether the address has an account or not.

    Recorded in its own transaction first, so refused requests count too: a client retrying
    in a loop stays refused until it stops.
    """
    settings = get_settings()
    window = timedelta(seconds=settings.registration_throttle_window_s)
    now = datetime.now(UTC)
    refused_until: datetime | None = None
    with session_scope() as session:
        session.add(RegistrationAttempt(email=email, ip_address=ip_address))
        session.flush()
        checks = (
            (RegistrationAttempt.ip_address == ip_address, settings.registration_max_per_ip),
            (RegistrationAttempt.email == email, settings.registration_max_per_email),
        )
        for condition, limit in checks:
            recent = select(RegistrationAttempt.created_at).where(
                condition, RegistrationAttempt.created_at > now - window
            )
            count = session.scalar(select(func.count()).select_from(recent.subquery())) or 0
            if count > limit:
                # The next attempt is allowed once fewer than `limit` remain in the window,
                # that is when the limit-th newest one leaves it (refused ones count too).
                leaving = session.scalar(
                    recent.order_by(RegistrationAttempt.created_at.desc())
                    .offset(limit - 1)
                    .limit(1)
                )
                until = (leaving or now) + window
                refused_until = max(refused_until or until, until)
        # Attempts older than any window are of no further use.
        session.execute(
            delete(RegistrationAttempt).where(RegistrationAttempt.created_at < now - 2 * window)
        )
    if refused_until is not None:
        seconds = max(1, math.ceil((refused_until - datetime.now(UTC)).total_seconds()))
        raise TooManyRequests(
            f"Too many registrations. Try again in {math.ceil(seconds / 60)} minutes.",
            code="registration-throttled",
            headers={"Retry-After": str(seconds)},
        )
