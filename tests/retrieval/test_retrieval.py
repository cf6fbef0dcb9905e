"""Retrieval on real PostgreSQL + pgvector with rows embedded by the real cpu_queue worker."""

from typing import Any

from sqlalchemy import select, text

from interview_contracts.embeddings import EmbeddingTable, EmbedRowsPayload
from interview_contracts.tasks import TaskName
from interview_core.broker.client import send
from interview_core.db.engine import session_scope
from interview_core.retrieval.models import DocumentChunk, OwnerKind, QuestionBankEntry
from interview_core.retrieval.service import (
    column_dimension,
    embed_query,
    ground_question,
    nearest_chunks,
    search_bank_by_meaning,
)
from tests.retrieval.conftest import DATA, EMBEDDED_MODEL_ID, Corpus

# Honest floors set below the measured figures (printed by the tests) on this labelled set
# with the embedded all-MiniLM-L6-v2; a regression in chunking or search drops under them.
RECALL_AT_5_ACROSS_ALL_DOCUMENTS = 0.85
RECALL_AT_5_BANK_STAGE = 0.8
ROW_STATE = text(
    "SELECT id, embedding::text, embedding_model, updated_at FROM document_chunks "
    "WHERE id = ANY(:ids)"
)


def _recall_at_5(corpus: Corpus, encoder: Any, across_all: bool) -> float:
    hits = 0
    vectors = encoder.encode([query["query"] for query in DATA["queries"]])
    with session_scope() as session:
        for query, vector in zip(DATA["queries"], vectors, strict=True):
            kind = corpus.kinds[query["owner"]]
            owners = (
                [owner for key, owner in corpus.owner_ids.items() if corpus.kinds[key] == kind]
                if across_all
                else [corpus.owner_ids[query["owner"]]]
            )
            matches = nearest_chunks(session, OwnerKind(kind), owners, vector, k=5)
            hits += any(
                query["relevant"] in match.chunk.text
                and match.chunk.owner_id == corpus.owner_ids[query["owner"]]
                for match in matches
            )
    return hits / len(DATA["queries"])


def test_every_stored_row_is_embedded_by_the_worker(corpus: Corpus) -> None:
    with session_scope() as session:
        rows = session.execute(
            select(DocumentChunk.embedding, DocumentChunk.embedding_model).where(
                DocumentChunk.id.in_(corpus.chunk_ids)
            )
        ).all()
        assert column_dimension(session, EmbeddingTable.DOCUMENT_CHUNKS) == 384
    assert len(rows) == len(corpus.chunk_ids) > len(DATA["documents"])
    for vector, model_id in rows:
        assert model_id == EMBEDDED_MODEL_ID
        assert len(vector) == 384
        assert abs(sum(x * x for x in vector) - 1.0) < 1e-3


def test_recall_at_5_of_the_labelled_chunks(corpus: Corpus, local_encoder: Any) -> None:
    within_owner = _recall_at_5(corpus, local_encoder, across_all=False)
    across_all = _recall_at_5(corpus, local_encoder, across_all=True)
    chunks = len(corpus.chunk_ids)
    print(
        f"\nrecall@5 over {len(DATA['queries'])} labelled queries, {chunks} chunks: "
        f"within the right document {within_owner:.3f}, across all documents of the kind "
        f"{across_all:.3f}"
    )
    assert across_all >= RECALL_AT_5_ACROSS_ALL_DOCUMENTS
    assert within_owner >= across_all


def test_retrieval_for_generation_grounds_in_the_right_documents(
    corpus: Corpus, local_encoder: Any
) -> None:
    # The query vector is what the job's query row holds once embedded: the same encoder.
    [query] = local_encoder.encode(["Problem solving: debugging and fixing slow or broken systems"])
    with session_scope() as session:
        context = ground_question(
            session,
            job_id=corpus.owner_ids["job_backend"],
            resume_id=corpus.owner_ids["resume_minjun"],
            query_vector=query,
            language="en",
            k=3,
        )
    assert len(context.resume_excerpts) == len(context.job_excerpts) == 3
    assert any("p95 latency" in excerpt for excerpt in context.resume_excerpts)
    resume_text = next(d["text"] for d in DATA["documents"] if d["key"] == "resume_minjun")
    job_text = next(d["text"] for d in DATA["documents"] if d["key"] == "job_backend")
    assert all(excerpt.split("\n")[0][:40] in resume_text for excerpt in context.resume_excerpts)
    assert all(excerpt.split("\n")[0][:40] in job_text for excerpt in context.job_excerpts)
    assert len(context.example_questions) == 3
    with session_scope() as session:
        english = set(
            session.scalars(
                select(QuestionBankEntry.text).where(QuestionBankEntry.language == "en")
            )
        )
    assert set(context.example_questions) <= english


def test_recruiter_searches_the_bank_by_meaning_through_the_worker(
    corpus: Corpus, local_encoder: Any
) -> None:
    hits = 0
    with session_scope() as session:
        for labelled in DATA["bank_queries"]:
            matches = search_bank_by_meaning(session, labelled["query"], "en", k=5)
            assert len(matches) == 5
            assert all(match.entry.language == "en" for match in matches)
            stages = {match.entry.stage_key.removesuffix("_followup") for match in matches}
            hits += labelled["stage"] in stages
    recall = hits / len(DATA["bank_queries"])
    print(f"\nbank search recall@5 (right stage among top 5): {recall:.3f}")
    assert recall >= RECALL_AT_5_BANK_STAGE
    # The worker's query vector is the same model's vector as this process computes.
    remote = embed_query("Why do you want to work here?")
    [local] = local_encoder.encode(["Why do you want to work here?"])
    assert remote.model_id == EMBEDDED_MODEL_ID
    assert max(abs(a - b) for a, b in zip(remote.vector, local, strict=True)) < 1e-4


def test_near_duplicate_questions_are_caught(local_encoder: Any) -> None:
    from ai_worker.embeddings.retrieval import is_near_duplicate, max_similarity

    for pair in DATA["duplicates"]:
        similarity = max_similarity(pair["candidate"], [pair["asked"]])
        print(f"\n{similarity:.3f} duplicate={pair['duplicate']}: {pair['candidate']}")
    caught = [
        pair
        for pair in DATA["duplicates"]
        if is_near_duplicate(pair["candidate"], ["Please introduce yourself.", pair["asked"]])
    ]
    assert caught == [pair for pair in DATA["duplicates"] if pair["duplicate"]]
    assert not is_near_duplicate("Anything else?", [])


def test_embed_rows_is_idempotent(corpus: Corpus) -> None:
    ids = corpus.chunk_ids[:5]
    with session_scope() as session:
        before = session.execute(
            ROW_STATE,
            {"ids": ids},
        ).all()
    payload = EmbedRowsPayload(table=EmbeddingTable.DOCUMENT_CHUNKS, row_ids=ids)
    # Every row already has its vector: nothing is sent to be encoded again.
    assert send(TaskName.EMBED_ROWS, payload).get(timeout=60) == 0
    with session_scope() as session:
        after = session.execute(
            ROW_STATE,
            {"ids": ids},
        ).all()
    assert sorted(before) == sorted(after)
