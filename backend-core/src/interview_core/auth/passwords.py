"""Argon2id password hashing and password rules stated in words a user understands."""

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from interview_core.errors import UnprocessableInput

MIN_PASSWORD_LENGTH = 10
# Argon2 cost grows with input; a bound keeps a huge password from becoming a denial of service.
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password12",
        "password123",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "qwerty1234",
        "iloveyou12",
        "letmein123",
        "welcome123",
        "admin12345",
        "abc1234567",
        "1q2w3e4r5t",
        "0123456789",
        "passw0rd12",
        "changeme12",
        "football12",
    }
)
PASSWORD_RULES = (
    f"Use {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters. A phrase of several words "
    "is easiest to remember. It must not be a common password or contain your email name."
)


@lru_cache
def _hasher() -> PasswordHasher:
    # OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 0.1 s on a small server, so
    # logins stay cheap to serve yet costly to brute-force; parameters live in each hash.
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend the time a real verification would, so unknown emails are not revealed by timing."""
    verify_password(_dummy_hash(), "not-the-password")


@lru_cache
def _dummy_hash() -> str:
    return hash_password("a-dummy-password-nobody-has")


def password_problems(password: str, email: str) -> list[str]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"It is shorter than {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"It is longer than {MAX_PASSWORD_LENGTH} characters.")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        problems.append("It is too common or too repetitive to be safe.")
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        problems.append("It contains the name part of your email address.")
    return problems


def ensure_acceptable_password(password: str, email: str) -> None:
    problems = password_problems(password, email)
    if problems:
        raise UnprocessableInput(
            " ".join(problems) + " " + PASSWORD_RULES,
            code="weak-password",
            problems=problems,
        )
