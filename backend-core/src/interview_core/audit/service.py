"""Record and read audit events. Recording joins the caller's transaction, so an action and its
audit row commit (or roll back) together."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from interview_core.accounts.models import Invite, Organisation, User, UserRole
from interview_core.audit.models import AuditEvent
from interview_core.interviews.models import Interview
from interview_core.jobs.models import Job
from interview_core.reports.models import Report


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


def subject_labels(
    session: Session, reader: User, events: Sequence[AuditEvent]
) -> dict[uuid.UUID, str]:
    """A readable name of each event's subject, by event id: the candidate's address for a
    report or interview, the address of a user or invite, a job's title, an organisation's
    name. The UI puts it into a phrase in the reader's language.

    One query per kind of subject on the page, never one per event. A recruiter gets names only
    of their own organisation's rows: an event's subject id alone must not reveal another
    organisation's candidate, whatever that event's organisation is."""
    restricted_to = None if reader.role == UserRole.ADMIN else reader.organisation_id
    if reader.role != UserRole.ADMIN and restricted_to is None:
        return {}  # no organisation to read names from (a recruiter always has one)
    subjects: dict[uuid.UUID, tuple[str, uuid.UUID]] = {}
    for event in events:
        if event.subject_id is None:
            continue
        try:
            subjects[event.id] = (event.subject_type, uuid.UUID(event.subject_id))
        except ValueError:
            continue  # not a row id: nothing to name
    ids: defaultdict[str, set[uuid.UUID]] = defaultdict(set)
    for subject_type, subject_id in subjects.values():
        ids[subject_type].add(subject_id)
    names: dict[tuple[str, uuid.UUID], str] = {}
    for subject_type, subject_ids in ids.items():
        query = _label_query(subject_type, subject_ids, restricted_to)
        if query is None:
            continue
        for subject_id, name in session.execute(query):
            names[(subject_type, subject_id)] = name
    return {event_id: names[subject] for event_id, subject in subjects.items() if subject in names}


# Subjects named by a column of their own row: their id, name and organisation columns.
_RowColumns = tuple[
    InstrumentedAttribute[uuid.UUID], InstrumentedAttribute[str], InstrumentedAttribute[uuid.UUID]
]
_NAMED_BY_ROW: dict[str, _RowColumns] = {
    "interview": (Interview.id, Interview.candidate_email, Interview.organisation_id),
    "job": (Job.id, Job.title, Job.organisation_id),
    "invite": (Invite.id, Invite.email, Invite.organisation_id),
    "organisation": (Organisation.id, Organisation.name, Organisation.id),
}


def _label_query(
    subject_type: str, ids: set[uuid.UUID], organisation_id: uuid.UUID | None
) -> Select[uuid.UUID, str] | None:
    """(id, name) of the subjects among `ids`; only `organisation_id`'s unless it is None."""
    query: Select[uuid.UUID, str]
    visible: ColumnElement[bool] | None = None
    if subject_type in _NAMED_BY_ROW:
        id_column, name_column, organisation_column = _NAMED_BY_ROW[subject_type]
        query = select(id_column, name_column).where(id_column.in_(ids))
        if organisation_id is not None:
            visible = organisation_column == organisation_id
    elif subject_type == "report":
        query = (
            select(Report.id, Interview.candidate_email)
            .join(Interview, Interview.id == Report.interview_id)
            .where(Report.id.in_(ids))
        )
        if organisation_id is not None:
            visible = Interview.organisation_id == organisation_id
    elif subject_type == "user":
        query = select(User.id, User.email).where(User.id.in_(ids))
        if organisation_id is not None:
            # The organisation's own recruiters, and candidates it has interviewed: addresses
            # its recruiters already see on their interviews.
            interviewed = exists().where(
                Interview.candidate_id == User.id, Interview.organisation_id == organisation_id
            )
            visible = or_(User.organisation_id == organisation_id, interviewed)
    else:
        return None
    return query if visible is None else query.where(visible)
