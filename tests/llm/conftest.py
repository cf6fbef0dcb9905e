"""LLM fixtures: the in-process transformers path on the small embedded SmolLM2 (converted
once) and a tiny random model; the engine's tests use the stack's engine instead."""

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ai_worker.llm.loader import LoadedLLM


@pytest.fixture(scope="package")
def llm_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Settings for this process's LLM in these tests: the in-process transformers backend
    with the small embedded model, cached in a temporary directory. Package-scoped, so the
    settings end with this package and never reach workers started later."""
    from ai_worker.llm.settings import get_llm_settings

    cache_dir = tmp_path_factory.mktemp("llm-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LLM_CACHE_DIR", str(cache_dir))
        patch.setenv("LLM_MODEL", "embedded")
        patch.setenv("LLM_BACKEND", "transformers")
        patch.setenv("LLM_DEVICE", "cpu")
        patch.setenv("LLM_QUANTIZATION", "none")
        patch.setenv("EVALUATION_LLM", "in_process")
        patch.setenv("LLM_BATCH_WINDOW_MS", "100")
        patch.setenv("LLM_CPU_THREADS", "1")  # other test processes share the two cores
        patch.setenv("HF_HUB_OFFLINE", "1")
        get_llm_settings.cache_clear()
        yield cache_dir
    get_llm_settings.cache_clear()


@pytest.fixture(scope="package")
def concurrent_first_loads(llm_env: Path) -> list[LoadedLLM]:
    """What six threads got from `get_llm()` when they all asked before anything was loaded."""
    from ai_worker.llm.loader import get_llm

    barrier = threading.Barrier(6)
    results: list[LoadedLLM] = []

    def load() -> None:
        barrier.wait()
        results.append(get_llm())

    threads = [threading.Thread(target=load) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture(scope="package")
def embedded_llm(concurrent_first_loads: list[LoadedLLM]) -> LoadedLLM:
    return concurrent_first_loads[0]


@pytest.fixture(scope="package")
def tiny_model_dir(llm_env: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random two-layer Llama with SmolLM2's tokenizer, saved like any hub model."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from ai_worker.llm.embedded import embedded_model_dir

    tokenizer = AutoTokenizer.from_pretrained(embedded_model_dir(llm_env))
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    target = tmp_path_factory.mktemp("tiny-llm")
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target


@pytest.fixture(scope="package")
def engine_llm(stack) -> LoadedLLM:  # type: ignore[no-untyped-def]
    """The stack's llama.cpp engine on the embedded bilingual model, as the GPU worker
    reaches it (whatever this package's in-process settings say)."""
    from ai_worker.llm.loader import load_llm
    from ai_worker.llm.settings import LLMBackend, LLMSettings

    return load_llm(LLMSettings(llm_backend=LLMBackend.LLAMACPP))
