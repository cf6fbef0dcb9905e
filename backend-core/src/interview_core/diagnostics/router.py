from fastapi import APIRouter

from interview_core.diagnostics.schemas import RoutingReport
from interview_core.diagnostics.service import check_routing

router = APIRouter(prefix="/diagnostics", tags=["diagnostics"])


@router.post("/routing", response_model=RoutingReport)
def routing() -> RoutingReport:
    """Send a trivial task to each queue and report the worker and role that ran it."""
    return check_routing(requested_by=None)
