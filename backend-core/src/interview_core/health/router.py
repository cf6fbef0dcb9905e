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
async def readyz(models: bool = False) -> JSONResponse:
    """Database, broker and a live worker per queue; `?models=true` adds what workers loaded."""
    result = await readiness(include_models=models)
    return JSONResponse(result.model_dump(mode="json"), status_code=200 if result.ready else 503)
