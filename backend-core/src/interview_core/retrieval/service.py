"""Store rows to be searched by meaning, enqueue their embedding after commit, and search them.

backend-core never computes an embedding: a committed row's text is sent to a cpu_queue worker
by retrieval/tasks.py and its vector stored when it comes back; a search query is embedded by
`embeddings.embed_query` on cpu_queue, awaited by the caller.
"""

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from celery.exceptions import TimeoutError as CeleryTimeout
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from interview_contracts.embeddings import (
    EMBED_ROWS_BATCH,
    EmbeddingTable,
    EmbedQueryPayload,
    EmbedQueryResult,
    EmbedRowsPayload,
)
from interview_contracts.tasks import TaskName
from interview_core.broker.after_commit import run_after_commit
from interview_core.broker.client import send
from interview_core.errors import ServiceUnavailable
from interview_core.retrieval.chunking import chunk_document
from interview_core.retrieval.models import (
    BankLanguage,
    DocumentChunk,
    EmbeddedText,
    OwnerKind,
    QuestionBankEntry,
)
from interview_core.retrieval.settings import get_retrieval_settings

EMBEDDED_MODELS: dict[EmbeddingTable, type[EmbeddedText]] = {
    EmbeddingTable.QUESTION_BANK: QuestionBankEntry,
    EmbeddingTable.DOCUMENT_CHUNKS: DocumentChunk,
}
SEED_BANK_PATH = Path(__file__).with_name("seed_bank.json")
HNSW_INDEXES: dict[EmbeddingTable, str] = {
    EmbeddingTable.QUESTION_BANK: "ix_question_bank_embedding_hnsw",
    EmbeddingTable.DOCUMENT_CHUNKS: "ix_document_chunks_embedding_hnsw",
}


@dataclass(frozen=True)
class BankMatch:
    entry: QuestionBankEntry
    similarity: float


@dataclass(frozen=True)
class ChunkMatch:
    chunk: DocumentChunk
    similarity: float


def enqueue_embedding(
    session: Session, table: EmbeddingTable, row_ids: Sequence[uuid.UUID]
) -> None:
    """Send embed_rows for these rows once the current transaction commits."""
    for start in range(0, len(row_ids), EMBED_ROWS_BATCH):
        batch = list(row_ids[start : start + EMBED_ROWS_BATCH])
        payload = EmbedRowsPayload(table=table, row_ids=batch)
        run_after_commit(session, partial(send, TaskName.EMBED_ROWS, payload))


def add_chunks(
    session: Session,
    owner_kind: OwnerKind | str,
    owner_id: uuid.UUID,
    organisation_id: uuid.UUID | None,
    text: str,
) -> list[DocumentChunk]:
    """Replace the owner's chunks with those of `text`; they are embedded after commit."""
    kind = OwnerKind(owner_kind)
    session.execute(
        delete(DocumentChunk).where(
            DocumentChunk.owner_kind == kind.value, DocumentChunk.owner_id == owner_id
        )
    )
    chunks = [
        DocumentChunk(
            owner_kind=kind.value,
            owner_id=owner_id,
            organisation_id=organisation_id,
            section=chunk.section,
            ordinal=chunk.ordinal,
            text=chunk.text,
        )
        for chunk in chunk_document(text)
    ]
    session.add_all(chunks)
    session.flush()
    enqueue_embedding(session, EmbeddingTable.DOCUMENT_CHUNKS, [chunk.id for chunk in chunks])
    return chunks


