import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from interview_contracts.modelops import EMBEDDED_SMALL_MODEL_ID
from interview_contracts.training import TrainingHyperParameters
from interview_core.training.models import AdapterStatus


class AdapterCreate(BaseModel):
    organisation_id: uuid.UUID | None = None  # the recruiter's own when omitted
    dataset_id: uuid.UUID
    # An allow-listed model that adapters train on (the in-process transformers backend).
    base_model_id: str = Field(default=EMBEDDED_SMALL_MODEL_ID, max_length=64)
    hyper_parameters: TrainingHyperParameters = TrainingHyperParameters()


class AdapterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    version: int
    base_model_id: str
    dataset_id: uuid.UUID | None
    dataset_version: int
    status: AdapterStatus
    hyper_parameters: dict[str, object]
    examples: int
    progress_step: int
    progress_total: int
    progress_loss: float | None
    files: dict[str, str]
    base_model_sha256: str | None
    final_loss: float | None
    duration_s: float | None
    device: str | None
    quantization: str | None
    error: str | None
    # The base's and the adapter's figures on the same cases (AdapterBenchmarkResult).
    benchmark: dict[str, object] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    benchmarked_at: datetime | None


class AdapterChoice(BaseModel):
    # None: the base model (for a job: the organisation's choice).
    adapter_id: uuid.UUID | None = None


class ActiveAdapterRead(BaseModel):
    organisation_id: uuid.UUID
    active_adapter_id: uuid.UUID | None


class JobAdapterRead(BaseModel):
    job_id: uuid.UUID
    adapter_id: uuid.UUID | None
