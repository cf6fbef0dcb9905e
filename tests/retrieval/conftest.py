"""Retrieval fixtures: the labelled corpus stored through the service and embedded by the real
cpu_queue worker, and the packaged encoder loaded once in the test process."""

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, or_, select

DATA = json.loads((Path(__file__).parent / "data" / "labelled.json").read_text())
EMBEDDED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
EMBED_TIMEOUT_S = 120.0


@dataclass
class Corpus:
    owner_ids: dict[str, uuid.UUID]
    kinds: dict[str, str]
    chunk_ids: list[uuid.UUID]
    bank_ids: list[uuid.UUID]


def wait_until_embedded(
    model: Any,
    row_ids: Iterable[uuid.UUID] | None,
    model_id: str,
    timeout_s: float = EMBED_TIMEOUT_S,
) -> None:
    """Poll until every row (or every row of the table) carries a vector from `model_id`."""
    from interview_core.db.engine import session_scope

    deadline = time.monotonic() + timeout_s
    statement = (
        select(func.count())
        .select_from(model)
        .where(or_(model.embedding.is_(None), model.embedding_model != model_id))
    )
    if row_ids is not None:
        statement = statement.where(model.id.in_(list(row_ids)))
    while True:
        with session_scope() as session:
            missing = session.scalar(statement)
        if missing == 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{missing} {model.__tablename__} rows not embedded by {model_id}")
        time.sleep(0.3)


@pytest.fixture(scope="session")
def corpus(stack: Any, workers: Any) -> Corpus:
    from interview_core.db.engine import session_scope
    from interview_core.retrieval.models import DocumentChunk, QuestionBankEntry
    from interview_core.retrieval.service import add_chunks, seed_question_bank

    owner_ids = {doc["key"]: uuid.uuid4() for doc in DATA["documents"]}
    kinds = {doc["key"]: doc["kind"] for doc in DATA["documents"]}
    chunk_ids: list[uuid.UUID] = []
    with session_scope() as session:
        for doc in DATA["documents"]:
            chunks = add_chunks(session, doc["kind"], owner_ids[doc["key"]], None, doc["text"])
            chunk_ids += [chunk.id for chunk in chunks]
        seed_question_bank(session)
    with session_scope() as session:
        bank_ids = list(session.scalars(select(QuestionBankEntry.id)))
    wait_until_embedded(DocumentChunk, chunk_ids, EMBEDDED_MODEL_ID)
    wait_until_embedded(QuestionBankEntry, bank_ids, EMBEDDED_MODEL_ID)
    return Corpus(owner_ids, kinds, chunk_ids, bank_ids)


@pytest.fixture(scope="session")
def local_encoder(stack: Any) -> Any:
    """The packaged encoder in this process, for the worker-side retrieval functions."""
    from ai_worker.embeddings import encoder

    encoder.get_encoder()
    return encoder
