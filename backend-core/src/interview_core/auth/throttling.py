"""Login throttling per account and per IP address, counted from login attempts in PostgreSQL.

PostgreSQL rather than Redis: the attempts are durable (a Redis flush or restart does not reset
a lockout), they double as a security record, and the check needs no second moving part.
"""

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interview_core.auth.models import LoginAttempt
from interview_core.config import get_settings
from interview_core.db.engine import session_scope
from interview_core.errors.problems import TooManyRequests


def ensure_login_allowed(session: Session, email: str, ip_address: str) -> None:
    settings = get_settings()
    window_start = datetime.now(UTC) - timedelta(seconds=settings.login_throttle_window_s)
    last_success = session.scalar(
        select(func.max(LoginAttempt.created_at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(True)
        )
    )
    # A successful login clears the account's count; the IP's count is not cleared by it.
    account_since = max(window_start, last_success) if last_success else window_start
    checks = (
        (LoginAttempt.email == email, account_since, settings.login_max_failures_per_account),
        (LoginAttempt.ip_address == ip_address, window_start, settings.login_max_failures_per_ip),
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


def record_login_attempt(email: str, ip_address: str, succeeded: bool) -> None:
    """In its own transaction: a failed login's request rolls back, its attempt must not."""
    with session_scope() as session:
        session.add(LoginAttempt(email=email, ip_address=ip_address, succeeded=succeeded))
