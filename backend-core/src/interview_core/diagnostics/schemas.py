import uuid

from pydantic import BaseModel

from interview_contracts.payloads import PingResult


class RoutingReport(BaseModel):
    id: uuid.UUID
    gpu: PingResult
    cpu: PingResult
    elapsed_ms: float
