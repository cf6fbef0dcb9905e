import asyncio

from fastapi import APIRouter

from interview_core.auth.dependencies import AdminUser
from interview_core.diagnostics.schemas import RoutingReport
from interview_core.diagnostics.service import check_routing
from interview_core.errors.openapi import problems
from interview_core.health.schemas import WorkerDetails
from interview_core.health.service import worker_details

router = APIRouter(prefix="/diagnostics", tags=["diagnostics"], responses=problems(403))


@router.post("/routing", response_model=RoutingReport)
def routing(admin: AdminUser) -> RoutingReport:
    """Send a trivial task to each queue and report the worker and role that ran it (admins)."""
    return check_routing(requested_by=admin.id)


@router.get("/workers", response_model=WorkerDetails)
async def workers(admin: AdminUser) -> WorkerDetails:
    """The checks behind /readyz with their errors, the live workers per queue by name and
    what each role has loaded (admins; cached 30 s, as each fresh answer sends tasks)."""
    return await asyncio.to_thread(worker_details)
