"""What this worker process is and what it has loaded, for /readyz."""

import os
import socket
import threading

from interview_contracts.payloads import LoadedModel, WorkerStatus
from interview_contracts.queues import WorkerRole

_loaded: dict[str, LoadedModel] = {}
_lock = threading.Lock()


def current_role() -> WorkerRole:
    return WorkerRole(os.environ.get("WORKER_ROLE", WorkerRole.CPU.value))


def record_loaded_model(model: LoadedModel) -> None:
    with _lock:
        _loaded[model.slot] = model


def forget_loaded_model(slot: str) -> None:
    with _lock:
        _loaded.pop(slot, None)


def status(hostname: str) -> WorkerStatus:
    with _lock:
        models = list(_loaded.values())
    return WorkerStatus(
        hostname=hostname or socket.gethostname(),
        role=current_role(),
        pid=os.getpid(),
        models=models,
    )
