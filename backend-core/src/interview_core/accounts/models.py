"""Users belong to at most one organisation; jobs, interviews and reports belong to one."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from interview_core.db.base import Base, Timestamped, UUIDPrimaryKey


class UserRole(StrEnum):
    CANDIDATE = "candidate"
    RECRUITER = "recruiter"
    ADMIN = "admin"


class EmotionAnalysis(StrEnum):
    """Whether an organisation records facial-expression observations (never scored)."""

    OFF = "off"
    OBSERVE = "observe"


# Days each kind of interview data is kept (None: kept until deleted by hand); see
# docs/architecture.md "Data lifecycle". Raw media goes first, what the report rests on last.
DEFAULT_FRAMES_RETENTION_DAYS = 30
DEFAULT_AUDIO_RETENTION_DAYS = 90
DEFAULT_TRANSCRIPTS_RETENTION_DAYS = 365
DEFAULT_EMBEDDINGS_RETENTION_DAYS = 365


def _enum_values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


class Organisation(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(200))
    emotion_analysis: Mapped[EmotionAnalysis] = mapped_column(
        Enum(EmotionAnalysis, name="emotion_analysis", values_callable=_enum_values),
        default=EmotionAnalysis.OFF,
    )
    # Retention in days per kind of data; enforced by the scheduled retention task.
    frames_retention_days: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        default=DEFAULT_FRAMES_RETENTION_DAYS,
        server_default=str(DEFAULT_FRAMES_RETENTION_DAYS),
    )
    audio_retention_days: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        default=DEFAULT_AUDIO_RETENTION_DAYS,
        server_default=str(DEFAULT_AUDIO_RETENTION_DAYS),
    )
    transcripts_retention_days: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        default=DEFAULT_TRANSCRIPTS_RETENTION_DAYS,
        server_default=str(DEFAULT_TRANSCRIPTS_RETENTION_DAYS),
    )
    embeddings_retention_days: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        default=DEFAULT_EMBEDDINGS_RETENTION_DAYS,
        server_default=str(DEFAULT_EMBEDDINGS_RETENTION_DAYS),
    )
    # The LoRA adapter its questions are written with (training/); None: the base model.
    active_adapter_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("adapters.id", ondelete="SET NULL", use_alter=True), nullable=True
    )
    # A recruiter who may manage the organisation's settings and invite recruiters.
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True), nullable=True
    )


class User(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "users"

    # Stored lower-case so lookups and uniqueness ignore case.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[UserRole] = mapped_column(
        Enum(UserRole, name="user_role", values_callable=_enum_values)
    )
    # Null for candidates and admins; a recruiter always has one.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")


class Invite(UUIDPrimaryKey, Timestamped, Base):
    """A one-time invitation for a recruiter to join an organisation; only its hash is kept."""

    __tablename__ = "invites"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The invitee becomes the organisation's owner on acceptance (admins only may set it).
    as_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PendingRegistration(UUIDPrimaryKey, Base):
    """A registration waiting for its e-mail link to be opened: the account is created only
    then, so no account ever holds an address its owner cannot read mail at."""

    __tablename__ = "pending_registrations"

    email: Mapped[str] = mapped_column(String(320), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    preferred_language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
