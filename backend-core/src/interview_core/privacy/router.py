"""The signed-in candidate's own data: export it, or delete it (with the current password)."""

from fastapi import APIRouter, Request

from interview_core.auth.dependencies import CurrentUser, DbSession
from interview_core.errors.openapi import problems
from interview_core.privacy.schemas import DataDeletionRequest, DataDeletionResult, DataExport
from interview_core.privacy.subject import delete_own_data, export_own_data

# Both routes are for candidates only (auth/policy.py): anyone else gets 403.
router = APIRouter(prefix="/me", tags=["privacy"], responses=problems(403))


@router.get("/data", response_model=DataExport)
def get_my_data(user: CurrentUser, session: DbSession) -> DataExport:
    """Export everything the platform holds about the signed-in candidate, as JSON (audited)."""
    return export_own_data(session, user)


@router.delete("/data", response_model=DataDeletionResult, responses=problems(429))
def delete_my_data(
    body: DataDeletionRequest, request: Request, user: CurrentUser, session: DbSession
) -> DataDeletionResult:
    """Delete the signed-in candidate's account, interviews, recordings, frames and résumés.
    Needs the current password; audited without personal content; cannot be undone."""
    ip_address = request.client.host if request.client else "unknown"
    return delete_own_data(session, user, body.current_password, ip_address)
