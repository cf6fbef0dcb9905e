"""A report per interview (regenerated in place) and the recruiters' decisions on it (kept)."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from interview_core.db.base import Base, Timestamped, UUIDPrimaryKey


class ReportStatus(StrEnum):
    # Some evaluations are still running: the content is partial and says which.
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class Recommendation(StrEnum):
    ADVANCE = "advance"
    HOLD = "hold"
    REJECT = "reject"


class Report(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "reports"

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), unique=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ReportStatus] = mapped_column(String(16), default=ReportStatus.PENDING)
    # A ReportContent (reports/schemas.py) as JSON; null until first assembled.
    content: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    recommendation: Mapped[Recommendation | None] = mapped_column(String(16))
    recommendation_reason: Mapped[str | None] = mapped_column(Text)
    generated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(String(500))
    # What produced it, so it can be reproduced (also inside content.provenance).
    scenario_key: Mapped[str | None] = mapped_column(String(64))
    scenario_version: Mapped[int | None] = mapped_column(Integer)
    rubric_version: Mapped[str | None] = mapped_column(String(64))
    assembly_version: Mapped[int | None] = mapped_column(Integer)
    # The organisation's choice, per report, to let the candidate read their summary.
    share_candidate_summary: Mapped[bool] = mapped_column(Boolean, default=False)


class ReportDecision(UUIDPrimaryKey, Timestamped, Base):
    """A recruiter's decision; every one is kept and the latest wins."""

    __tablename__ = "report_decisions"

    report_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # Kept with the decision so who decided survives the account's removal.
    decided_by_email: Mapped[str] = mapped_column(String(320))
    decision: Mapped[Recommendation] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
