"""The process-wide LLM: loaded once, lazily (or at worker start), shared by every thread."""

import gc
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ai_worker._runtime import runtime
from ai_worker.llm.backends import OpenAICompatibleBackend, TextGenerator, TransformersBackend
from ai_worker.llm.batcher import GenerationBatcher
from ai_worker.llm.embedded import EMBEDDED_MODEL_ID, INTERVIEWER_GGUF, embedded_model_dir
from ai_worker.llm.engine import engine_memory_mb, ensure_engine
from ai_worker.llm.settings import (
    EvaluationEngine,
    LLMBackend,
    LLMCpuDtype,
    LLMQuantization,
    LLMSettings,
    get_llm_settings,
    remote_code_decision,
)
from interview_contracts.payloads import LoadedModel

if TYPE_CHECKING:
    import torch

logger = logging.getLogger(__name__)

SLOT = "llm"
ENDPOINT_SLOT = "llm_endpoint"
EVALUATION_SLOT = "llm_evaluation"


@dataclass(frozen=True)
class LoadedLLM:
    model_id: str
    backend: LLMBackend
    device: str
    quantization: str | None
    memory_mb: float | None
    # Thread-safe: the batcher for an in-process model, the HTTP client for an endpoint.
    generator: TextGenerator
    # The in-process model itself, for callers that bypass batching (benchmarks).
    transformers: TransformersBackend | None = None
    # The LoRA adapter every request through `generator` is generated with (adapters.py).
    adapter: str | None = None

    @property
    def label(self) -> str:
        """The model as results record it: with the adapter, when one is attached."""
        return self.model_id if self.adapter is None else f"{self.model_id}+lora:{self.adapter}"

    def as_loaded_model(self, slot: str) -> LoadedModel:
        return LoadedModel(
            slot=slot,
            model_id=self.model_id,
            backend=self.backend.value,
            device=self.device,
            quantization=self.quantization,
            memory_mb=self.memory_mb,
        )


def load_llm(settings: LLMSettings) -> LoadedLLM:
    """Build a model as the settings describe; on failure free what was allocated and re-raise."""
    if settings.llm_backend is LLMBackend.LLAMACPP:
        return _connect_engine(settings)
    if settings.llm_backend is LLMBackend.OPENAI:
        model = settings.llm_openai_model or settings.llm_model
        return LoadedLLM(
            model_id=model,
            backend=LLMBackend.OPENAI,
            device="remote",
            quantization=None,
            memory_mb=None,
            generator=OpenAICompatibleBackend(
                settings.llm_openai_base_url, settings.llm_openai_api_key, model
            ),
        )
    try:
        return _load_transformers(settings)
    except BaseException:
        release_memory()
        raise


def _connect_engine(settings: LLMSettings) -> LoadedLLM:
    """This machine's llama.cpp engine, started first if none runs; waits until it is ready."""
    endpoint = ensure_engine(settings)
    quantization = (
        INTERVIEWER_GGUF.quantization if settings.llm_engine_model == "embedded" else None
    )
    return LoadedLLM(
        model_id=endpoint.model_id,
        backend=LLMBackend.LLAMACPP,
        device="cpu",
        quantization=quantization,
        memory_mb=engine_memory_mb(settings),
        generator=OpenAICompatibleBackend(endpoint.base_url, endpoint.api_key, endpoint.model_id),
    )


