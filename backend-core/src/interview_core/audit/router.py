from datetime import datetime

from fastapi import APIRouter

from interview_core.audit.schemas import AuditEventRead
from interview_core.audit.service import list_audit_events, subject_labels
from interview_core.auth.dependencies import DbSession, RecruiterOrAdmin
from interview_core.errors.openapi import problems
from interview_core.pagination import PageLimit

router = APIRouter(prefix="/audit", tags=["audit"], responses=problems(403))


@router.get("", response_model=list[AuditEventRead])
def read_audit_log(
    session: DbSession,
    reader: RecruiterOrAdmin,
    action: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    before: datetime | None = None,
    limit: PageLimit = 100,
) -> list[AuditEventRead]:
    """Audit events, newest first: recruiters see their organisation's, admins all; each with
    its subject's readable name where the reader may see it."""
    events = list_audit_events(
        session,
        reader,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before=before,
        limit=limit,
    )
    labels = subject_labels(session, reader, events)
    return [
        AuditEventRead.model_validate(event).model_copy(
            update={"subject_label": labels.get(event.id)}
        )
        for event in events
    ]
