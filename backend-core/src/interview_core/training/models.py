import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Enum, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from interview_core.db.base import Base, Timestamped, UUIDPrimaryKey


class AdapterStatus(StrEnum):
    QUEUED = "queued"
    TRAINING = "training"
    # Trained; its benchmark against the base runs next (automatically).
    BENCHMARKING = "benchmarking"
    # Benchmarked: a person may now activate it for the organisation or a job.
    READY = "ready"
    FAILED = "failed"
    CANCELLED = "cancelled"


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


class Adapter(UUIDPrimaryKey, Timestamped, Base):
    """A LoRA adapter of one organisation: how it was trained (dataset version, base model and
    its hash, hyper-parameters, seed), where its files are, and its benchmark against the base."""

    __tablename__ = "adapters"
    __table_args__ = (UniqueConstraint("organisation_id", "version"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    base_model_id: Mapped[str] = mapped_column(String(64))
    dataset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("training_datasets.id", ondelete="SET NULL"), nullable=True
    )
    dataset_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[AdapterStatus] = mapped_column(
        Enum(AdapterStatus, name="adapter_status", values_callable=_values),
        default=AdapterStatus.QUEUED,
    )
    hyper_parameters: Mapped[dict[str, object]] = mapped_column(JSONB)
    examples: Mapped[int] = mapped_column(Integer, default=0)
    progress_step: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    progress_loss: Mapped[float | None] = mapped_column(Float)
    # file name -> sha256, under media_prefix in the media store
    files: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    media_prefix: Mapped[str] = mapped_column(String(200))
    base_model_sha256: Mapped[str | None] = mapped_column(String(64))
    final_loss: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float | None] = mapped_column(Float)
    device: Mapped[str | None] = mapped_column(String(32))
    quantization: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    # AdapterBenchmarkResult: the base's and the adapter's figures on the same cases.
    benchmark: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    benchmarked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
