"""Organisations, their settings, and the invites by which recruiters join them."""

import uuid
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from interview_core.accounts.models import EmotionAnalysis, Invite, Organisation, User, UserRole
from interview_core.accounts.service import create_user
from interview_core.audit.service import record_audit
from interview_core.auth.policy import ensure_org_access, ensure_org_manager
from interview_core.auth.tokens import hash_opaque_token, new_opaque_token
from interview_core.config import get_settings
from interview_core.errors import Conflict, Forbidden, NotFound
from interview_core.mail.messages import recruiter_invite_mail
from interview_core.mail.sender import send_after_commit
from interview_core.privacy.emotion import erase_emotion_observations


def create_organisation(
    session: Session, actor: User | None, name: str, emotion_analysis: EmotionAnalysis
) -> Organisation:
    organisation = Organisation(id=uuid.uuid4(), name=name, emotion_analysis=emotion_analysis)
    session.add(organisation)
    session.flush()
    record_audit(
        session, actor, "organisation.created", "organisation", organisation.id, organisation.id
    )
    return organisation


def list_organisations(
    session: Session, reader: User, limit: int = 100, offset: int = 0
) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    if reader.role != UserRole.ADMIN:
        query = query.where(Organisation.id == reader.organisation_id)
    return list(session.scalars(query.limit(limit).offset(offset)))


def get_organisation(session: Session, reader: User, organisation_id: uuid.UUID) -> Organisation:
    ensure_org_access(reader, organisation_id)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such resource.")
    return organisation


def update_organisation(
    session: Session,
    actor: User,
    organisation_id: uuid.UUID,
    name: str | None,
    emotion_analysis: EmotionAnalysis | None,
    retention: Mapping[str, int | None] | None = None,
) -> Organisation:
    """`retention` maps retention fields that were sent to their new value (None: keep)."""
    organisation = get_organisation(session, actor, organisation_id)
    ensure_org_manager(actor, organisation)
    changes: dict[str, object] = {}
    if name is not None and name != organisation.name:
        changes["name"] = {"from": organisation.name, "to": name}
        organisation.name = name
    if emotion_analysis is not None and emotion_analysis != organisation.emotion_analysis:
        changes["emotion_analysis"] = {
            "from": organisation.emotion_analysis.value,
            "to": emotion_analysis.value,
        }
        organisation.emotion_analysis = emotion_analysis
        if emotion_analysis is EmotionAnalysis.OFF:
            # Deleted, not merely hidden from reports from now on (privacy/emotion.py).
            erased = erase_emotion_observations(session, organisation.id)
            changes["emotion_observations_erased"] = asdict(erased)
    for field, days in (retention or {}).items():
        if getattr(organisation, field) != days:
            changes[field] = {"from": getattr(organisation, field), "to": days}
            setattr(organisation, field, days)
    if changes:
        record_audit(
            session,
            actor,
            "organisation.settings_changed",
            "organisation",
            organisation.id,
            organisation.id,
            changes,
        )
    return organisation


def create_invite(
    session: Session, actor: User, organisation_id: uuid.UUID, email: str, as_owner: bool
) -> tuple[Invite, str]:
    """The raw token is returned once and e-mailed to the invitee; only its hash is stored."""
    organisation = get_organisation(session, actor, organisation_id)
    ensure_org_manager(actor, organisation)
    if as_owner and actor.role != UserRole.ADMIN:
        raise Forbidden("Only admins may invite an organisation's owner.", code="owner-invite")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("An account with this email already exists.", code="email-taken")
    token = new_opaque_token()
    invite = Invite(
        id=uuid.uuid4(),
        organisation_id=organisation.id,
        email=email,
        token_hash=hash_opaque_token(token),
        as_owner=as_owner,
        invited_by_id=actor.id,
        expires_at=datetime.now(UTC) + timedelta(seconds=get_settings().invite_ttl_s),
    )
    session.add(invite)
    mail = recruiter_invite_mail(
        to=email,
        organisation=organisation.name,
        link=invite_accept_url(token),
        valid_days=max(1, get_settings().invite_ttl_s // 86400),
        invite_id=invite.id,
    )
    send_after_commit(session, mail)
    record_audit(
        session,
        actor,
        "invite.created",
        "invite",
        invite.id,
        organisation.id,
        {"email": email, "as_owner": as_owner},
    )
    return invite, token


def invite_accept_url(token: str) -> str:
    # In the fragment, so the token never reaches server logs or Referer headers.
    return f"{get_settings().public_base_url.rstrip('/')}/invite#token={token}"


def accept_invite(
    session: Session, token: str, full_name: str, password: str, preferred_language: str
) -> User:
    invite = session.scalar(
        select(Invite).where(Invite.token_hash == hash_opaque_token(token)).with_for_update()
    )
    if invite is None or invite.accepted_at is not None or invite.expires_at <= datetime.now(UTC):
        raise NotFound("This invite is unknown, used or expired.", code="invite-invalid")
    user = create_user(
        session,
        email=invite.email,
        password=password,
        full_name=full_name,
        role=UserRole.RECRUITER,
        organisation_id=invite.organisation_id,
        preferred_language=preferred_language,
    )
    invite.accepted_at = datetime.now(UTC)
    session.flush()
    if invite.as_owner:
        session.get_one(Organisation, invite.organisation_id).owner_id = user.id
    record_audit(
        session,
        user,
        "invite.accepted",
        "invite",
        invite.id,
        invite.organisation_id,
        {"as_owner": invite.as_owner},
    )
    return user
