import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from interview_core.db.base import Base, Timestamped


class ModelServing(Timestamped, Base):
    """What a model slot of the workers serves, as operators set it: the one owner of that
    choice. Requests are built from it (the worker loads what a request names), so a change
    takes effect with the next request and nothing in flight is cut off."""

    __tablename__ = "model_serving"

    slot: Mapped[str] = mapped_column(String(32), primary_key=True)
    # An allow-list id; None: the workers' configured model (LLM_* settings).
    model_id: Mapped[str | None] = mapped_column(String(64))
    # An operator unloaded the slot's models: questions come from the bank until a load.
    unloaded: Mapped[bool] = mapped_column(Boolean, default=False)
    # A load asked for and not yet reported by a worker; the slot keeps serving `model_id`.
    pending_model_id: Mapped[str | None] = mapped_column(String(64))
    pending_configured: Mapped[bool] = mapped_column(Boolean, default=False)
    pending_request_id: Mapped[uuid.UUID | None] = mapped_column()
    pending_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last worker report of a load (ModelLoaded), shown to the operator.
    last_load: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    last_error: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
