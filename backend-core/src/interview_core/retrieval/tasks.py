"""Embedding rows (core_queue): read the texts of committed rows, have a cpu_queue worker
encode them, store the vectors it sends back. Rows already embedded by the current model are
left untouched, so a redelivered or repeated task changes nothing twice."""

import logging
from typing import Any

from sqlalchemy import or_, select

from interview_contracts.embeddings import (
    EmbedRowsPayload,
    EmbedTextsRequest,
    EmbedTextsResult,
    TextToEmbed,
)
from interview_contracts.tasks import TaskName
from interview_core.broker.client import send
from interview_core.broker.tasking import core_task
from interview_core.db.engine import session_scope
from interview_core.retrieval.service import EMBEDDED_MODELS, column_dimension

logger = logging.getLogger(__name__)


class EmbeddingDimensionMismatchError(RuntimeError):
    """The encoder's vectors do not fit the database column: run `interview-core reembed`."""


@core_task(TaskName.EMBED_ROWS)
def embed_rows(payload: dict[str, Any]) -> int:
    request = EmbedRowsPayload.model_validate(payload)
    model = EMBEDDED_MODELS[request.table]
    with session_scope() as session:
        rows = list(
            session.scalars(
                select(model).where(model.id.in_(request.row_ids), model.embedding.is_(None))
            )
        )
        texts = [TextToEmbed(row_id=row.id, text=row.embedding_input()) for row in rows]
    if texts:
        send(TaskName.EMBED_TEXTS, EmbedTextsRequest(table=request.table, rows=texts))
    return len(texts)


@core_task(TaskName.STORE_EMBEDDINGS)
def store_embeddings(payload: dict[str, Any]) -> int:
    result = EmbedTextsResult.model_validate(payload)
    model = EMBEDDED_MODELS[result.table]
    by_id = {row.row_id: row.vector for row in result.vectors}
    with session_scope() as session:
        expected = column_dimension(session, result.table)
        if expected != result.dimension:
            raise EmbeddingDimensionMismatchError(
                f"{result.table.value}.embedding is vector({expected}) but {result.model_id} "
                f"gives {result.dimension}; run `interview-core reembed --dimension "
                f"{result.dimension}`"
            )
        # SKIP LOCKED: a concurrent task storing a row owns it.
        rows = list(
            session.scalars(
                select(model)
                .where(
                    model.id.in_(list(by_id)),
                    or_(model.embedding.is_(None), model.embedding_model != result.model_id),
                )
                .with_for_update(skip_locked=True)
            )
        )
        for row in rows:
            row.embedding = by_id[row.id]
            row.embedding_model = result.model_id
    logger.info(
        "embedded rows",
        extra={"table": result.table.value, "embedded": len(rows), "model": result.model_id},
    )
    return len(rows)
