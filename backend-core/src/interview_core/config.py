"""One typed settings object per process kind, validated at start so misconfiguration fails fast."""

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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


class InfraSettings(BaseSettings):
    """What every process (API and workers) needs: where the database, broker and media live."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = Field(
        default="postgresql+psycopg://interview:interview@localhost:5432/interview"
    )
    redis_url: str = "redis://localhost:6379/0"
    data_dir: Path = Path(".data")
    # Longer than the longest task so Redis never redelivers a task that is still running.
    broker_visibility_timeout_s: int = 3600
    log_level: str = "INFO"
    log_json: bool = True
    # Seconds a candidate waits for a generated question before the bank question is served.
    generation_timeout_s: float = 30.0
    # Seconds a transcription or evaluation may stay pending before the sweep re-sends its
    # task (its message was lost: broker down at dispatch, or a worker killed with it). As long
    # as the longest turn task may run, so work merely queued or running is rarely re-sent.
    stale_work_after_s: float = 300.0
    # Seconds between sweeps on the beat schedule.
    sweep_interval_s: float = 60.0
    # Minutes without activity after which an interview in progress is abandoned.
    interview_inactivity_timeout_min: int = 60
    # Largest spoken answer accepted by the API.
    max_audio_upload_bytes: int = 25 * 1024 * 1024
    # Largest résumé file accepted by the API.
    max_resume_upload_bytes: int = 5 * 1024 * 1024
    # Camera frames above these limits are rejected (API) before any decoding (worker).
    vision_max_frame_bytes: int = 2_000_000
    vision_max_frame_dimension: int = 1920
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

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"


WEAK_SECRETS = {"", "changeme", "change-me", "secret", "dev", "development", "please-change"}


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
    login_max_failures_per_account: int = 5
    login_max_failures_per_ip: int = 30
    # Bearer token a Prometheus scraper sends to GET /metrics; unset: only admins read it.
    metrics_token: str | None = None
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

    @field_validator("metrics_token")
    @classmethod
    def _empty_token_is_unset(cls, value: str | None) -> str | None:
        # `METRICS_TOKEN=` in an operator's .env means "not set", never "the empty token".
        return value or None

    @model_validator(mode="after")
    def _require_strong_secret(self) -> "Settings":
        # No signing key ships in code: the run command generates one into the data directory.
        if self.secret_key.lower() in WEAK_SECRETS or len(self.secret_key) < 32:
            raise ValueError(
                "SECRET_KEY must be a random value of at least 32 characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()


@lru_cache
def get_infra_settings() -> InfraSettings:
    return InfraSettings()
