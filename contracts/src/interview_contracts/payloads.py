"""Pydantic payload and result models. Tasks carry IDs and small values, never ORM objects."""

from pydantic import BaseModel, ConfigDict, Field

from interview_contracts.queues import WorkerRole


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PingPayload(Payload):
    nonce: str = Field(min_length=1, max_length=64)


class PingResult(Payload):
    nonce: str
    hostname: str
    role: WorkerRole
    queue: str
    pid: int


class SleepPayload(Payload):
    seconds: float = Field(ge=0, le=100)


class LoadedModel(Payload):
    slot: str
    model_id: str
    backend: str
    device: str
    quantization: str | None = None
    memory_mb: float | None = None


class WorkerStatus(Payload):
    hostname: str
    role: WorkerRole
    pid: int
    models: list[LoadedModel] = []
