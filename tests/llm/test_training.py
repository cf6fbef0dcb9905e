"""LoRA training on the tiny random Llama (allow-listed for the test), on the CPU: the adapter
lands in the media store with its sha256, changes what the model writes, is the same for the
same seed, and a cancelled or refused training stores nothing."""

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ai_worker.llm.adapter_benchmark import packaged_cases
from ai_worker.llm.adapters import with_adapter
from ai_worker.llm.backends import GenerationRequest
from ai_worker.llm.loader import load_llm
from ai_worker.llm.prompts import question_messages
from ai_worker.llm.registry import content_sha256
from ai_worker.llm.settings import LLMBackend, LLMDevice, LLMSettings, get_llm_settings
from ai_worker.llm.training import train_adapter
from interview_contracts.media import get_media_store
from interview_contracts.modelops import EMBEDDED_ENGINE_MODEL_ID, AdapterRef
from interview_contracts.training import (
    QuestionExample,
    TrainingHyperParameters,
    TrainingProgress,
    TrainingRequest,
    TrainingResult,
)

TINY_ID = "tiny-test"
HYPER = TrainingHyperParameters(
    rank=8,
    alpha=16,
    dropout=0.0,
    learning_rate=1e-2,
    epochs=3,
    batch_size=2,
    max_length=256,
    seed=7,
    target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj", "no_such"],
)


