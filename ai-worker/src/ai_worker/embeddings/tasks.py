"""Embedding tasks on cpu_queue: embed rows' texts (the vectors go back to the backend by name)
and embed a search query (the caller awaits the vector)."""

import logging
from typing import Any

from ai_worker._runtime.celery_app import app
from ai_worker._runtime.tasking import register, send_result
from ai_worker.embeddings import encoder
from interview_contracts.embeddings import (
    EmbedQueryPayload,
    EmbedQueryResult,
    EmbedTextsRequest,
    EmbedTextsResult,
    RowVector,
)
from interview_contracts.tasks import TaskName

logger = logging.getLogger(__name__)


@register(app, TaskName.EMBED_TEXTS)
def embed_texts(payload: dict[str, Any]) -> int:
    request = EmbedTextsRequest.model_validate(payload)
    vectors = encoder.encode([row.text for row in request.rows])
    send_result(
        app,
        TaskName.STORE_EMBEDDINGS,
        EmbedTextsResult(
            table=request.table,
            model_id=encoder.model_id(),
            dimension=encoder.dimension(),
            vectors=[
                RowVector(row_id=row.row_id, vector=vector)
                for row, vector in zip(request.rows, vectors, strict=True)
            ],
        ),
    )
    logger.info("embedded texts", extra={"table": request.table.value, "rows": len(vectors)})
    return len(vectors)


@register(app, TaskName.EMBED_QUERY)
def embed_query(payload: dict[str, Any]) -> dict[str, Any]:
    request = EmbedQueryPayload.model_validate(payload)
    [vector] = encoder.encode([request.text])
    return EmbedQueryResult(vector=vector, model_id=encoder.model_id()).model_dump(mode="json")
