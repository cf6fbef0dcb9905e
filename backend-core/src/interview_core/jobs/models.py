import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from interview_core.db.base import Base, Timestamped, UUIDPrimaryKey


class Job(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "jobs"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    # [{key, name, description, weight}]: small, always read with the job, versioned with it.
    competencies: Mapped[list[dict[str, object]]] = mapped_column(JSONB)
    scenario_key: Mapped[str] = mapped_column(String(64))
    # Set when archived: the job and its interviews stay, but no new candidate is invited.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # This job's questions are written with this adapter; None: the organisation's choice.
    adapter_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("adapters.id", ondelete="SET NULL"), nullable=True
    )
