"""Retrieval for question generation: grounding excerpts, example questions, repeat detection."""

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ai_worker.embeddings import encoder
from ai_worker.embeddings.settings import get_embedding_settings
from interview_core.retrieval.models import OwnerKind
from interview_core.retrieval.service import nearest_chunks, search_bank


@dataclass(frozen=True)
class RetrievedContext:
    resume_excerpts: list[str]
    job_excerpts: list[str]
    example_questions: list[str]


def retrieve_for_generation(
    session: Session,
    job_id: uuid.UUID | None,
    resume_id: uuid.UUID | None,
    competency_text: str,
    language: str,
    k: int = 5,
) -> RetrievedContext:
    """The résumé chunks and job sections nearest the stage's competency, and similar bank
    questions in the interview's language as style examples."""
    [query] = encoder.encode_cached([competency_text])
    resume = nearest_chunks(session, OwnerKind.RESUME, [resume_id], query, k) if resume_id else []
    job = nearest_chunks(session, OwnerKind.JOB, [job_id], query, k) if job_id else []
    examples = search_bank(session, query, language, k)
    return RetrievedContext(
        resume_excerpts=[match.chunk.text for match in resume],
        job_excerpts=[match.chunk.text for match in job],
        example_questions=[match.entry.text for match in examples],
    )


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
