"""Payloads of the embedding tasks on cpu_queue. Rows travel as IDs, never as objects."""

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


class EmbedRowsResult(Payload):
    model_id: str
    embedded: int
    # Rows already embedded with the current model, or deleted since the task was sent.
    skipped: int


class EmbedQueryPayload(Payload):
    text: str = Field(min_length=1, max_length=2000)


class EmbedQueryResult(Payload):
    vector: list[float]
    model_id: str
