"""Core tasks of model operations: the workers' reports of a load."""

from typing import Any

from interview_contracts.modelops import ModelLoaded
from interview_contracts.tasks import TaskName
from interview_core.broker.tasking import core_task
from interview_core.db.engine import session_scope
from interview_core.modelops import service


@core_task(TaskName.STORE_MODEL_LOADED)
def store_model_loaded(payload: dict[str, Any]) -> bool:
    loaded = ModelLoaded.model_validate(payload)
    with session_scope() as session:
        return service.store_model_loaded(session, loaded)
