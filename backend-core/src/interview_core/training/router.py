import uuid

from fastapi import APIRouter

from interview_contracts.modelops import AllowedModel
from interview_core.auth.dependencies import DbSession, RecruiterOrAdmin
from interview_core.config import get_infra_settings
from interview_core.errors import UnprocessableInput
from interview_core.errors.openapi import problems
from interview_core.pagination import PageLimit, PageOffset
from interview_core.training import service
from interview_core.training.schemas import (
    ActiveAdapterRead,
    AdapterChoice,
    AdapterCreate,
    AdapterRead,
    JobAdapterRead,
)

# Recruiters see their organisation's adapters; its owner (or an admin) trains and activates.
router = APIRouter(prefix="/training", tags=["fine-tuning"], responses=problems(403, 404))


def _organisation_of(user: RecruiterOrAdmin, organisation_id: uuid.UUID | None) -> uuid.UUID:
    found = organisation_id or user.organisation_id
    if found is None:
        raise UnprocessableInput(
            "The 'organisation_id' field: name the organisation.",
            code="organisation-required",
            field="organisation_id",
        )
    return found


@router.get("/base-models", response_model=list[AllowedModel])
def base_models(
    user: RecruiterOrAdmin, limit: PageLimit = 50, offset: PageOffset = 0
) -> list[AllowedModel]:
    """The allow-listed models adapters train on (the in-process transformers backend)."""
    trainable = [m for m in get_infra_settings().allowed_models.values() if m.trainable]
    return trainable[offset : offset + limit]


# 422: the base model is not trainable, or the dataset has no approved questions.
@router.post("/adapters", response_model=AdapterRead, status_code=202, responses=problems(422))
def train(data: AdapterCreate, user: RecruiterOrAdmin, session: DbSession) -> AdapterRead:
    """Train a LoRA adapter on a dataset version (the GPU worker; progress on the adapter);
    its benchmark against the base runs when it is trained."""
    adapter = service.start_training(
        session,
        user,
        _organisation_of(user, data.organisation_id),
        data.dataset_id,
        data.base_model_id,
        data.hyper_parameters,
    )
    return AdapterRead.model_validate(adapter)


@router.get("/adapters", response_model=list[AdapterRead])
def list_adapters(
    user: RecruiterOrAdmin,
    session: DbSession,
    organisation_id: uuid.UUID | None = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
) -> list[AdapterRead]:
    """The organisation's adapters, newest first."""
    organisation = _organisation_of(user, organisation_id)
    adapters = service.list_adapters(session, user, organisation, limit, offset)
    return [AdapterRead.model_validate(a) for a in adapters]


@router.get("/adapters/{adapter_id}", response_model=AdapterRead)
def get_adapter(adapter_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession) -> AdapterRead:
    return AdapterRead.model_validate(service.get_adapter(session, user, adapter_id))


# 409: not queued or training.
@router.post("/adapters/{adapter_id}/cancel", response_model=AdapterRead, responses=problems(409))
def cancel(adapter_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession) -> AdapterRead:
    """Stop a training at its next step; nothing of it is kept."""
    return AdapterRead.model_validate(service.cancel(session, user, adapter_id))


# 409: not trained, or already being benchmarked.
@router.post(
    "/adapters/{adapter_id}/benchmark",
    response_model=AdapterRead,
    status_code=202,
    responses=problems(409),
)
def benchmark(adapter_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession) -> AdapterRead:
    """Run the adapter's benchmark against its base again."""
    return AdapterRead.model_validate(service.rerun_benchmark(session, user, adapter_id))


# 409: the adapter has no benchmark yet.
@router.put(
    "/organisations/{organisation_id}/active-adapter",
    response_model=ActiveAdapterRead,
    responses=problems(409),
)
def set_active_adapter(
    organisation_id: uuid.UUID, data: AdapterChoice, user: RecruiterOrAdmin, session: DbSession
) -> ActiveAdapterRead:
    """Activate a benchmarked adapter for the organisation's interviews, or none (the base);
    rolling back is activating the previous one."""
    organisation = service.set_active_adapter(session, user, organisation_id, data.adapter_id)
    return ActiveAdapterRead(
        organisation_id=organisation.id, active_adapter_id=organisation.active_adapter_id
    )


# 409: the adapter has no benchmark yet.
@router.put("/jobs/{job_id}/adapter", response_model=JobAdapterRead, responses=problems(409))
def set_job_adapter(
    job_id: uuid.UUID, data: AdapterChoice, user: RecruiterOrAdmin, session: DbSession
) -> JobAdapterRead:
    """A job's own adapter over the organisation's, or none (the organisation's choice)."""
    job = service.set_job_adapter(session, user, job_id, data.adapter_id)
    return JobAdapterRead(job_id=job.id, adapter_id=job.adapter_id)