def allow_listed(model_dir: Path, data_dir: Path) -> Iterator[None]:
    """The tiny model on the allow-list and a file media store in `data_dir`, for a module."""
    from ai_worker._runtime.settings import get_worker_settings

    entry = {
        "id": TINY_ID,
        "backend": "transformers",
        "source": str(model_dir),
        "sha256": content_sha256(model_dir),
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MODEL_ALLOW_LIST", json.dumps([entry]))
        patch.setenv("MEDIA_STORE", "file")
        patch.setenv("DATA_DIR", str(data_dir))
        get_worker_settings.cache_clear()
        get_llm_settings.cache_clear()
        get_media_store.cache_clear()
        yield
    get_worker_settings.cache_clear()
    get_llm_settings.cache_clear()
    get_media_store.cache_clear()


@pytest.fixture(scope="module")
def tiny_allowed(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    yield from allow_listed(tiny_model_dir, tmp_path_factory.mktemp("training-data"))


def _examples() -> list[QuestionExample]:
    """Six contexts of the packaged benchmark cases, each with its stage's bank question."""
    _, questions, _ = packaged_cases()
    chosen = [q for q in questions if q.language == "en"] + [
        q for q in questions if q.language == "ko"
    ][:2]
    return [QuestionExample(request=q, question=q.bank_question) for q in chosen]


def _request(**hyper: Any) -> TrainingRequest:
    adapter_id = uuid.uuid4()
    return TrainingRequest(
        adapter_id=adapter_id,
        organisation_id=uuid.uuid4(),
        version=1,
        base_model_id=hyper.pop("base_model_id", TINY_ID),
        dataset_id=uuid.uuid4(),
        dataset_version=1,
        examples=_examples(),
        hyper_parameters=HYPER.model_copy(update=hyper),
        media_prefix=f"adapters/{adapter_id}",
    )


@dataclass(frozen=True)
class Trained:
    request: TrainingRequest
    result: TrainingResult
    progress: list[TrainingProgress]
    seconds: float


def _train(request: TrainingRequest) -> Trained:
    progress: list[TrainingProgress] = []
    started = time.monotonic()
    result = train_adapter(request, progress.append, lambda: False)
    return Trained(request, result, progress, time.monotonic() - started)


@pytest.fixture(scope="module")
def trained(tiny_allowed: None) -> Trained:
    from ai_worker.llm import training

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(training, "PROGRESS_EVERY_S", 0.0)  # every step, to see the loss fall
        return _train(_request())


def _stored(prefix: str) -> int:
    return get_media_store().usage(prefix).files


def test_a_tiny_adapter_trains_on_the_cpu_within_a_minute(
    trained: Trained, tiny_model_dir: Path
) -> None:
    result = trained.result
    assert result.outcome == "trained", result.error
    assert trained.seconds < 60
    assert result.steps == 9  # 3 epochs of 6 examples in batches of 2
    assert result.device == "cpu" and result.quantization is None
    assert result.base_model_sha256 == content_sha256(tiny_model_dir)
    # Loaded, then after every step (PROGRESS_EVERY_S patched to 0), and done.
    assert [p.step for p in trained.progress] == [*range(10), 9]
    assert all(p.total_steps == 9 for p in trained.progress)
    first_loss = trained.progress[1].loss
    assert result.final_loss is not None and first_loss is not None
    assert result.final_loss < first_loss  # a high learning rate: it visibly learns


def test_its_files_are_stored_with_their_sha256(trained: Trained) -> None:
    import hashlib

    files = trained.result.files
    assert set(files) == {"adapter_config.json", "adapter_model.safetensors"}
    for name, sha256 in files.items():
        data = get_media_store().get(f"{trained.request.media_prefix}/{name}")
        assert hashlib.sha256(data).hexdigest() == sha256
    stored = get_media_store().get(f"{trained.request.media_prefix}/adapter_config.json")
    config = json.loads(stored)
    # Only the modules the model has; the base named by its allow-list id, not a local path.
    assert set(config["target_modules"]) == set(HYPER.target_modules) - {"no_such"}
    assert config["base_model_name_or_path"] == TINY_ID


def test_the_adapter_changes_what_the_model_writes(
    trained: Trained, tiny_model_dir: Path, tmp_path: Path
) -> None:
    base = load_llm(
        LLMSettings(
            llm_model=str(tiny_model_dir),
            llm_device=LLMDevice.CPU,
            llm_backend=LLMBackend.TRANSFORMERS,
        )
    )
    request = trained.request
    ref = AdapterRef(
        adapter_id=request.adapter_id,
        organisation_id=request.organisation_id,
        version=request.version,
        base_model_id=request.base_model_id,
        media_prefix=request.media_prefix,
        files=trained.result.files,
    )
    adapted = with_adapter(base, ref, tmp_path)
    prompt = GenerationRequest(
        question_messages(request.examples[0].request), 16, time.monotonic() + 60
    )
    assert adapted.generator.generate(prompt).text != base.generator.generate(prompt).text


def test_the_same_seed_gives_the_same_adapter(trained: Trained) -> None:
    again = _train(_request())
    assert again.result.outcome == "trained", again.result.error
    assert again.result.files == trained.result.files
    assert again.result.final_loss == trained.result.final_loss


def test_a_cancelled_training_stores_nothing(tiny_allowed: None) -> None:
    request = _request()
    checks = 0

    def cancelled() -> bool:
        nonlocal checks
        checks += 1
        return checks > 2  # two steps run, then the backend's key appears

    result = train_adapter(request, lambda _: None, cancelled)
    assert result.outcome == "cancelled" and result.error is None
    assert result.files == {} and checks == 3
    assert _stored(request.media_prefix) == 0


def test_a_training_past_max_seconds_fails_and_stores_nothing(tiny_allowed: None) -> None:
    request = _request(max_seconds=10)

    def slow_check() -> bool:
        time.sleep(10.2)  # the first step's check takes the whole allowance
        return False

    result = train_adapter(request, lambda _: None, slow_check)
    assert result.outcome == "failed"
    assert result.error is not None and "max_seconds" in result.error
    assert result.error.startswith("TrainingTimeoutError: ")
    assert _stored(request.media_prefix) == 0


@pytest.mark.parametrize(
    ("model_id", "reason"),
    [("not-listed", "ModelNotAllowedError"), (EMBEDDED_ENGINE_MODEL_ID, "transformers")],
)
def test_a_base_not_allow_listed_or_not_trainable_fails(
    tiny_allowed: None, model_id: str, reason: str
) -> None:
    request = _request(base_model_id=model_id)
    result = train_adapter(request, lambda _: None, lambda: False)
    assert result.outcome == "failed"
    assert result.error is not None and reason in result.error
    assert _stored(request.media_prefix) == 0
