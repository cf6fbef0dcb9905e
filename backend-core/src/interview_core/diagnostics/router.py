from fastapi import APIRouter

from interview_core.auth.dependencies import AdminUser
from interview_core.diagnostics.schemas import RoutingReport
from interview_core.diagnostics.service import check_routing
from interview_core.errors.openapi import problems

router = APIRouter(prefix="/diagnostics", tags=["diagnostics"], responses=problems(403))


@router.post("/routing", response_model=RoutingReport)
def routing(admin: AdminUser) -> RoutingReport:
    """Send a trivial task to each queue and report the worker and role that ran it (admins)."""
    return check_routing(requested_by=admin.id)
