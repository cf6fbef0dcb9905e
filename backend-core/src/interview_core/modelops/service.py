"""Model operations: the allow-list, what the question slot serves, and the operator's load,
warm-up and unload, which reach the GPU workers by Celery remote control (broadcast) and come
back as `modelops.store_model_loaded`. The row in `model_serving` is the truth; the workers
load what each request names."""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from interview_contracts.modelops import (
    CONTROL_LOAD,
    CONTROL_STATUS,
    CONTROL_UNLOAD,
    AllowedModel,
    LoadCommand,
    ModelChoice,
    ModelLoaded,
    WorkerModels,
)
from interview_core.accounts.models import User
from interview_core.audit.service import record_audit
from interview_core.broker.after_commit import run_after_commit
from interview_core.broker.client import get_celery
from interview_core.config import get_infra_settings
from interview_core.errors import UnprocessableInput
from interview_core.modelops.models import ModelServing
from interview_core.modelops.schemas import ModelSlotRead

logger = logging.getLogger(__name__)

QUESTIONS = "questions"
STATUS_TIMEOUT_S = 2.0


def allowed_models() -> dict[str, AllowedModel]:
    return get_infra_settings().allowed_models


def ensure_allowed(model_id: str, field: str = "model_id") -> AllowedModel:
    model = allowed_models().get(model_id)
    if model is None:
        raise UnprocessableInput(
            f"The '{field}' field: {model_id!r} is not on the model allow-list "
            "(MODEL_ALLOW_LIST and the packaged models).",
            code="model-not-allowed",
            field=field,
        )
    return model


def serving_row(session: Session, slot: str = QUESTIONS) -> ModelServing:
    """The slot's row, locked for a change (created on first use)."""
    session.execute(insert(ModelServing).values(slot=slot).on_conflict_do_nothing())
    return session.scalars(
        select(ModelServing).where(ModelServing.slot == slot).with_for_update()
    ).one()


def current_slot(session: Session, slot: str = QUESTIONS) -> ModelServing:
    """The slot as it stands, for reads (which never write): the defaults before any change."""
    row = session.get(ModelServing, slot)
    return row if row is not None else ModelServing(slot=slot, unloaded=False)


def slot_read(row: ModelServing) -> ModelSlotRead:
    loading = row.pending_request_id is not None
    return ModelSlotRead(
        slot=row.slot,
        model_id=row.model_id,
        state="unloaded" if row.unloaded else "loading" if loading else "serving",
        pending_model_id=row.pending_model_id,
        pending_since=row.pending_since,
        last_load=row.last_load,
        last_error=row.last_error,
        updated_at=row.updated_at,
    )


def _broadcast(
    command: str,
    arguments: dict[str, Any] | None = None,
    reply: bool = False,
    timeout: float = STATUS_TIMEOUT_S,
) -> list[dict[str, Any]]:
    """A remote-control command to every worker; tried twice, since a pooled broker connection
    may have been closed by a Redis restart since its last use."""
    for attempt in (1, 2):
        try:
            return (
                get_celery().control.broadcast(
                    command, arguments=arguments or {}, reply=reply, timeout=timeout
                )
                or []
            )
        except Exception:  # the broker: one retry on a fresh connection, then the caller's
            if attempt == 2:
                raise
            logger.warning("broadcast failed; retrying", extra={"command": command})
    return []


def request_load(session: Session, actor: User, model_id: str | None) -> ModelServing:
    """Ask every GPU worker to load (and warm up) the model; the slot switches to it when the
    first worker reports it ready, and keeps serving the current one until then."""
    if model_id is not None:
        ensure_allowed(model_id)
    row = serving_row(session)
    # Out of an unload at once: requests go on naming the current model until the switch,
    # and a worker loads what a request names (the broadcast clears its unloaded state).
    row.unloaded = False
    row.pending_model_id = model_id
    row.pending_configured = model_id is None
    row.pending_request_id = uuid.uuid4()
    row.pending_since = datetime.now(UTC)
    row.last_error = None
    row.changed_by = actor.id
    record_audit(session, actor, "model.load", "model_slot", row.slot, None, {"model_id": model_id})
    command = LoadCommand(
        request_id=row.pending_request_id,
        choice=ModelChoice(model_id=model_id) if model_id is not None else None,
    )
    run_after_commit(
        session, lambda: _broadcast(CONTROL_LOAD, {"command": command.model_dump(mode="json")})
    )
    return row


def warm_up(session: Session, actor: User) -> ModelServing:
    """Load the model the slot serves now (again) and run one short generation on it."""
    return request_load(session, actor, current_slot(session).model_id)


def unload(session: Session, actor: User) -> ModelServing:
    """From now on questions come from the bank; the workers close their models once what is
    queued on them is generated (a drain), freeing their memory."""
    row = serving_row(session)
    row.unloaded = True
    row.pending_model_id = None
    row.pending_configured = False
    row.pending_request_id = None
    row.pending_since = None
    row.changed_by = actor.id
    record_audit(session, actor, "model.unload", "model_slot", row.slot, None, {})
    run_after_commit(session, lambda: _broadcast(CONTROL_UNLOAD))
    return row


def store_model_loaded(session: Session, loaded: ModelLoaded) -> bool:
    """A worker's report of a load: the first success of the pending load switches the slot;
    a failure leaves it on the model it served. Reports of an older load are recorded only."""
    row = serving_row(session)
    row.last_load = loaded.model_dump(mode="json")
    if loaded.request_id != row.pending_request_id:
        return False
    if loaded.ok:
        row.model_id = None if row.pending_configured else row.pending_model_id
        row.last_error = None
    else:
        row.last_error = f"{loaded.hostname}: {loaded.error}"
    row.pending_model_id = None
    row.pending_configured = False
    row.pending_request_id = None
    row.pending_since = None
    logger.info(
        "model load reported",
        extra={"model_id": loaded.model_id, "ok": loaded.ok, "hostname": loaded.hostname},
    )
    return loaded.ok


def question_workers() -> list[WorkerModels]:
    """What each GPU worker holds, from the ones that answer the broadcast in time."""
    try:
        replies = _broadcast(CONTROL_STATUS, reply=True)
    except Exception:  # the page still shows the slot; the workers' part is empty
        logger.warning("no worker status: the broker did not answer", exc_info=True)
        return []
    found = []
    for reply in replies:
        for answer in reply.values():
            if isinstance(answer, dict) and "status" in answer:
                found.append(WorkerModels.model_validate(answer["status"]))
    return sorted(found, key=lambda worker: worker.hostname)


@dataclass(frozen=True)
class QuestionServing:
    # Unloaded by an operator: serve the bank question without asking a worker.
    unloaded: bool
    choice: ModelChoice | None


def question_serving(
    session: Session, organisation_id: uuid.UUID, job_adapter_id: uuid.UUID | None
) -> QuestionServing:
    """What the next question of a job is written with: the job's adapter, else the
    organisation's active adapter, on the model it was trained on; else the slot's model."""
    from interview_core.training.service import serving_adapter

    row = current_slot(session)
    if row.unloaded:
        return QuestionServing(unloaded=True, choice=None)
    adapter = serving_adapter(session, organisation_id, job_adapter_id)
    if adapter is not None:
        return QuestionServing(
            unloaded=False, choice=ModelChoice(model_id=adapter.base_model_id, adapter=adapter)
        )
    model = ModelChoice(model_id=row.model_id) if row.model_id is not None else None
    return QuestionServing(unloaded=False, choice=model)
