from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ai_worker._runtime.settings import get_worker_settings


class EngineName(StrEnum):
    FASTER_WHISPER = "faster-whisper"
    OPENAI_WHISPER = "openai-whisper"


class SpeechSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    stt_engine: EngineName = EngineName.FASTER_WHISPER
    # "embedded" is the packaged Whisper base (offline); otherwise a Whisper size name such as
    # large-v3-turbo (the production default, downloaded where the network allows) or a path.
    stt_model: str = "embedded"
    stt_device: str = "cpu"
    # CTranslate2 compute type for faster-whisper; "auto" is int8 on CPU and float16 on CUDA.
    stt_compute_type: str = "auto"
    stt_max_audio_bytes: int = 25_000_000
    stt_max_duration_s: float = 600.0
    # Joined and converted model files; unset means $DATA_DIR/models.
    stt_cache_dir: Path | None = None
    stt_beam_size: int = 5

    @field_validator("stt_cache_dir", mode="before")
    @classmethod
    def _empty_means_default(cls, value: object) -> object:
        # .env.example leaves STT_CACHE_DIR empty; that must not become the current directory.
        return value or None

    @property
    def cache_dir(self) -> Path:
        return self.stt_cache_dir or get_worker_settings().data_dir / "models"

    @property
    def compute_type(self) -> str:
        if self.stt_compute_type != "auto":
            return self.stt_compute_type
        return "float16" if self.stt_device.startswith("cuda") else "int8"


@lru_cache
def get_speech_settings() -> SpeechSettings:
    return SpeechSettings()
