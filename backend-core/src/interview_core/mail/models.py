"""A record of every message the API tried to send, without its address or content."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from interview_core.db.base import Base, UUIDPrimaryKey


class MailPurpose(StrEnum):
    VERIFY_EMAIL = "verify-email"
    EXISTING_ACCOUNT = "existing-account"
    INTERVIEW_INVITE = "interview-invite"
    RECRUITER_INVITE = "recruiter-invite"


class MailDelivery(UUIDPrimaryKey, Base):
    """One attempt to hand a message to the SMTP server. The address and the body are not kept:
    bodies carry links that are credentials, and what a message was about (its purpose and the
    row it concerns) is enough to see which invites went out and which did not."""

    __tablename__ = "mail_deliveries"

    purpose: Mapped[str] = mapped_column(String(32))
    # The row the message is about (an interview, a recruiter invite, a pending registration).
    reference_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True, index=True)
    sent: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
