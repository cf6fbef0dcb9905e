"""Settings every process reads the same way: the API, the core worker and the inference
workers. Each process's own settings class extends this one, so one root is validated at start."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from interview_contracts.modelops import AllowedModel, allow_list


class SharedSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    redis_url: str = "redis://localhost:6379/0"
    data_dir: Path = Path(".data")
    # Longer than the longest task so Redis never redelivers a task that is still running.
    broker_visibility_timeout_s: int = 3600
    log_level: str = "INFO"
    log_json: bool = True
    # Largest spoken answer accepted by the API, and so decoded by a worker.
    max_audio_upload_bytes: int = 25 * 1024 * 1024
    # Camera frames above these limits are rejected (API) before any decoding (worker).
    vision_max_frame_bytes: int = 2_000_000
    vision_max_frame_dimension: int = 1920
    # Models an operator may serve, beyond the packaged ones (a JSON list of AllowedModel:
    # id, backend, source, sha256): the API and the workers refuse any other.
    model_allow_list: list[AllowedModel] = []

    @property
    def allowed_models(self) -> dict[str, AllowedModel]:
        return allow_list(self.model_allow_list)
