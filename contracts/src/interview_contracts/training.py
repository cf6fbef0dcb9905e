"""Fine-tuning: a training request the backend builds from an organisation's approved dataset,
the progress and result the GPU worker sends back, and the benchmark run before an adapter
can be activated. Self-contained: the worker reads no database."""

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interview_contracts.llm import EvaluationRequest, QuestionRequest
from interview_contracts.modelops import AdapterRef


class TrainingModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionExample(TrainingModel):
    """A question a recruiter approved (or the better wording they gave) for its context: the
    worker turns the context into the same prompt it generates from, the question is the
    target."""

    request: QuestionRequest
    question: str = Field(min_length=1, max_length=600)


class TrainingHyperParameters(TrainingModel):
    rank: int = Field(default=8, ge=1, le=128)
    alpha: int = Field(default=16, ge=1, le=256)
    dropout: float = Field(default=0.05, ge=0, le=0.5)
    learning_rate: float = Field(default=2e-4, gt=0, le=1e-2)
    epochs: int = Field(default=2, ge=1, le=20)
    # Upper bound on optimiser steps whatever the dataset's size (0: epochs decide).
    max_steps: int = Field(default=200, ge=0, le=100_000)
    batch_size: int = Field(default=4, ge=1, le=64)
    max_length: int = Field(default=512, ge=32, le=4096)
    seed: int = 1234
    target_modules: list[str] = ["q_proj", "k_proj", "v_proj", "o_proj"]
    # Training stops (and fails) past this many seconds; under the task's hard limit.
    max_seconds: int = Field(default=1800, ge=10, le=3000)


class TrainingRequest(TrainingModel):
    adapter_id: uuid.UUID
    organisation_id: uuid.UUID
    version: int = Field(ge=1)
    base_model_id: str
    dataset_id: uuid.UUID
    dataset_version: int = Field(ge=1)
    examples: list[QuestionExample] = Field(min_length=1, max_length=5_000)
    hyper_parameters: TrainingHyperParameters = TrainingHyperParameters()
    # Where the adapter's files go in the media store.
    media_prefix: str


class AdapterTask(TrainingModel):
    """A core task about one adapter, by id (the core re-reads its row)."""

    adapter_id: uuid.UUID


class TrainingProgress(TrainingModel):
    adapter_id: uuid.UUID
    step: int = Field(ge=0)
    total_steps: int = Field(ge=0)
    loss: float | None = None
    elapsed_s: float = Field(ge=0)


TrainingOutcome = Literal["trained", "failed", "cancelled"]


class TrainingResult(TrainingModel):
    adapter_id: uuid.UUID
    outcome: TrainingOutcome
    error: str | None = None
    # file name -> sha256, stored under the request's media_prefix
    files: dict[str, str] = {}
    base_model_sha256: str | None = None
    steps: int = 0
    final_loss: float | None = None
    duration_s: float = 0
    device: str = ""
    quantization: str | None = None


def training_cancel_key(adapter_id: uuid.UUID) -> str:
    """Redis key the backend sets to cancel a training; the trainer checks it every step. A
    hint: the adapter's row is the truth, and a cancelled row ignores a late result."""
    return f"training:{adapter_id}:cancel"


class ScoreCase(TrainingModel):
    """A labelled answer for the score-validity half of an adapter's benchmark."""

    request: EvaluationRequest
    competency: str
    expected_level: int = Field(ge=1, le=5)
    pair: str  # strong and weak answers to one question share a pair key


class AdapterBenchmarkRequest(TrainingModel):
    """Run the question-quality and score-validity cases on the base model and on the base
    with the adapter. Without cases of its own the worker uses its packaged labelled cases."""

    adapter: AdapterRef
    question_cases: list[QuestionRequest] = []
    score_cases: list[ScoreCase] = []
    # At most this many question cases and score pairs per language (None: all of them).
    case_limit: int | None = Field(default=None, ge=1)
    # Score pairs per language when it differs from case_limit (0: the question half only).
    score_pair_limit: int | None = Field(default=None, ge=0)


class BenchmarkFigures(TrainingModel):
    question_cases: int = 0
    # Questions the model wrote that passed validation (not composed or from the bank).
    model_question_share: float | None = None
    # Questions in the case's language and ending in a question mark, whoever wrote them.
    valid_question_share: float | None = None
    question_latency_p50_ms: float | None = None
    score_pairs: int = 0
    # Share of strong/weak pairs where the strong answer scored higher.
    pair_accuracy: float | None = None
    mean_score_gap: float | None = None


class AdapterBenchmarkResult(TrainingModel):
    adapter_id: uuid.UUID
    base: BenchmarkFigures | None = None
    adapter: BenchmarkFigures | None = None
    cases_version: str = ""
    error: str | None = None
    duration_s: float = 0
