from datetime import datetime

from pydantic import BaseModel, Field

from interview_contracts.modelops import AllowedModel, WorkerModels
from interview_contracts.payloads import WorkerStatus


class ModelSlotRead(BaseModel):
    slot: str
    # An allow-list id; null: the workers' configured model.
    model_id: str | None
    state: str  # "serving" | "loading" | "unloaded"
    pending_model_id: str | None
    pending_since: datetime | None
    last_load: dict[str, object] | None
    last_error: str | None
    updated_at: datetime | None


class ModelsOverview(BaseModel):
    """For admins: what may be served, what is chosen, and what each worker holds now."""

    checked_at: datetime
    allowed: list[AllowedModel]
    questions: ModelSlotRead
    # The GPU role's workers that answered the status broadcast in time.
    question_workers: list[WorkerModels]
    # What the CPU role's processes report having loaded (speech, vision, embeddings).
    cpu_workers: list[WorkerStatus]


class LoadModel(BaseModel):
    # An allow-list id; null: the workers' configured model (LLM_* settings).
    model_id: str | None = Field(default=None, max_length=64)
