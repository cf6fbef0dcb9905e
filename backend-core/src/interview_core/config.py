"""One typed settings object per process kind, validated at start so misconfiguration fails fast."""

import ipaddress
import itertools
import math
from collections import Counter
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from interview_contracts.settings import SharedSettings


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def normalise_database_url(url: str) -> str:
    """Every part of the platform talks to PostgreSQL through psycopg 3."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class InfraSettings(SharedSettings):
    """What every backend process (API, core worker, beat) needs besides the shared settings:
    the database, and how interviews are timed."""

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = Field(
        default="postgresql+psycopg://interview:interview@localhost:5432/interview"
    )
    # Seconds a candidate waits for a generated question before the bank question is served.
    generation_timeout_s: float = 30.0
    # Root URL of the inference engine the GPU worker writes questions with (llama.cpp's server,
    # vLLM: anything answering GET /health), for /readyz; empty: none to check (the model runs
    # in the worker). The run command sets it for the engine it starts.
    question_engine_url: str = ""
    # Seconds a transcription or evaluation may stay pending before the sweep re-sends its
    # task (its message was lost: broker down at dispatch, or a worker killed with it). As long
    # as the longest turn task may run, so work merely queued or running is rarely re-sent.
    stale_work_after_s: float = 300.0
    # Seconds between sweeps on the beat schedule.
    sweep_interval_s: float = 60.0
    # Minutes without activity after which an interview in progress is abandoned.
    interview_inactivity_timeout_min: int = 60
    # Largest résumé file accepted by the API.
    max_resume_upload_bytes: int = 5 * 1024 * 1024
    # Frames one turn may store, and frames one upload request may carry.
    max_frames_per_turn: int = 900
    max_frames_per_upload: int = 30
    # Times each answer is evaluated; above 1 the report shows the spread and flags answers
    # whose scores disagree.
    evaluation_runs: int = Field(default=1, ge=1, le=5)
    # Seconds between camera frames the browser samples (one JPEG per second by default).
    frame_interval_s: float = 1.0
    # Seconds between scheduled retention runs (Celery beat; see docs/architecture.md).
    retention_interval_s: float = Field(default=24 * 3600, gt=0)
    # Days after its upload that a résumé no interview uses (never picked, or its interviews
    # deleted) keeps its text and chunks; empty: kept. Résumés an interview uses follow that
    # organisation's embeddings period instead; the default is that period's default.
    unused_resume_retention_days: int | None = Field(default=365, ge=1)
    # Processes of the core worker role (prefork): database work, never inference.
    core_worker_concurrency: int = Field(default=3, ge=1)
    # Question cases and score pairs per language an adapter's benchmark runs, on the base
    # and on the adapter (None: all the packaged cases, minutes on a CPU).
    adapter_benchmark_cases: int | None = Field(default=None, ge=1)
    # Score pairs per language when it differs (0: the question half only).
    adapter_benchmark_score_pairs: int | None = Field(default=None, ge=0)

    @field_validator(
        "adapter_benchmark_cases",
        "adapter_benchmark_score_pairs",
        "unused_resume_retention_days",
        mode="before",
    )
    @classmethod
    def _empty_is_all(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        return normalise_database_url(value)


MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT_CHARACTERS = 8
# Padding such as xxxxxxxx; a random hex key has such a run about once in ten million.
MAX_SECRET_RUN = 8
# Length times the entropy of the value's own character frequencies: a 32-character hex key
# (128 random bits) measures about 112: this refuses only values dominated by a few characters.
MIN_SECRET_ENTROPY_BITS = 80.0
# Words that mark a value typed in from an example rather than generated (six letters or more,
# so a generated key contains one by chance about once in ten million).
PLACEHOLDER_WORDS = (
    "changeme",
    "change-me",
    "change_me",
    "secret",
    "replace",
    "example",
    "placeholder",
    "password",
    "default",
    "insecure",
)
HOW_TO_GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def secret_weakness(value: str) -> str | None:
    """Why `value` cannot serve as a key or token, or None. What `secrets.token_urlsafe`,
    `openssl rand -hex` or `-base64` generate passes; what people type does not: placeholders,
    repeated characters or phrases, runs such as abcd… or 1234…"""
    if len(value) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    lowered = value.lower()
    if any(word in lowered for word in PLACEHOLDER_WORDS):
        return "looks like a placeholder"
    if len(set(value)) < MIN_SECRET_DISTINCT_CHARACTERS:
        return f"uses fewer than {MIN_SECRET_DISTINCT_CHARACTERS} different characters"
    if any(value[period:] == value[:-period] for period in range(1, len(value) // 2 + 1)):
        return "repeats a shorter sequence"
    if any(len(list(run)) >= MAX_SECRET_RUN for _, run in itertools.groupby(value)):
        return f"repeats one character {MAX_SECRET_RUN} or more times in a row"
    neighbours = sum(abs(ord(a) - ord(b)) <= 1 for a, b in itertools.pairwise(value))
    if neighbours * 3 > (len(value) - 1) * 2:
        return "is mostly runs of neighbouring characters (abcd…, 1234…, aaaa…)"
    counts = Counter(value).values()
    bits = -sum(n * math.log2(n / len(value)) for n in counts)
    if bits < MIN_SECRET_ENTROPY_BITS:
        return "repeats a few characters too often"
    return None


class Settings(InfraSettings):
    """The API's settings."""

    secret_key: str = ""
    api_prefix: str = "/api/v1"
    cors_origins: list[str] = []
    frontend_dist_dir: Path | None = None
    public_base_url: str = "http://localhost:8000"
    # Largest request body of any kind; above the audio limit so uploads meet their own checks.
    max_request_bytes: int = 27 * 1024 * 1024
    # Accounts: token lifetimes, invite lifetime and login throttling (see docs/architecture.md).
    access_token_ttl_s: int = 900
    refresh_token_ttl_s: int = 14 * 24 * 3600
    invite_ttl_s: int = 7 * 24 * 3600
    login_throttle_window_s: int = 900
    # Failed logins within the window of one account from one client address, of one account
    # from all addresses together, and of one address on any account; past any of them that
    # login is refused (429). Per account and client, so nobody can lock another client out of
    # an account by failing on purpose; the account-wide cap bounds guessing spread over many
    # addresses.
    login_max_failures_per_account_client: int = Field(default=5, ge=1)
    login_max_failures_per_account: int = Field(default=50, ge=1)
    login_max_failures_per_ip: int = Field(default=30, ge=1)
    # Reverse proxies (IP addresses or networks, comma-separated; empty: none) whose
    # X-Forwarded-For names the client. Login throttling counts per client address, so only a
    # proxy may say who the client is; from any other caller the header is ignored.
    forwarded_allow_ips: str = "127.0.0.1"
    # Bearer token a Prometheus scraper sends to GET /metrics; unset: only admins read it.
    metrics_token: str | None = None
    # Seconds between checks that an event stream's sign-in still stands; after a logout or a
    # revoked session the stream ends at the next check.
    stream_session_recheck_s: float = Field(default=30.0, gt=0)
    # Uploads one interview may store (audio answers, camera frames), by count and bytes, and
    # résumés one candidate may keep; above them an upload is refused with 413 (see
    # docs/architecture.md, "Limits").
    interview_max_audio_uploads: int = Field(default=50, ge=1)
    interview_max_audio_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    interview_max_frame_uploads: int = Field(default=7200, ge=1)
    interview_max_frame_bytes: int = Field(default=1024 * 1024 * 1024, ge=1)
    candidate_max_resumes: int = Field(default=20, ge=1)
    candidate_max_resume_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    # Upload requests (audio, frames, résumé) one user may make within the window (429 above).
    upload_rate_window_s: int = Field(default=60, ge=1)
    upload_max_requests_per_window: int = Field(default=120, ge=1)
    # Registration: how long an e-mail verification link works, and how many registrations
    # one client address and one e-mail address may make per window (429 above).
    email_verification_ttl_s: int = Field(default=24 * 3600, ge=60)
    registration_throttle_window_s: int = Field(default=3600, ge=1)
    registration_max_per_ip: int = Field(default=30, ge=1)
    registration_max_per_email: int = Field(default=5, ge=1)
    # Outgoing mail (verification links, invites) over SMTP; an empty host sends nothing (each
    # message is recorded as not sent). The embedded run starts a local sink on the default
    # port that stores messages under DATA_DIR/mail (interview_core/mail/sink.py).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "AI Interview Platform <no-reply@interview.localhost>"
    # "none" (a local sink or relay), "starttls" (usually port 587) or "tls" (usually 465).
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout_s: float = Field(default=10.0, gt=0)

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        # uvicorn would silently treat a malformed entry as a name that never matches.
        for entry in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"FORWARDED_ALLOW_IPS: {entry!r} is not an IP address or network"
                ) from None
        return value

    @property
    def trusted_proxies(self) -> list[str]:
        return [part.strip() for part in self.forwarded_allow_ips.split(",") if part.strip()]

    @field_validator("metrics_token")
    @classmethod
    def _empty_token_is_unset(cls, value: str | None) -> str | None:
        # `METRICS_TOKEN=` in an operator's .env means "not set", never "the empty token".
        return value or None

    @model_validator(mode="after")
    def _require_strong_secrets(self) -> "Settings":
        # No signing key ships in code: the run command generates one into the data directory.
        checked = {"SECRET_KEY": self.secret_key, "METRICS_TOKEN": self.metrics_token}
        for name, value in checked.items():
            if value is None:
                continue
            weakness = secret_weakness(value)
            if weakness:
                raise ValueError(
                    f"{name} {weakness}: it must be a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters, for example from `{HOW_TO_GENERATE}`"
                )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()


@lru_cache
def get_infra_settings() -> InfraSettings:
    return InfraSettings()
