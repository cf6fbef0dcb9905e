import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from interview_core.db.base import Base, UUIDPrimaryKey


class UploadRequest(UUIDPrimaryKey, Base):
    """Every upload request (audio, frames, résumé), kept in PostgreSQL like login attempts so
    rate limits survive restarts and count refused requests too."""

    __tablename__ = "upload_requests"
    __table_args__ = (Index("ix_upload_requests_user_created_at", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
