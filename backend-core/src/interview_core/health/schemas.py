from datetime import datetime

from pydantic import BaseModel

from interview_contracts.payloads import WorkerStatus


class CheckResult(BaseModel):
    ok: bool
    detail: str


class QueueReadiness(BaseModel):
    queue: str
    live_workers: int


class Readiness(BaseModel):
    """Public: whether the API can serve, without naming hosts, models or raw errors."""

    ready: bool
    # Ready, but a part the platform serves without is missing: the question engine (its
    # questions then come from the vetted bank at their deadline).
    degraded: bool = False
    database: CheckResult
    broker: CheckResult
    queues: list[QueueReadiness]
    # The inference engine questions are written with; null where none is configured (the
    # model runs in the worker).
    question_engine: CheckResult | None = None
    # "serving", "loading" or "unloaded": while unloaded by an operator the platform stays
    # ready and every question comes from the vetted bank.
    question_model: str = "serving"


class QueueWorkers(BaseModel):
    queue: str
    workers: list[str]


class WorkerDetails(BaseModel):
    """For admins: the checks' own errors, the workers by name and what each role loaded."""

    checked_at: datetime
    ready: bool
    database: CheckResult
    broker: CheckResult
    queues: list[QueueWorkers]
    question_engine: CheckResult | None = None
    worker_status: list[WorkerStatus]


class Liveness(BaseModel):
    status: str
