"""Record and read audit events. Recording joins the caller's transaction, so an action and its
audit row commit (or roll back) together."""

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from interview_core.accounts.models import User, UserRole
from interview_core.audit.models import AuditEvent


def record_audit(
    session: Session,
    actor: User | None,
    action: str,
    subject_type: str,
    subject_id: uuid.UUID | str | None,
    organisation_id: uuid.UUID | None,
    details: dict[str, object] | None = None,
) -> None:
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            actor_email=actor.email if actor else None,
            actor_role=actor.role.value if actor else None,
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id) if subject_id is not None else None,
            organisation_id=organisation_id,
            details=details or {},
        )
    )


def list_audit_events(
    session: Session,
    reader: User,
    *,
    action: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    before: datetime | None = None,
    limit: int = 100,
) -> list[AuditEvent]:
    """Newest first. Recruiters read their organisation's events; admins read all."""
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id).limit(limit)
    if reader.role != UserRole.ADMIN:
        query = query.where(AuditEvent.organisation_id == reader.organisation_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if subject_type:
        query = query.where(AuditEvent.subject_type == subject_type)
    if subject_id:
        query = query.where(AuditEvent.subject_id == subject_id)
    if before:
        query = query.where(AuditEvent.created_at < before)
    return list(session.scalars(query))