def set_job_queries(
    session: Session,
    job_id: uuid.UUID,
    organisation_id: uuid.UUID | None,
    title: str,
    competencies: Sequence[dict[str, object]],
) -> None:
    """Replace the job's query rows (what its stages' questions are grounded on); they are
    embedded after commit. Section is the competency key; "" is the job's title."""
    session.execute(
        delete(DocumentChunk).where(
            DocumentChunk.owner_kind == OwnerKind.JOB_QUERY.value, DocumentChunk.owner_id == job_id
        )
    )
    queries = {"": title}
    for competency in competencies:
        text = str(competency.get("description") or competency.get("name") or "").strip()
        if competency.get("key") and text:
            queries[str(competency["key"])] = text
    rows = [
        DocumentChunk(
            owner_kind=OwnerKind.JOB_QUERY.value,
            owner_id=job_id,
            organisation_id=organisation_id,
            section=section,
            ordinal=ordinal,
            text=text[:2000],
        )
        for ordinal, (section, text) in enumerate(queries.items())
    ]
    session.add_all(rows)
    session.flush()
    enqueue_embedding(session, EmbeddingTable.DOCUMENT_CHUNKS, [row.id for row in rows])


def job_query_vector(session: Session, job_id: uuid.UUID, section: str) -> list[float] | None:
    """The embedded query of a job's competency (section "" : its title), if embedded yet."""
    vector = session.scalar(
        select(DocumentChunk.embedding).where(
            DocumentChunk.owner_kind == OwnerKind.JOB_QUERY.value,
            DocumentChunk.owner_id == job_id,
            DocumentChunk.section == section,
            DocumentChunk.embedding.is_not(None),
        )
    )
    return None if vector is None else [float(x) for x in vector]


@dataclass(frozen=True)
class Grounding:
    resume_excerpts: list[str]
    job_excerpts: list[str]
    example_questions: list[str]


NO_GROUNDING = Grounding([], [], [])


def ground_question(
    session: Session,
    job_id: uuid.UUID,
    resume_id: uuid.UUID | None,
    query_vector: Sequence[float],
    language: str,
    k: int = 5,
) -> Grounding:
    """The résumé chunks and job sections nearest the stage's query, and similar bank
    questions in the interview's language as style examples."""
    resume = (
        nearest_chunks(session, OwnerKind.RESUME, [resume_id], query_vector, k) if resume_id else []
    )
    job = nearest_chunks(session, OwnerKind.JOB, [job_id], query_vector, k)
    examples = search_bank(session, query_vector, language, k)
    return Grounding(
        resume_excerpts=[match.chunk.text for match in resume],
        job_excerpts=[match.chunk.text for match in job],
        example_questions=[match.entry.text for match in examples],
    )


def search_bank(
    session: Session,
    query_vector: Sequence[float],
    language: str,
    k: int = 5,
    stage_key: str | None = None,
) -> list[BankMatch]:
    """Active bank questions nearest in meaning (HNSW, cosine)."""
    # SET LOCAL: for this transaction only, so a pooled connection keeps its defaults.
    ef_search = int(get_retrieval_settings().retrieval_ef_search)
    session.execute(text(f"SET LOCAL hnsw.ef_search = {ef_search}"))
    distance = QuestionBankEntry.embedding.cosine_distance(list(query_vector))
    statement = (
        select(QuestionBankEntry, distance.label("distance"))
        .where(
            QuestionBankEntry.is_active.is_(True),
            QuestionBankEntry.language == language,
            QuestionBankEntry.embedding.is_not(None),
        )
        .order_by(distance)
        .limit(k)
    )
    if stage_key is not None:
        statement = statement.where(QuestionBankEntry.stage_key == stage_key)
    return [BankMatch(entry, 1.0 - dist) for entry, dist in session.execute(statement)]


def nearest_chunks(
    session: Session,
    owner_kind: OwnerKind | str,
    owner_ids: Iterable[uuid.UUID],
    query_vector: Sequence[float],
    k: int = 5,
) -> list[ChunkMatch]:
    """The owners' chunks nearest in meaning.

    The owner filter keeps a few dozen rows, so they are ranked exactly: a materialised CTE
    stops the planner from walking the HNSW index and filtering afterwards, which can return
    fewer than k rows when the owners' chunks are rare in the whole table.
    """
    candidates = (
        select(
            DocumentChunk.id,
            DocumentChunk.embedding.cosine_distance(list(query_vector)).label("distance"),
        )
        .where(
            DocumentChunk.owner_kind == OwnerKind(owner_kind).value,
            DocumentChunk.owner_id.in_(list(owner_ids)),
            DocumentChunk.embedding.is_not(None),
        )
        .cte("candidates")
        .prefix_with("MATERIALIZED")
    )
    statement = (
        select(DocumentChunk, candidates.c.distance)
        .join(candidates, candidates.c.id == DocumentChunk.id)
        .order_by(candidates.c.distance)
        .limit(k)
    )
    return [ChunkMatch(chunk, 1.0 - dist) for chunk, dist in session.execute(statement)]


