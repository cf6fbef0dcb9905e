from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class EmbeddingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # A sentence-transformers model directory or hub id; "embedded" means the packaged
    # all-MiniLM-L6-v2 (offline). Production default: nlpai-lab/KURE-v1.
    embedding_model: str = "embedded"
    embedding_device: str = "cpu"
    embedding_batch_size: int = 32
    # Cosine similarity at or above which a candidate question repeats one already asked.
    embedding_duplicate_threshold: float = 0.65


@lru_cache
def get_embedding_settings() -> EmbeddingSettings:
    return EmbeddingSettings()
