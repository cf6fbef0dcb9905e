from datetime import UTC, datetime

from fastapi import APIRouter

from interview_core.auth.dependencies import AdminUser, DbSession
from interview_core.errors.openapi import problems
from interview_core.health.service import worker_details
from interview_core.modelops import service
from interview_core.modelops.schemas import LoadModel, ModelSlotRead, ModelsOverview

# Platform admins only: models are shared by every organisation.
router = APIRouter(prefix="/admin/models", tags=["model operations"], responses=problems(403))


@router.get("", response_model=ModelsOverview)
def overview(admin: AdminUser, session: DbSession) -> ModelsOverview:
    """The allow-list, what the question slot serves, and what each worker holds now (model,
    hash, quantisation, device, memory, adapters, since when, recent latency)."""
    row = service.current_slot(session)
    details = worker_details()
    return ModelsOverview(
        checked_at=datetime.now(UTC),
        allowed=list(service.allowed_models().values()),
        questions=service.slot_read(row),
        question_workers=service.question_workers(),
        cpu_workers=[s for s in details.worker_status if s.role.value == "cpu"],
    )


# 422 model-not-allowed: the id is not on the allow-list.
@router.post(
    "/questions/load", response_model=ModelSlotRead, status_code=202, responses=problems(422)
)
def load(data: LoadModel, admin: AdminUser, session: DbSession) -> ModelSlotRead:
    """Switch question generation to an allow-listed model (null: the configured one): the
    workers load and warm it up, then the slot switches; interviews keep the current model
    until then, so none stalls."""
    row = service.request_load(session, admin, data.model_id)
    return service.slot_read(row)


@router.post("/questions/warm-up", response_model=ModelSlotRead, status_code=202)
def warm_up(admin: AdminUser, session: DbSession) -> ModelSlotRead:
    """Load the current model where it is not loaded and run one short generation."""
    return service.slot_read(service.warm_up(session, admin))


@router.post("/questions/unload", response_model=ModelSlotRead)
def unload(admin: AdminUser, session: DbSession) -> ModelSlotRead:
    """Free the question models; candidates get the bank question until the next load."""
    return service.slot_read(service.unload(session, admin))
