"""Model operations: which models may be served (an allow-list both sides read from settings),
which model and adapter a request is generated with, and what the workers report about what
they hold. An API caller names a model only by its allow-list id, never by a path or URL."""

import re
import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ModelBackendName = Literal["llamacpp", "transformers", "openai"]
_MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

# A git commit id as the hub names it. A branch or tag moves, so what it serves (modelling code
# that runs in the worker included) could change after the operator reviewed it.
_COMMIT_ID = re.compile(r"^[0-9a-f]{40}$")


def is_commit_id(revision: str) -> bool:
    """Whether `revision` is a full 40-character commit id, not a branch, tag or short id."""
    return bool(_COMMIT_ID.match(revision))


# The packaged models (ai_worker.llm.embedded): always allowed, verified by their own hashes.
EMBEDDED_ENGINE_MODEL_ID = "qwen2.5-coder-1.5b-q4km"
EMBEDDED_SMALL_MODEL_ID = "smollm2-135m"


class ModelOpsModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AllowedModel(ModelOpsModel):
    """One entry of the allow-list. `source` is "embedded" (a packaged model) or where the
    worker finds the weights (a GGUF file for llamacpp, a directory or pinned hub id for
    transformers, the served model name for openai); `sha256` is what the worker checks the
    weights against before serving them (required for anything not embedded)."""

    id: str
    backend: ModelBackendName
    source: str = "embedded"
    sha256: str | None = None
    # The hub commit for a hub id (transformers), so what loads is what was reviewed.
    revision: str | None = None
    quantization: str | None = None
    description: str = ""

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _MODEL_ID.match(value):
            raise ValueError("a model id is 2-64 lower-case letters, digits, '.', '_' or '-'")
        return value

    @field_validator("revision")
    @classmethod
    def _revision_is_a_commit(cls, value: str | None) -> str | None:
        if value is not None and not is_commit_id(value):
            raise ValueError(
                f"an allow-list revision must be the full 40-character commit id reviewed, not "
                f"{value!r}: a branch or tag can later serve different code"
            )
        return value

    @model_validator(mode="after")
    def _pinned(self) -> "AllowedModel":
        pinned = self.sha256 or (self.backend == "transformers" and self.revision)
        if self.source != "embedded" and self.backend != "openai" and not pinned:
            raise ValueError(
                f"allow-listed model {self.id} needs the sha256 of its weights (or, for a hub "
                "id, the revision reviewed)"
            )
        return self

    @property
    def trainable(self) -> bool:
        """Adapters are trained and attached on the in-process (transformers) path."""
        return self.backend == "transformers"


BUILTIN_MODELS: tuple[AllowedModel, ...] = (
    AllowedModel(
        id=EMBEDDED_ENGINE_MODEL_ID,
        backend="llamacpp",
        quantization="Q4_K_M",
        description="Qwen2.5-Coder-1.5B-Instruct on llama.cpp (packaged; bilingual)",
    ),
    AllowedModel(
        id=EMBEDDED_SMALL_MODEL_ID,
        backend="transformers",
        description="SmolLM2-135M-Instruct in process (packaged; English; adapters train on it)",
    ),
)


def allow_list(extra: list[AllowedModel]) -> dict[str, AllowedModel]:
    """The built-in models plus the operator's (MODEL_ALLOW_LIST); an operator entry may not
    redefine a built-in id."""
    models = {model.id: model for model in BUILTIN_MODELS}
    for model in extra:
        if model.id in models:
            raise ValueError(f"MODEL_ALLOW_LIST redefines the built-in model {model.id}")
        if model.source == "embedded":
            raise ValueError(f"MODEL_ALLOW_LIST entry {model.id} needs its own source")
        models[model.id] = model
    return models


class AdapterRef(ModelOpsModel):
    """A trained LoRA adapter as a worker fetches it: its files in the media store under
    `media_prefix`, each checked against its sha256 before it is attached."""

    adapter_id: uuid.UUID
    organisation_id: uuid.UUID
    version: int = Field(ge=1)
    base_model_id: str
    media_prefix: str
    files: dict[str, str] = Field(min_length=1)  # file name -> sha256


class ModelChoice(ModelOpsModel):
    """What a generation request is served with: an allow-listed model, with an adapter."""

    model_id: str
    adapter: AdapterRef | None = None

    @model_validator(mode="after")
    def _adapter_on_its_base(self) -> "ModelChoice":
        if self.adapter is not None and self.adapter.base_model_id != self.model_id:
            raise ValueError("an adapter is served on the model it was trained on")
        return self


# Celery remote-control commands the GPU workers answer (ai_worker/llm/control.py).
CONTROL_LOAD = "llm_load"
CONTROL_UNLOAD = "llm_unload"
CONTROL_STATUS = "llm_status"


class LoadCommand(ModelOpsModel):
    """Broadcast to the GPU workers: load (or warm up) this model in the background, then send
    `modelops.model_loaded` back; `request_id` ties the answers to the operator's action."""

    request_id: uuid.UUID
    # None: the workers' configured model (LLM_* settings).
    choice: ModelChoice | None = None


class ModelLoaded(ModelOpsModel):
    request_id: uuid.UUID
    hostname: str
    model_id: str | None = None
    adapter_id: uuid.UUID | None = None
    ok: bool
    error: str | None = None
    memory_mb: float | None = None
    seconds: float = Field(ge=0)


class ServedModel(ModelOpsModel):
    """One model a worker holds, with its recent generation latency."""

    model_id: str
    backend: str
    device: str
    quantization: str | None = None
    sha256: str | None = None
    memory_mb: float | None = None
    adapters: list[str] = []
    loaded_at: datetime
    requests: int = 0
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None


class EngineStatus(ModelOpsModel):
    """The llama.cpp engine this worker generates through."""

    model_id: str
    sha256: str | None = None
    quantization: str | None = None
    ready: bool
    pid: int | None = None
    memory_mb: float | None = None
    started_at: datetime | None = None


class WorkerModels(ModelOpsModel):
    hostname: str
    pid: int
    # An operator unloaded the question models: requests get the bank question.
    unloaded: bool = False
    models: list[ServedModel] = []
    engine: EngineStatus | None = None
