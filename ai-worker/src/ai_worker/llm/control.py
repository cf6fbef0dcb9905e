"""Celery remote-control commands of the GPU role: an operator's load, warm-up, unload and
status reach every GPU worker by broadcast (interview_core/modelops sends them), never by a
restart. Commands run in the worker's consumer thread, so a load runs in a thread of its own and
answers by sending `modelops.store_model_loaded` when done; status answers at once."""

import logging
import os
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from celery.worker.control import control_command

from ai_worker._runtime import runtime
from ai_worker._runtime.celery_app import app
from ai_worker._runtime.tasking import send_result
from ai_worker.llm import engine
from ai_worker.llm.embedded import INTERVIEWER_GGUF
from ai_worker.llm.pool import get_pool
from ai_worker.llm.settings import LLMBackend, get_llm_settings
from interview_contracts.modelops import (
    CONTROL_LOAD,
    CONTROL_STATUS,
    CONTROL_UNLOAD,
    EngineStatus,
    LoadCommand,
    ModelLoaded,
    WorkerModels,
)
from interview_contracts.queues import WorkerRole
from interview_contracts.tasks import TaskName

logger = logging.getLogger(__name__)


def _is_question_worker() -> bool:
    return runtime.current_role() is WorkerRole.GPU


def _hostname(state: Any) -> str:
    consumer = getattr(state, "consumer", None)
    return str(getattr(consumer, "hostname", "") or socket.gethostname())


@control_command(args=[("command", dict)], signature="<command>")  # type: ignore[untyped-decorator]
def llm_load(state: Any, command: dict[str, Any]) -> dict[str, Any]:
    if not _is_question_worker():
        return {"role": runtime.current_role().value, "skipped": True}
    load = LoadCommand.model_validate(command)
    hostname = _hostname(state)
    threading.Thread(
        target=_load_and_report, args=(load, hostname), name="llm-load", daemon=True
    ).start()
    return {"role": WorkerRole.GPU.value, "accepted": True}


def _load_and_report(command: LoadCommand, hostname: str) -> None:
    started = time.monotonic()
    choice = command.choice
    try:
        llm = get_pool().load(choice)
        loaded = ModelLoaded(
            request_id=command.request_id,
            hostname=hostname,
            model_id=choice.model_id if choice else None,
            adapter_id=choice.adapter.adapter_id if choice and choice.adapter else None,
            ok=True,
            memory_mb=llm.memory_mb,
            seconds=time.monotonic() - started,
        )
    except Exception as error:  # the operator sees why; the worker keeps serving
        logger.exception("model load failed", extra={"model": choice.model_id if choice else None})
        loaded = ModelLoaded(
            request_id=command.request_id,
            hostname=hostname,
            model_id=choice.model_id if choice else None,
            adapter_id=choice.adapter.adapter_id if choice and choice.adapter else None,
            ok=False,
            error=f"{type(error).__name__}: {error}"[:500],
            seconds=time.monotonic() - started,
        )
    send_result(app, TaskName.STORE_MODEL_LOADED, loaded)


@control_command()  # type: ignore[untyped-decorator]
def llm_unload(state: Any) -> dict[str, Any]:
    if not _is_question_worker():
        return {"role": runtime.current_role().value, "skipped": True}
    released = get_pool().unload()
    return {"role": WorkerRole.GPU.value, "released": released}


@control_command()  # type: ignore[untyped-decorator]
def llm_status(state: Any) -> dict[str, Any]:
    if not _is_question_worker():
        return {"role": runtime.current_role().value, "skipped": True}
    pool = get_pool()
    status = WorkerModels(
        hostname=_hostname(state),
        pid=os.getpid(),
        unloaded=pool.unloaded,
        models=pool.served(),
        engine=engine_status(),
    )
    return {"role": WorkerRole.GPU.value, "status": status.model_dump(mode="json")}


def engine_status() -> EngineStatus | None:
    """The llama.cpp engine this machine's configured model runs in, if that is the backend."""
    settings = get_llm_settings()
    if settings.llm_backend is not LLMBackend.LLAMACPP:
        return None
    embedded = settings.llm_engine_model == "embedded"
    pid = engine.engine_pid(settings)
    started_at = None
    if pid is not None:
        try:
            started_at = datetime.fromtimestamp(Path(f"/proc/{pid}").stat().st_mtime, UTC)
        except OSError:
            started_at = None
    return EngineStatus(
        model_id=engine.model_id_of(settings),
        sha256=INTERVIEWER_GGUF.sha256 if embedded else None,
        quantization=INTERVIEWER_GGUF.quantization if embedded else None,
        ready=engine.is_ready(engine.endpoint_of(settings), timeout_s=1.0),
        pid=pid,
        memory_mb=engine.engine_memory_mb(settings),
        started_at=started_at,
    )


COMMANDS = (CONTROL_LOAD, CONTROL_UNLOAD, CONTROL_STATUS)
