import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from interview_core.health.schemas import Liveness, Readiness
from interview_core.health.service import readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Liveness)
def healthz() -> Liveness:
    """The process is up."""
    return Liveness(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def readyz() -> JSONResponse:
    """Database, broker and a live worker per queue: 503 without one of them. A configured
    question engine that does not answer leaves it 200 and `degraded` (bank questions are
    served meanwhile). Cached briefly; details are for admins at /api/v1/diagnostics/workers."""
    result = await asyncio.to_thread(readiness)
    return JSONResponse(result.model_dump(mode="json"), status_code=200 if result.ready else 503)
