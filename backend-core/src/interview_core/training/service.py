"""Fine-tuning of an organisation's interviewer: an adapter is trained from a dataset version
(interview_core/feedback) on an allow-listed base, benchmarked against that base on the same
cases, and activated by a person for the organisation or a job. Rolling back is activating
the previous adapter, or none."""

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interview_contracts.modelops import AdapterRef
from interview_contracts.tasks import TaskName
from interview_contracts.training import (
    AdapterBenchmarkRequest,
    AdapterBenchmarkResult,
    AdapterTask,
    TrainingHyperParameters,
    TrainingProgress,
    TrainingRequest,
    TrainingResult,
)
from interview_core.accounts.models import Organisation, User
from interview_core.audit.service import record_audit
from interview_core.auth.policy import ensure_org_access, ensure_org_manager
from interview_core.broker.after_commit import run_after_commit
from interview_core.broker.client import send
from interview_core.config import get_infra_settings
from interview_core.errors import Conflict, NotFound, UnprocessableInput
from interview_core.events import signal_training_cancel
from interview_core.feedback.service import question_examples
from interview_core.jobs.models import Job
from interview_core.training.models import Adapter, AdapterStatus

logger = logging.getLogger(__name__)

_RUNNING = (AdapterStatus.QUEUED, AdapterStatus.TRAINING)


def _organisation(session: Session, organisation_id: uuid.UUID, lock: bool = False) -> Organisation:
    query = select(Organisation).where(Organisation.id == organisation_id)
    organisation = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if organisation is None:
        raise NotFound("No such organisation.")
    return organisation


def get_adapter(session: Session, user: User, adapter_id: uuid.UUID) -> Adapter:
    adapter = session.get(Adapter, adapter_id)
    if adapter is None:
        raise NotFound("No such adapter.")
    ensure_org_access(user, adapter.organisation_id)
    return adapter


