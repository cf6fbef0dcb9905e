"""Repeat detection for question generation: is a drafted question one already asked?

Grounding excerpts are retrieved by the backend, which puts them in the request."""

from ai_worker.embeddings import encoder
from ai_worker.embeddings.settings import get_embedding_settings


def max_similarity(candidate: str, asked: list[str]) -> float:
    """Highest cosine similarity between the candidate and the questions already asked."""
    if not asked:
        return 0.0
    [candidate_vector, *asked_vectors] = encoder.encode_cached([candidate, *asked])
    return max(
        sum(a * b for a, b in zip(candidate_vector, vector, strict=True))
        for vector in asked_vectors
    )


def is_near_duplicate(candidate: str, asked: list[str], threshold: float | None = None) -> bool:
    """Whether the candidate question repeats one already asked in this interview."""
    if threshold is None:
        threshold = get_embedding_settings().embedding_duplicate_threshold
    return max_similarity(candidate, asked) >= threshold
