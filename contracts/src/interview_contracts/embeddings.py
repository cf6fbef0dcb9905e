"""Payloads of the embedding tasks: the backend's embed_rows takes row IDs; the worker's
embed_texts takes their texts and returns vectors; embed_query returns one query's vector."""

import uuid
from enum import StrEnum

from pydantic import Field

from interview_contracts.payloads import Payload

# Rows per embed_rows task: large enough to batch the encoder, small enough to stay far
# inside the task's time limit on a CPU.
EMBED_ROWS_BATCH = 64


class EmbeddingTable(StrEnum):
    QUESTION_BANK = "question_bank"
    DOCUMENT_CHUNKS = "document_chunks"


class EmbedRowsPayload(Payload):
    table: EmbeddingTable
    row_ids: list[uuid.UUID] = Field(min_length=1, max_length=EMBED_ROWS_BATCH)


class EmbedQueryPayload(Payload):
    text: str = Field(min_length=1, max_length=2000)


class EmbedQueryResult(Payload):
    vector: list[float]
    model_id: str


class TextToEmbed(Payload):
    row_id: uuid.UUID
    text: str


class EmbedTextsRequest(Payload):
    """Rows' texts to embed; the vectors go back to embeddings.store_embeddings."""

    table: EmbeddingTable
    rows: list[TextToEmbed] = Field(min_length=1, max_length=EMBED_ROWS_BATCH)


class RowVector(Payload):
    row_id: uuid.UUID
    vector: list[float]


class EmbedTextsResult(Payload):
    table: EmbeddingTable
    model_id: str
    dimension: int
    vectors: list[RowVector]
