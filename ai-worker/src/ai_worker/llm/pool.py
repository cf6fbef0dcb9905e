"""The question models this GPU-worker process holds: the configured one (LLM_* settings) and
any allow-listed model a request or an operator asks for, each loaded once; adapters attached
to their base. What is loaded, since when and how fast it answers is what the admin's model
page shows (control.py answers it).

A request names its model (QuestionRequest.model), so switching models needs no drain step:
requests in flight finish on the model they named; new ones load and use the new one. An
unload closes every model after what is queued on it is generated, freeing its memory. Whether
questions are generated at all is the backend's (interview_core/modelops): while unloaded it
asks no worker, so a request that still arrives (sent before the unload) loads what it names.
"""

import logging
import statistics
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ai_worker._runtime import runtime
from ai_worker.llm import loader
from ai_worker.llm.backends import OpenAICompatibleBackend
from ai_worker.llm.batcher import GenerationBatcher
from ai_worker.llm.loader import LoadedLLM
from ai_worker.llm.registry import allowed_model, settings_for, verified_sha256
from ai_worker.llm.settings import get_llm_settings
from interview_contracts.modelops import ModelChoice, ServedModel

logger = logging.getLogger(__name__)

CONFIGURED = "configured"  # the key of the model LLM_* settings describe
_LATENCY_WINDOW = 200


@dataclass
class _Held:
    llm: LoadedLLM
    sha256: str | None
    loaded_at: datetime
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=_LATENCY_WINDOW))
    requests: int = 0


class ModelPool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, _Held] = {}
        self._adapted: dict[str, LoadedLLM] = {}  # adapter id -> base with the adapter
        # One lock per key, so loading one model never blocks requests for another.
        self._loading: dict[str, threading.Lock] = {}
        # Nothing loaded since an operator's unload (shown on the Models page).
        self._unloaded = False

    def llm_for(self, choice: ModelChoice | None) -> LoadedLLM:
        """The model (with its adapter) a request names, loading it first if needed."""
        key = CONFIGURED if choice is None else choice.model_id
        base = self._base(key)
        if choice is None or choice.adapter is None:
            return base
        adapter_key = str(choice.adapter.adapter_id)
        adapted = self._adapted.get(adapter_key)
        if adapted is not None:
            return adapted
        from ai_worker.llm.adapters import with_adapter

        with self._lock_for(f"adapter:{adapter_key}"):
            adapted = self._adapted.get(adapter_key)
            if adapted is None:
                adapted = with_adapter(base, choice.adapter, get_llm_settings().resolved_cache_dir)
                self._adapted[adapter_key] = adapted
                logger.info("adapter attached", extra={"adapter_id": adapter_key})
        return adapted

    def load(self, choice: ModelChoice | None) -> LoadedLLM:
        """An operator's load or warm-up: loads, and runs one short generation so kernels and
        caches are ready before a candidate's question."""
        llm = self.llm_for(choice)
        from ai_worker.llm.backends import GenerationRequest

        llm.generator.generate(
            GenerationRequest(
                [{"role": "user", "content": "Ask one short interview question."}],
                max_new_tokens=4,
                deadline=time.monotonic() + 120,
            )
        )
        return llm

    def unload(self) -> list[str]:
        """Close every model after its queued work; returns the keys released."""
        self._unloaded = True
        with self._lock:
            held, self._held = self._held, {}
            self._adapted = {}
        for key, entry in held.items():
            _close(entry.llm)
            runtime.forget_loaded_model(_slot(key))
        if CONFIGURED in held:
            loader.release_process_llm()
        loader.release_memory()
        logger.info("question models unloaded", extra={"models": sorted(held)})
        return sorted(held)

    @property
    def unloaded(self) -> bool:
        return self._unloaded

    def record(self, choice: ModelChoice | None, latency_ms: float) -> None:
        entry = self._held.get(CONFIGURED if choice is None else choice.model_id)
        if entry is not None:
            entry.requests += 1
            entry.latencies_ms.append(latency_ms)

    def served(self) -> list[ServedModel]:
        with self._lock:
            held = dict(self._held)
            adapters = dict(self._adapted)
        models = []
        for key, entry in held.items():
            latencies = sorted(entry.latencies_ms)
            llm = entry.llm
            models.append(
                ServedModel(
                    model_id=key if key != CONFIGURED else f"{CONFIGURED}: {llm.model_id}",
                    backend=llm.backend.value,
                    device=llm.device,
                    quantization=llm.quantization,
                    sha256=entry.sha256,
                    memory_mb=llm.memory_mb,
                    adapters=sorted(a for a, m in adapters.items() if m.model_id == llm.model_id),
                    loaded_at=entry.loaded_at,
                    requests=entry.requests,
                    latency_p50_ms=round(statistics.median(latencies), 1) if latencies else None,
                    latency_p95_ms=round(latencies[int(0.95 * (len(latencies) - 1))], 1)
                    if latencies
                    else None,
                )
            )
        return models

    def _base(self, key: str) -> LoadedLLM:
        entry = self._held.get(key)
        if entry is not None:
            return entry.llm
        with self._lock_for(key):
            entry = self._held.get(key)
            if entry is None:
                entry = self._load(key)
                with self._lock:
                    self._held[key] = entry
                    self._unloaded = False
        return entry.llm

    def _load(self, key: str) -> _Held:
        started = time.monotonic()
        if key == CONFIGURED:
            llm, sha256 = loader.get_llm(), None
        else:
            model = allowed_model(key)  # refuses an id not on the allow-list
            settings = settings_for(model, get_llm_settings())
            sha256 = verified_sha256(model, settings)
            llm = loader.load_llm(settings)
            runtime.record_loaded_model(llm.as_loaded_model(_slot(key)))
        logger.info(
            "question model loaded",
            extra={"model": key, "seconds": round(time.monotonic() - started, 1)},
        )
        return _Held(llm=llm, sha256=sha256, loaded_at=datetime.now(UTC))

    def _lock_for(self, key: str) -> threading.Lock:
        with self._lock:
            return self._loading.setdefault(key, threading.Lock())


def _slot(key: str) -> str:
    return loader.SLOT if key == CONFIGURED else f"{loader.SLOT}:{key}"


def _close(llm: LoadedLLM) -> None:
    if isinstance(llm.generator, GenerationBatcher | OpenAICompatibleBackend):
        llm.generator.close()


_pool = ModelPool()


def get_pool() -> ModelPool:
    return _pool
