"""Routing checks are recorded so operators can see when the queues last answered."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Float, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from interview_core.db.base import Base, Timestamped, UUIDPrimaryKey


class RoutingCheck(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "routing_checks"

    requested_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    results: Mapped[dict[str, object]] = mapped_column(JSONB, default=dict)
    elapsed_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
