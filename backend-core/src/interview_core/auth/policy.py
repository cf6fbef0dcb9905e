"""Object-level authorisation, in one place for every domain.

Denials raise NotFound, not Forbidden: whether another organisation's job, interview or report
exists is itself private.
"""

import uuid

from interview_core.accounts.models import Organisation, User, UserRole
from interview_core.errors import Forbidden, NotFound


def ensure_org_access(user: User, organisation_id: uuid.UUID) -> None:
    """Admins reach every organisation; recruiters only their own; candidates none."""
    if user.role == UserRole.ADMIN:
        return
    if user.role == UserRole.RECRUITER and user.organisation_id == organisation_id:
        return
    raise NotFound("No such resource.", code="not-found")


def ensure_candidate_or_org_access(
    user: User, organisation_id: uuid.UUID, candidate_id: uuid.UUID
) -> None:
    """The candidate themself, a recruiter of the organisation, or an admin."""
    if user.role == UserRole.CANDIDATE and user.id == candidate_id:
        return
    ensure_org_access(user, organisation_id)


def ensure_org_manager(user: User, organisation: Organisation) -> None:
    """Settings and invites: admins, or the organisation's owner. Other recruiters of the same
    organisation already know it exists, so they get 403; everyone else 404."""
    ensure_org_access(user, organisation.id)
    if user.role != UserRole.ADMIN and organisation.owner_id != user.id:
        raise Forbidden("Only the organisation's owner or an admin may do this.", code="owner-only")


def ensure_data_subject(user: User) -> None:
    """Exporting and erasing one's own data is the candidates' right here; recruiters' and
    admins' accounts hold organisation records and are managed by admins."""
    if user.role != UserRole.CANDIDATE:
        raise Forbidden(
            "Only candidates export or delete their own data here.", code="candidate-only"
        )


def ensure_own_interview(user: User, candidate_id: uuid.UUID | None) -> None:
    """An interview is a candidate's own once they accepted its invite with its token; an
    invitation merely addressed to their e-mail is not (an address proves nothing by itself)."""
    if user.role == UserRole.CANDIDATE and candidate_id == user.id:
        return
    raise NotFound("No such resource.", code="not-found")