def embed_query(query: str) -> EmbedQueryResult:
    """Ask a cpu_queue worker for the query's vector, waiting at most the configured timeout."""
    timeout = get_retrieval_settings().embedding_query_timeout_s
    result = send(TaskName.EMBED_QUERY, EmbedQueryPayload(text=query))
    try:
        return EmbedQueryResult.model_validate(result.get(timeout=timeout))
    except CeleryTimeout as exc:
        raise ServiceUnavailable(
            "No embedding worker answered in time; try the search again shortly.",
            code="embedding-timeout",
            headers={"Retry-After": "5"},
        ) from exc


def search_bank_by_meaning(
    session: Session, query: str, language: str, k: int = 10
) -> list[BankMatch]:
    """The recruiter's search: embed the query on a worker, then search the bank."""
    return search_bank(session, embed_query(query).vector, language, k)


def column_dimension(session: Session, table: EmbeddingTable) -> int:
    """The dimension the database column holds (pgvector keeps it in the type modifier)."""
    value = session.execute(
        text(
            "SELECT atttypmod FROM pg_attribute "
            "WHERE attrelid = CAST(:table AS regclass) AND attname = 'embedding'"
        ),
        {"table": table.value},
    ).scalar_one()
    return int(value)


def reembed(session: Session, dimension: int | None = None) -> dict[EmbeddingTable, int]:
    """Re-embed every row with the configured model; with a new dimension, first re-type the
    columns (drop the HNSW index, clear the vectors, ALTER TYPE, recreate the index).

    Rows already embedded with the worker's current model are skipped by the task, so running
    this twice costs nothing the second time. Returns the rows enqueued per table.
    """
    enqueued: dict[EmbeddingTable, int] = {}
    for table, model in EMBEDDED_MODELS.items():
        if dimension is not None and column_dimension(session, table) != dimension:
            _retype_embedding_column(session, table, dimension)
        row_ids = list(session.scalars(select(model.id).order_by(model.id)))
        enqueue_embedding(session, table, row_ids)
        enqueued[table] = len(row_ids)
    return enqueued


def _retype_embedding_column(session: Session, table: EmbeddingTable, dimension: int) -> None:
    model = EMBEDDED_MODELS[table]
    index = HNSW_INDEXES[table]
    session.execute(text(f"DROP INDEX IF EXISTS {index}"))
    session.execute(update(model).values(embedding=None, embedding_model=None))
    session.execute(
        text(f"ALTER TABLE {table.value} ALTER COLUMN embedding TYPE vector({int(dimension)})")
    )
    session.execute(
        text(f"CREATE INDEX {index} ON {table.value} USING hnsw (embedding vector_cosine_ops)")
    )


def seed_question_bank(session: Session) -> list[QuestionBankEntry]:
    """Add the shipped bilingual questions that are not in the bank yet; returns those added."""
    seed = json.loads(SEED_BANK_PATH.read_text(encoding="utf-8"))
    existing = set(
        session.execute(
            select(QuestionBankEntry.stage_key, QuestionBankEntry.language, QuestionBankEntry.text)
        ).tuples()
    )
    added = [
        QuestionBankEntry(
            stage_key=stage_key, competency=stage["competency"], language=language, text=question
        )
        for stage_key, stage in seed.items()
        for language in (BankLanguage.EN.value, BankLanguage.KO.value)
        for question in stage[language]
        if (stage_key, language, question) not in existing
    ]
    session.add_all(added)
    session.flush()
    enqueue_embedding(session, EmbeddingTable.QUESTION_BANK, [entry.id for entry in added])
    return added
