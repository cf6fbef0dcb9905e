"""Users, organisations and invites. Authorisation comes from auth.dependencies and auth.policy."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from interview_core.accounts.models import UserRole
from interview_core.accounts.organisations import (
    accept_invite,
    create_invite,
    create_organisation,
    get_organisation,
    invite_accept_url,
    list_organisations,
    update_organisation,
)
from interview_core.accounts.schemas import (
    InviteAccept,
    InviteCreate,
    InviteCreated,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
    ProfileUpdate,
    RoleChange,
    UserRead,
)
from interview_core.accounts.service import change_role, list_users
from interview_core.auth.dependencies import AdminUser, CurrentUser, DbSession, RecruiterOrAdmin
from interview_core.errors.openapi import problems
from interview_core.pagination import PageLimit, PageOffset

users_router = APIRouter(prefix="/users", tags=["users"])
admin_router = APIRouter(prefix="/admin/users", tags=["admin"], responses=problems(403))
organisations_router = APIRouter(prefix="/organisations", tags=["organisations"])
invites_router = APIRouter(prefix="/invites", tags=["invites"])


@users_router.get("/me", response_model=UserRead)
def read_me(user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return UserRead.model_validate(user)


@users_router.patch("/me", response_model=UserRead)
def update_me(body: ProfileUpdate, user: CurrentUser, session: DbSession) -> UserRead:
    """Change the signed-in user's name or language."""
    if body.full_name is not None:
        user.full_name = body.full_name
    if body.preferred_language is not None:
        user.preferred_language = body.preferred_language
    session.flush()
    return UserRead.model_validate(user)


@admin_router.get("", response_model=list[UserRead])
def read_users(
    _: AdminUser,
    session: DbSession,
    role: UserRole | None = None,
    organisation_id: uuid.UUID | None = None,
    search: Annotated[
        str | None,
        Query(max_length=320, description="Part of the e-mail or name, ignoring case."),
    ] = None,
    limit: PageLimit = 100,
    offset: PageOffset = 0,
) -> list[UserRead]:
    """Every account, optionally filtered by role, organisation or a search text."""
    users = list_users(session, role, organisation_id, limit, offset, search)
    return [UserRead.model_validate(user) for user in users]


@admin_router.put("/{user_id}/role", response_model=UserRead, responses=problems(404))
def put_role(
    user_id: uuid.UUID, body: RoleChange, admin: AdminUser, session: DbSession
) -> UserRead:
    """Change a user's role and organisation; audited, and ends the user's sign-ins."""
    user = change_role(session, admin, user_id, body.role, body.organisation_id)
    return UserRead.model_validate(user)


@organisations_router.post(
    "",
    response_model=OrganisationRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(403),
)
def post_organisation(
    body: OrganisationCreate, admin: AdminUser, session: DbSession
) -> OrganisationRead:
    """Create an organisation (admins)."""
    organisation = create_organisation(session, admin, body.name, body.emotion_analysis)
    return OrganisationRead.model_validate(organisation)


@organisations_router.get("", response_model=list[OrganisationRead], responses=problems(403))
def read_organisations(
    reader: RecruiterOrAdmin, session: DbSession, limit: PageLimit = 100, offset: PageOffset = 0
) -> list[OrganisationRead]:
    """Admins: every organisation; recruiters: their own."""
    found = list_organisations(session, reader, limit, offset)
    return [OrganisationRead.model_validate(o) for o in found]


@organisations_router.get("/{organisation_id}", response_model=OrganisationRead)
def read_organisation(
    organisation_id: uuid.UUID, reader: CurrentUser, session: DbSession
) -> OrganisationRead:
    """One organisation, for its recruiters and admins."""
    return OrganisationRead.model_validate(get_organisation(session, reader, organisation_id))


@organisations_router.patch(
    "/{organisation_id}", response_model=OrganisationRead, responses=problems(403)
)
def patch_organisation(
    organisation_id: uuid.UUID, body: OrganisationUpdate, actor: CurrentUser, session: DbSession
) -> OrganisationRead:
    """Change an organisation's name, emotion-analysis setting or retention periods in days
    (null keeps that data until deleted by hand); owner or admin; audited."""
    organisation = update_organisation(
        session,
        actor,
        organisation_id,
        body.name,
        body.emotion_analysis,
        body.retention_changes(),
    )
    return OrganisationRead.model_validate(organisation)


@organisations_router.post(
    "/{organisation_id}/invites",
    response_model=InviteCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problems(403, 409),
)
def post_invite(
    organisation_id: uuid.UUID, body: InviteCreate, actor: CurrentUser, session: DbSession
) -> InviteCreated:
    """Invite a recruiter (owner or admin): the link is e-mailed to them and shown only in
    this response."""
    invite, token = create_invite(session, actor, organisation_id, body.email, body.as_owner)
    return InviteCreated(
        id=invite.id,
        organisation_id=invite.organisation_id,
        email=invite.email,
        as_owner=invite.as_owner,
        expires_at=invite.expires_at,
        token=token,
        accept_url=invite_accept_url(token),
    )


@invites_router.post(
    "/accept",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(404, 409),
)
def post_invite_acceptance(body: InviteAccept, session: DbSession) -> UserRead:
    """Accept an invite: creates the recruiter account (public; the token is the credential)."""
    user = accept_invite(
        session, body.token, body.full_name, body.password, body.preferred_language
    )
    return UserRead.model_validate(user)


routers = (users_router, admin_router, organisations_router, invites_router)
