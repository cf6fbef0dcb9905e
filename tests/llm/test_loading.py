"""Loading through the real code path: plain, 4-bit NF4 (bitsandbytes on CPU), LoRA, singleton."""

import threading
import time
from pathlib import Path

import pytest

from ai_worker._runtime import runtime
from ai_worker.llm.backends import GenerationRequest
from ai_worker.llm.loader import SLOT, LLMSingleton, LoadedLLM, load_llm
from ai_worker.llm.settings import LLMDevice, LLMQuantization, LLMSettings

MESSAGES = [{"role": "user", "content": "Ask me a question about teamwork."}]


def _generate(llm: LoadedLLM, max_new_tokens: int = 6) -> int:
    output = llm.generator.generate(
        GenerationRequest(MESSAGES, max_new_tokens, time.monotonic() + 60)
    )
    return output.new_tokens


def _tiny_settings(model_dir: Path, **overrides: object) -> LLMSettings:
    return LLMSettings(llm_model=str(model_dir), llm_device=LLMDevice.CPU).model_copy(
        update=overrides
    )


def test_tiny_model_loads_and_generates(tiny_model_dir: Path) -> None:
    llm = load_llm(_tiny_settings(tiny_model_dir))
    assert llm.model_id == str(tiny_model_dir)
    assert llm.device == "cpu" and llm.quantization is None
    assert llm.memory_mb is not None and llm.memory_mb > 0
    assert _generate(llm) == 6


def test_tiny_model_loads_in_4bit_nf4_with_bitsandbytes_on_cpu(tiny_model_dir: Path) -> None:
    import bitsandbytes as bnb

    plain = load_llm(_tiny_settings(tiny_model_dir))
    llm = load_llm(_tiny_settings(tiny_model_dir, llm_quantization=LLMQuantization.NF4))
    assert llm.transformers is not None
    linear_4bit = bnb.nn.Linear4bit  # type: ignore[attr-defined]
    quantized = [m for m in llm.transformers.model.modules() if isinstance(m, linear_4bit)]
    assert quantized, "no layer was replaced by a bitsandbytes 4-bit linear layer"
    assert quantized[0].weight.quant_state.quant_type == "nf4"  # type: ignore[attr-defined]
    assert llm.quantization == "nf4"
    assert llm.memory_mb is not None and plain.memory_mb is not None
    assert llm.memory_mb < plain.memory_mb
    assert _generate(llm) == 6


def test_lora_adapter_attaches_and_changes_the_output(tiny_model_dir: Path, tmp_path: Path) -> None:
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    adapted = get_peft_model(base, LoraConfig(r=4, target_modules=["q_proj", "v_proj"]))
    with torch.no_grad():  # a fresh adapter is a no-op (B = 0); give it weight to be seen
        for name, parameter in adapted.named_parameters():
            if "lora_B" in name:
                parameter.fill_(0.5)
    adapted.save_pretrained(str(tmp_path / "adapter"))

    plain = load_llm(_tiny_settings(tiny_model_dir))
    llm = load_llm(_tiny_settings(tiny_model_dir, llm_adapter_path=tmp_path / "adapter"))
    assert llm.transformers is not None and plain.transformers is not None
    assert isinstance(llm.transformers.model, PeftModel)
    ids = torch.tensor([[1, 2, 3, 4]])
    with torch.no_grad():
        adapted_logits = llm.transformers.model(input_ids=ids).logits
        plain_logits = plain.transformers.model(input_ids=ids).logits
    assert not torch.allclose(adapted_logits, plain_logits)
    assert _generate(llm) == 6


def test_concurrent_loads_share_one_model_copy(tiny_model_dir: Path) -> None:
    loads = 0

    def counted_load() -> LoadedLLM:
        nonlocal loads
        loads += 1
        time.sleep(0.2)  # widen the window in which a racing second load would start
        return load_llm(_tiny_settings(tiny_model_dir))

    singleton = LLMSingleton(counted_load, slot="llm-test")
    barrier = threading.Barrier(8)
    seen: list[LoadedLLM] = []

    def use() -> None:
        barrier.wait()
        seen.append(singleton.get())

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == 1
    assert len(seen) == 8 and all(llm is seen[0] for llm in seen)
    recorded = {m.slot: m for m in runtime.status("test").models}
    assert recorded["llm-test"].model_id == str(tiny_model_dir)
    runtime.forget_loaded_model("llm-test")


def test_a_failed_load_leaves_nothing_loaded(tmp_path: Path) -> None:
    singleton = LLMSingleton(
        lambda: load_llm(_tiny_settings(tmp_path / "no-such-model")), slot="llm-broken"
    )
    for _ in range(2):  # the second call tries again rather than returning a half-loaded model
        with pytest.raises(OSError):
            singleton.get()
        assert singleton.current is None
    assert "llm-broken" not in {m.slot for m in runtime.status("test").models}


def test_process_llm_is_loaded_once_and_reported(concurrent_first_loads: list[LoadedLLM]) -> None:
    assert len(concurrent_first_loads) == 6
    assert all(llm is concurrent_first_loads[0] for llm in concurrent_first_loads)
    recorded = {m.slot: m for m in runtime.status("test").models}[SLOT]
    assert recorded.model_id == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert recorded.backend == "transformers" and recorded.device == "cpu"
    assert recorded.memory_mb is not None and recorded.memory_mb > 100