def list_adapters(
    session: Session, user: User, organisation_id: uuid.UUID, limit: int, offset: int
) -> list[Adapter]:
    ensure_org_access(user, organisation_id)
    return list(
        session.scalars(
            select(Adapter)
            .where(Adapter.organisation_id == organisation_id)
            .order_by(Adapter.version.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def start_training(
    session: Session,
    actor: User,
    organisation_id: uuid.UUID,
    dataset_id: uuid.UUID,
    base_model_id: str,
    hyper_parameters: TrainingHyperParameters,
) -> Adapter:
    organisation = _organisation(session, organisation_id, lock=True)
    ensure_org_manager(actor, organisation)
    model = get_infra_settings().allowed_models.get(base_model_id)
    if model is None or not model.trainable:
        raise UnprocessableInput(
            f"The 'base_model_id' field: {base_model_id!r} is not an allow-listed model that "
            "adapters train on (the in-process transformers backend).",
            code="model-not-trainable",
            field="base_model_id",
        )
    dataset, examples = question_examples(session, dataset_id, organisation_id)
    if not examples:
        raise UnprocessableInput(
            "The 'dataset_id' field: this dataset version has no approved questions to learn from.",
            code="dataset-without-questions",
            field="dataset_id",
        )
    version = (
        session.scalar(
            select(func.max(Adapter.version)).where(Adapter.organisation_id == organisation_id)
        )
        or 0
    ) + 1
    adapter_id = uuid.uuid4()
    adapter = Adapter(
        id=adapter_id,
        organisation_id=organisation_id,
        version=version,
        base_model_id=base_model_id,
        dataset_id=dataset.id,
        dataset_version=dataset.version,
        status=AdapterStatus.QUEUED,
        hyper_parameters=hyper_parameters.model_dump(mode="json"),
        examples=len(examples),
        files={},
        media_prefix=f"adapters/{organisation_id}/{adapter_id}",
        created_by=actor.id,
    )
    session.add(adapter)
    session.flush()
    record_audit(
        session,
        actor,
        "adapter.train",
        "adapter",
        adapter.id,
        organisation_id,
        {"version": version, "dataset_version": dataset.version, "base_model_id": base_model_id},
    )
    run_after_commit(
        session, lambda: send(TaskName.START_TRAINING, AdapterTask(adapter_id=adapter_id))
    )
    return adapter


def training_request(session: Session, adapter_id: uuid.UUID) -> TrainingRequest | None:
    """The self-contained request for the GPU worker; None unless the adapter is queued."""
    adapter = session.scalars(
        select(Adapter).where(Adapter.id == adapter_id).with_for_update()
    ).one_or_none()
    if adapter is None or adapter.status is not AdapterStatus.QUEUED or adapter.dataset_id is None:
        return None
    dataset, examples = question_examples(session, adapter.dataset_id, adapter.organisation_id)
    adapter.status = AdapterStatus.TRAINING
    adapter.started_at = datetime.now(UTC)
    return TrainingRequest(
        adapter_id=adapter.id,
        organisation_id=adapter.organisation_id,
        version=adapter.version,
        base_model_id=adapter.base_model_id,
        dataset_id=dataset.id,
        dataset_version=dataset.version,
        examples=examples,
        hyper_parameters=TrainingHyperParameters.model_validate(adapter.hyper_parameters),
        media_prefix=adapter.media_prefix,
    )


def store_progress(session: Session, progress: TrainingProgress) -> bool:
    adapter = session.get(Adapter, progress.adapter_id)
    if adapter is None or adapter.status is not AdapterStatus.TRAINING:
        return False
    # A late progress event never moves the bar backwards.
    if progress.step >= adapter.progress_step:
        adapter.progress_step = progress.step
        adapter.progress_total = progress.total_steps
        adapter.progress_loss = progress.loss
    return True


def _ref(adapter: Adapter) -> AdapterRef:
    return AdapterRef(
        adapter_id=adapter.id,
        organisation_id=adapter.organisation_id,
        version=adapter.version,
        base_model_id=adapter.base_model_id,
        media_prefix=adapter.media_prefix,
        files=adapter.files,
    )


def _send_benchmark(session: Session, adapter: Adapter) -> None:
    settings = get_infra_settings()
    request = AdapterBenchmarkRequest(
        adapter=_ref(adapter),
        case_limit=settings.adapter_benchmark_cases,
        score_pair_limit=settings.adapter_benchmark_score_pairs,
    )
    run_after_commit(session, lambda: send(TaskName.BENCHMARK_ADAPTER, request))


def store_training_result(session: Session, result: TrainingResult) -> str:
    """A trained adapter is benchmarked next, automatically; a cancelled row stays cancelled."""
    adapter = session.scalars(
        select(Adapter).where(Adapter.id == result.adapter_id).with_for_update()
    ).one_or_none()
    if adapter is None or adapter.status not in _RUNNING:
        return "ignored"
    adapter.finished_at = datetime.now(UTC)
    adapter.duration_s = result.duration_s
    adapter.device = result.device or None
    adapter.quantization = result.quantization
    adapter.final_loss = result.final_loss
    adapter.base_model_sha256 = result.base_model_sha256
    if result.outcome == "trained" and result.files:
        adapter.files = result.files
        adapter.progress_step = max(adapter.progress_step, result.steps)
        adapter.status = AdapterStatus.BENCHMARKING
        _send_benchmark(session, adapter)
    elif result.outcome == "cancelled":
        adapter.status = AdapterStatus.CANCELLED
    else:
        adapter.status = AdapterStatus.FAILED
        adapter.error = result.error or "training produced no adapter"
    logger.info(
        "adapter training ended", extra={"adapter_id": adapter.id, "outcome": result.outcome}
    )
    return adapter.status.value


def store_benchmark(session: Session, result: AdapterBenchmarkResult) -> str:
    adapter = session.scalars(
        select(Adapter).where(Adapter.id == result.adapter_id).with_for_update()
    ).one_or_none()
    if adapter is None or adapter.status is not AdapterStatus.BENCHMARKING:
        return "ignored"
    adapter.benchmark = result.model_dump(mode="json")
    adapter.benchmarked_at = datetime.now(UTC)
    if result.error is not None or result.base is None or result.adapter is None:
        adapter.status = AdapterStatus.FAILED
        adapter.error = f"benchmark failed: {result.error}"
    else:
        adapter.status = AdapterStatus.READY
        adapter.error = None
    return adapter.status.value


def rerun_benchmark(session: Session, actor: User, adapter_id: uuid.UUID) -> Adapter:
    adapter = get_adapter(session, actor, adapter_id)
    ensure_org_manager(actor, _organisation(session, adapter.organisation_id))
    if not adapter.files or adapter.status in (*_RUNNING, AdapterStatus.BENCHMARKING):
        raise Conflict(
            "Only a trained adapter that is not being benchmarked can be.",
            code="adapter-not-trained",
        )
    adapter.status = AdapterStatus.BENCHMARKING
    adapter.error = None
    _send_benchmark(session, adapter)
    return adapter


def cancel(session: Session, actor: User, adapter_id: uuid.UUID) -> Adapter:
    adapter = get_adapter(session, actor, adapter_id)
    ensure_org_manager(actor, _organisation(session, adapter.organisation_id))
    if adapter.status not in _RUNNING:
        raise Conflict(
            "Only a queued or running training can be cancelled.", code="adapter-not-running"
        )
    adapter.status = AdapterStatus.CANCELLED
    adapter.finished_at = datetime.now(UTC)
    record_audit(session, actor, "adapter.cancel", "adapter", adapter.id, adapter.organisation_id)
    run_after_commit(session, lambda: signal_training_cancel(adapter_id))
    return adapter


def _activatable(session: Session, organisation_id: uuid.UUID, adapter_id: uuid.UUID) -> Adapter:
    adapter = session.get(Adapter, adapter_id)
    if adapter is None or adapter.organisation_id != organisation_id:
        raise NotFound("No such adapter.")
    if adapter.status is not AdapterStatus.READY or adapter.benchmark is None:
        raise Conflict(
            "An adapter is activated only after its benchmark against the base has run.",
            code="adapter-not-benchmarked",
        )
    return adapter


def set_active_adapter(
    session: Session, actor: User, organisation_id: uuid.UUID, adapter_id: uuid.UUID | None
) -> Organisation:
    """A person's decision: the organisation's questions come from this adapter (None: the
    base model). The previous choice is in the audit log, and rolling back is choosing it."""
    organisation = _organisation(session, organisation_id, lock=True)
    ensure_org_manager(actor, organisation)
    if adapter_id is not None:
        _activatable(session, organisation_id, adapter_id)
    previous = organisation.active_adapter_id
    organisation.active_adapter_id = adapter_id
    record_audit(
        session,
        actor,
        "adapter.activate",
        "organisation",
        organisation_id,
        organisation_id,
        {
            "adapter_id": str(adapter_id) if adapter_id else None,
            "previous": str(previous) if previous else None,
        },
    )
    return organisation


def set_job_adapter(
    session: Session, actor: User, job_id: uuid.UUID, adapter_id: uuid.UUID | None
) -> Job:
    """A job's own adapter, over the organisation's (None: the organisation's choice)."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound("Job not found.")
    ensure_org_manager(actor, _organisation(session, job.organisation_id))
    if adapter_id is not None:
        _activatable(session, job.organisation_id, adapter_id)
    job.adapter_id = adapter_id
    record_audit(
        session,
        actor,
        "adapter.select_for_job",
        "job",
        job.id,
        job.organisation_id,
        {"adapter_id": str(adapter_id) if adapter_id else None},
    )
    return job


def serving_adapter(
    session: Session, organisation_id: uuid.UUID, job_adapter_id: uuid.UUID | None
) -> AdapterRef | None:
    """The adapter a job's questions are written with: the job's, else the organisation's
    active one; only ever a benchmarked (ready) adapter."""
    adapter_id = job_adapter_id or session.scalar(
        select(Organisation.active_adapter_id).where(Organisation.id == organisation_id)
    )
    if adapter_id is None:
        return None
    adapter = session.get(Adapter, adapter_id)
    if adapter is None or adapter.status is not AdapterStatus.READY:
        return None
    return _ref(adapter)
