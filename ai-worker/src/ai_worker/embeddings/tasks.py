"""Embedding tasks on cpu_queue: embed committed rows by ID, and embed a search query."""

import logging
from typing import Any

from sqlalchemy import or_, select

from ai_worker.celery_app import app
from ai_worker.embeddings import encoder
from ai_worker.tasking import register
from interview_contracts.embeddings import (
    EmbedQueryPayload,
    EmbedQueryResult,
    EmbedRowsPayload,
    EmbedRowsResult,
)
from interview_contracts.tasks import TaskName
from interview_core.db.engine import session_scope
from interview_core.retrieval.service import EMBEDDED_MODELS, column_dimension

logger = logging.getLogger(__name__)


class EmbeddingDimensionMismatchError(RuntimeError):
    """The encoder's vectors do not fit the database column: run `interview-core reembed`."""


@register(app, TaskName.EMBED_ROWS)
def embed_rows(payload: dict[str, Any]) -> dict[str, Any]:
    """Embed the rows that lack a vector from the current model; others are left untouched,
    so a redelivered or repeated task changes nothing twice."""
    request = EmbedRowsPayload.model_validate(payload)
    model = EMBEDDED_MODELS[request.table]
    current_model = encoder.model_id()
    with session_scope() as session:
        expected = column_dimension(session, request.table)
        if expected != encoder.dimension():
            raise EmbeddingDimensionMismatchError(
                f"{request.table.value}.embedding is vector({expected}) but {current_model} "
                f"gives {encoder.dimension()}; run `interview-core reembed --dimension "
                f"{encoder.dimension()}`"
            )
        # SKIP LOCKED: a concurrent task already embedding a row owns it.
        rows = list(
            session.scalars(
                select(model)
                .where(
                    model.id.in_(request.row_ids),
                    or_(model.embedding.is_(None), model.embedding_model != current_model),
                )
                .with_for_update(skip_locked=True)
            )
        )
        if rows:
            vectors = encoder.encode([row.embedding_input() for row in rows])
            for row, vector in zip(rows, vectors, strict=True):
                row.embedding = vector
                row.embedding_model = current_model
    logger.info(
        "embedded rows",
        extra={"table": request.table.value, "embedded": len(rows), "model": current_model},
    )
    return EmbedRowsResult(
        model_id=current_model, embedded=len(rows), skipped=len(request.row_ids) - len(rows)
    ).model_dump(mode="json")


@register(app, TaskName.EMBED_QUERY)
def embed_query(payload: dict[str, Any]) -> dict[str, Any]:
    request = EmbedQueryPayload.model_validate(payload)
    [vector] = encoder.encode([request.text])
    return EmbedQueryResult(vector=vector, model_id=encoder.model_id()).model_dump(mode="json")
