"""Adapters served in process: fetched from the media store and verified, attached to the base's
model, and mixed with the base (and each other) in one batch, each row on its own model."""

import hashlib
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ai_worker.llm.adapters import (
    AdapterIntegrityError,
    attached_adapters,
    fetch_adapter,
    remove_adapter,
    with_adapter,
)
from ai_worker.llm.backends import GenerationRequest, OpenAICompatibleBackend
from ai_worker.llm.loader import LoadedLLM, load_llm
from ai_worker.llm.settings import LLMBackend, LLMDevice, LLMQuantization, LLMSettings
from interview_contracts.media import get_media_store
from interview_contracts.modelops import AdapterRef

MESSAGES = [{"role": "user", "content": "Ask me a question about teamwork."}]


@pytest.fixture(scope="module")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A file media store of this module's own."""
    data_dir = tmp_path_factory.mktemp("adapter-media")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEDIA_STORE", "file")
        patch.setenv("DATA_DIR", str(data_dir))
        get_media_store.cache_clear()
        yield data_dir / "media"
    get_media_store.cache_clear()


def stored_adapter(model_dir: Path, scratch: Path, weight: float, rank: int = 4) -> AdapterRef:
    """A LoRA adapter for the model, made visible (B != 0), put in the store as training would."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = get_peft_model(
        AutoModelForCausalLM.from_pretrained(model_dir),
        LoraConfig(r=rank, target_modules=["q_proj", "v_proj"]),
    )
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_B" in name:
                parameter.fill_(weight)
    adapter_id = uuid.uuid4()
    target = scratch / str(adapter_id)
    model.save_pretrained(str(target))
    prefix = f"adapters/{adapter_id}"
    files = {}
    for path in target.iterdir():
        get_media_store().put(f"{prefix}/{path.name}", path.read_bytes())
        files[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return AdapterRef(
        adapter_id=adapter_id,
        organisation_id=uuid.uuid4(),
        version=1,
        base_model_id="tiny-test",
        media_prefix=prefix,
        files=files,
    )


@pytest.fixture(scope="module")
def adapter_refs(
    tiny_model_dir: Path, media_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[AdapterRef, AdapterRef]:
    scratch = tmp_path_factory.mktemp("adapter-files")
    return stored_adapter(tiny_model_dir, scratch, 0.5), stored_adapter(
        tiny_model_dir, scratch, -0.4, rank=8
    )


def _base(model_dir: Path, quantization: LLMQuantization = LLMQuantization.NONE) -> LoadedLLM:
    return load_llm(
        LLMSettings(
            llm_model=str(model_dir),
            llm_device=LLMDevice.CPU,
            llm_backend=LLMBackend.TRANSFORMERS,
            llm_quantization=quantization,
        )
    )


def _request(adapter: str | None = None) -> GenerationRequest:
    return GenerationRequest(MESSAGES, 12, time.monotonic() + 60, adapter=adapter)


def _alone(llm: LoadedLLM, adapter: str | None = None) -> str:
    assert llm.transformers is not None
    return llm.transformers.generate_batch([_request(adapter)])[0].text


# Float weights, and the GPU worker's 4-bit NF4 (bitsandbytes, here on the CPU).
@pytest.mark.parametrize("quantization", [LLMQuantization.NONE, LLMQuantization.NF4])
def test_a_mixed_batch_gives_each_row_its_own_models_output(
    tiny_model_dir: Path,
    adapter_refs: tuple[AdapterRef, AdapterRef],
    tmp_path: Path,
    quantization: LLMQuantization,
) -> None:
    base = _base(tiny_model_dir, quantization)
    assert base.transformers is not None
    first = with_adapter(base, adapter_refs[0], tmp_path)
    second = with_adapter(base, adapter_refs[1], tmp_path)
    mixed = [None, first.adapter, second.adapter, None]
    rows = base.transformers.generate_batch([_request(adapter) for adapter in mixed])
    # Each row as in a batch of the same size of its model alone: a random model's near-tied
    # logits can flip on the last bits that a batch's shape changes.
    alone = {
        adapter: base.transformers.generate_batch([_request(adapter)] * len(mixed))[0].text
        for adapter in set(mixed)
    }
    assert [row.text for row in rows] == [alone[adapter] for adapter in mixed]
    assert len(set(alone.values())) == 3


def test_adapters_attach_and_detach_leaving_the_base_as_it_was(
    tiny_model_dir: Path, adapter_refs: tuple[AdapterRef, AdapterRef], tmp_path: Path
) -> None:
    # Float weights only: on the CPU, bitsandbytes keeps 4-bit weights in a packed layout
    # that peft's wrapping converts back, which moves a random model's logits slightly.
    from peft import PeftModel

    first, second = adapter_refs
    base = _base(tiny_model_dir)
    assert base.transformers is not None
    plain = _alone(base)

    adapted = with_adapter(base, first, tmp_path)
    assert isinstance(base.transformers.model, PeftModel)
    assert adapted.adapter == str(first.adapter_id) and adapted.model_id == base.model_id
    assert adapted.transformers is base.transformers  # one copy of the weights
    with_first = _alone(base, adapted.adapter)
    assert with_first != plain
    assert _alone(base) == plain  # the base still generates without the adapter

    also = with_adapter(base, second, tmp_path)  # the second is loaded into the PeftModel
    assert attached_adapters(base) == [adapted.adapter, also.adapter]
    assert with_adapter(base, first, tmp_path).adapter == adapted.adapter  # attached once
    assert attached_adapters(base) == [adapted.adapter, also.adapter]

    # Through the batcher, as the task threads reach it: each LoadedLLM names its adapter.
    through_adapted = adapted.generator.generate(_request()).text
    assert through_adapted == base.generator.generate(_request(adapted.adapter)).text
    assert through_adapted != base.generator.generate(_request()).text

    remove_adapter(base, str(second.adapter_id))
    with pytest.raises(ValueError, match="non-existing adapter"):
        base.transformers.generate_batch([_request(also.adapter)])
    assert _alone(base, adapted.adapter) == with_first
    remove_adapter(base, str(first.adapter_id))
    assert not isinstance(base.transformers.model, PeftModel)
    assert _alone(base) == plain
    with pytest.raises(ValueError, match="none is attached"):
        base.transformers.generate_batch([_request(adapted.adapter)])


def test_a_tampered_file_is_refused_and_nothing_is_cached(
    adapter_refs: tuple[AdapterRef, AdapterRef], tmp_path: Path
) -> None:
    first, _ = adapter_refs
    tampered = first.model_copy(update={"adapter_id": uuid.uuid4()})
    key = f"{first.media_prefix}/adapter_model.safetensors"
    original = get_media_store().get(key)
    get_media_store().put(key, original[:-1] + bytes([original[-1] ^ 1]))
    try:
        with pytest.raises(AdapterIntegrityError, match="sha256"):
            fetch_adapter(tampered, tmp_path)
        assert [p.name for p in (tmp_path / "adapters").iterdir()] == [
            f"{tampered.adapter_id}.lock"
        ]
    finally:
        get_media_store().put(key, original)
    assert fetch_adapter(first, tmp_path).is_dir()


def test_a_verified_copy_is_reused_and_a_changed_one_fetched_again(
    adapter_refs: tuple[AdapterRef, AdapterRef], tmp_path: Path
) -> None:
    _, second = adapter_refs
    directory = fetch_adapter(second, tmp_path)
    assert directory == tmp_path / "adapters" / str(second.adapter_id)
    assert sorted(p.name for p in directory.iterdir()) == sorted(second.files)
    written = (directory / "adapter_config.json").stat().st_mtime_ns
    assert fetch_adapter(second, tmp_path) == directory
    assert (directory / "adapter_config.json").stat().st_mtime_ns == written

    (directory / "adapter_model.safetensors").write_bytes(b"changed on disk")
    fetch_adapter(second, tmp_path)
    data = (directory / "adapter_model.safetensors").read_bytes()
    assert hashlib.sha256(data).hexdigest() == second.files["adapter_model.safetensors"]


def test_a_file_name_outside_the_adapter_directory_is_refused(
    adapter_refs: tuple[AdapterRef, AdapterRef], tmp_path: Path
) -> None:
    first, _ = adapter_refs
    escaping = first.model_copy(update={"files": {"../adapter_config.json": "0" * 64}})
    with pytest.raises(ValueError, match="not an adapter file name"):
        fetch_adapter(escaping, tmp_path)


def test_only_the_in_process_backend_takes_adapters(
    adapter_refs: tuple[AdapterRef, AdapterRef], tmp_path: Path
) -> None:
    remote = LoadedLLM(
        model_id="served",
        backend=LLMBackend.OPENAI,
        device="remote",
        quantization=None,
        memory_mb=None,
        generator=OpenAICompatibleBackend("http://127.0.0.1:9", "key", "served"),
    )
    with pytest.raises(ValueError, match="transformers"):
        with_adapter(remote, adapter_refs[0], tmp_path)
