from pydantic import BaseModel

from interview_contracts.payloads import WorkerStatus


class CheckResult(BaseModel):
    ok: bool
    detail: str


class QueueWorkers(BaseModel):
    queue: str
    workers: list[str]


class Readiness(BaseModel):
    ready: bool
    database: CheckResult
    broker: CheckResult
    queues: list[QueueWorkers]
    worker_status: list[WorkerStatus]


class Liveness(BaseModel):
    status: str