def _load_transformers(settings: LLMSettings) -> LoadedLLM:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig

    embedded = settings.llm_model == "embedded"
    path = str(embedded_model_dir(settings.resolved_cache_dir)) if embedded else settings.llm_model
    device = settings.resolved_device
    on_cuda = device.startswith("cuda")
    if not on_cuda and settings.llm_cpu_threads > 0:
        torch.set_num_threads(settings.llm_cpu_threads)
    # EXAONE 3.5 ships its modelling code with the weights, and that code runs here: only from
    # a commit the operator pinned, a local directory, or an explicit opt-in.
    decision = remote_code_decision(settings, path)
    remote_code = decision.trust_remote_code
    pinned = decision.pinned
    kwargs: dict[str, Any] = {
        "dtype": torch.bfloat16 if on_cuda else cpu_dtype(settings.llm_cpu_dtype),
        "device_map": {"": 0 if on_cuda else "cpu"},
        "trust_remote_code": remote_code,
        **pinned,
    }
    quantization: str | None = None
    if settings.llm_quantization is LLMQuantization.NF4:
        quantization = "nf4"
        kwargs["quantization_config"] = BitsAndBytesConfig(  # type: ignore[no-untyped-call]
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16 if on_cuda else torch.float32,
        )
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=remote_code, **pinned)
    except ValueError as error:
        if "trust_remote_code" not in str(error):
            raise
        raise RuntimeError(
            f"{path} ships its own modelling code, which would run in this process: set "
            "LLM_MODEL_REVISION to the commit you reviewed (compose: GPU_LLM_MODEL_REVISION), "
            "or LLM_TRUST_REMOTE_CODE=true to accept whatever the hub serves"
        ) from error
    model: Any = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    if settings.llm_adapter_path is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(settings.llm_adapter_path))
    model.eval()
    backend = TransformersBackend(model, tokenizer)
    if not on_cuda:
        # The first generate call builds the CPU kernels for each shape (seconds, tens of
        # seconds in bf16); pay it at load, not in a candidate's first question.
        backend.warm_up()
    batcher = GenerationBatcher(
        backend.generate_batch,
        window_s=settings.llm_batch_window_ms / 1000,
        max_batch=settings.llm_max_batch,
        max_wait_s=settings.llm_batch_max_wait_ms / 1000,
    )
    memory_mb = model.get_memory_footprint() / 2**20
    if on_cuda:
        memory_mb = max(memory_mb, torch.cuda.memory_allocated() / 2**20)
    return LoadedLLM(
        model_id=EMBEDDED_MODEL_ID if embedded else settings.llm_model,
        backend=LLMBackend.TRANSFORMERS,
        device=device,
        quantization=quantization,
        memory_mb=round(memory_mb, 1),
        generator=batcher,
        transformers=backend,
    )


def cpu_dtype(choice: LLMCpuDtype) -> "torch.dtype":
    import torch

    if choice is LLMCpuDtype.AUTO:
        native_bf16 = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
        return torch.bfloat16 if native_bf16 else torch.float32
    return torch.bfloat16 if choice is LLMCpuDtype.BFLOAT16 else torch.float32


def release_memory() -> None:
    gc.collect()
    try:
        import torch
    except ImportError:
        return
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


class LLMSingleton:
    """Loads once under a lock; a failed load leaves nothing behind, so the next call retries."""

    def __init__(self, load: Callable[[], LoadedLLM], slot: str):
        self._load = load
        self._slot = slot
        self._lock = threading.Lock()
        self._llm: LoadedLLM | None = None

    @property
    def current(self) -> LoadedLLM | None:
        return self._llm

    def release(self) -> None:
        """Forget the model (an operator's unload); the next `get` loads it again."""
        with self._lock:
            self._llm = None
            runtime.forget_loaded_model(self._slot)

    def get(self) -> LoadedLLM:
        llm = self._llm
        if llm is not None:
            return llm
        with self._lock:
            if self._llm is None:
                loaded = self._load()
                runtime.record_loaded_model(loaded.as_loaded_model(self._slot))
                logger.info(
                    "llm loaded",
                    extra={
                        "model_id": loaded.model_id,
                        "device": loaded.device,
                        "quantization": loaded.quantization,
                        "memory_mb": loaded.memory_mb,
                    },
                )
                self._llm = loaded
            return self._llm


_process_llm = LLMSingleton(lambda: load_llm(get_llm_settings()), SLOT)
_evaluation_engine_llm = LLMSingleton(
    lambda: _connect_engine(get_llm_settings().for_evaluation_engine()), EVALUATION_SLOT
)
_endpoint_llm = LLMSingleton(
    lambda: load_llm(get_llm_settings().model_copy(update={"llm_backend": LLMBackend.OPENAI})),
    ENDPOINT_SLOT,
)


def get_llm() -> LoadedLLM:
    """This process's LLM as LLM_* settings describe it, loaded on first use."""
    return _process_llm.get()


def release_process_llm() -> None:
    _process_llm.release()


def get_evaluation_llm() -> LoadedLLM:
    """The LLM that reads answers: with the llamacpp backend and EVALUATION_ENGINE=own the
    evaluation engine (at the CPU role's priority), else this process's LLM (the question
    engine, for the llamacpp backend)."""
    settings = get_llm_settings()
    if (
        settings.llm_backend is LLMBackend.LLAMACPP
        and settings.evaluation_engine is EvaluationEngine.OWN
    ):
        return _evaluation_engine_llm.get()
    return get_llm()


def get_endpoint_llm() -> LoadedLLM:
    """The shared OpenAI-compatible endpoint (LLM_OPENAI_*), whatever LLM_BACKEND says."""
    return _endpoint_llm.get()


def load_at_worker_start() -> None:
    """Call from the worker's process-init hook: loads now when LLM_LOAD_AT_START is set."""
    if get_llm_settings().llm_load_at_start:
        get_llm()
