"""Retrieval settings read by the API, the migrations, the CLI and the workers."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RetrievalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Dimension of the pgvector columns; must match the embedding model (384 for the embedded
    # all-MiniLM-L6-v2, 1024 for KURE-v1). Read when migrating; change it with `reembed`.
    embedding_dimension: int = Field(default=384, ge=1, le=2000)
    # How long the API waits for a worker to embed a search query.
    embedding_query_timeout_s: float = 10.0
    # Candidates HNSW examines per similarity search (pgvector's hnsw.ef_search, default 40):
    # more finds more of the true nearest neighbours, slower. bench/retrieval.py sweeps it.
    retrieval_ef_search: int = Field(default=64, ge=1, le=1000)


@lru_cache
def get_retrieval_settings() -> RetrievalSettings:
    return RetrievalSettings()
