"""LoRA adapters served in process, on the transformers backend's model.

An adapter's files come from the media store (where training put them), each checked against
the sha256 its AdapterRef names before anything reads it, into a cache directory per adapter
that is written beside its place and renamed into it under a file lock. Attached adapters
share the base model's weights: the first wraps the model in a peft PeftModel, later ones are
loaded into it, and each request names its adapter, so one batch can mix the base and any
number of adapters (backends.TransformersBackend.generate_batch).
"""

import dataclasses
import fcntl
import hashlib
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ai_worker.llm.backends import (
    GenerationOutput,
    GenerationRequest,
    TextGenerator,
    TransformersBackend,
)
from ai_worker.llm.loader import LoadedLLM
from ai_worker.llm.settings import LLMBackend
from interview_contracts.media import get_media_store
from interview_contracts.modelops import AdapterRef

logger = logging.getLogger(__name__)


class AdapterIntegrityError(RuntimeError):
    """An adapter's file is not the one its reference names (wrong sha256)."""


def adapter_name(ref: AdapterRef) -> str:
    """The name the adapter is attached under (and requests name it by)."""
    return str(ref.adapter_id)


def _checked_file_name(name: str) -> str:
    # The names become paths in the cache: a plain file name only.
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise ValueError(f"not an adapter file name: {name!r}")
    return name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(8 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _verified_copy(directory: Path, ref: AdapterRef) -> bool:
    return directory.is_dir() and all(
        (directory / name).is_file() and _sha256(directory / name) == sha256
        for name, sha256 in ref.files.items()
    )


def fetch_adapter(ref: AdapterRef, cache_dir: Path) -> Path:
    """The adapter's directory in `cache_dir/adapters/`, downloaded and verified on first use;
    a cached copy is re-checked and used when every file still has its sha256."""
    for name in ref.files:
        _checked_file_name(name)
    root = cache_dir / "adapters"
    target = root / adapter_name(ref)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"{adapter_name(ref)}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _verified_copy(target, ref):
            return target
        store = get_media_store()
        staging = Path(tempfile.mkdtemp(prefix=f".{adapter_name(ref)}-", dir=root))
        try:
            for name, expected in ref.files.items():
                data = store.get(f"{ref.media_prefix}/{name}")
                found = hashlib.sha256(data).hexdigest()
                if found != expected:
                    raise AdapterIntegrityError(
                        f"adapter {ref.adapter_id}: {name} has sha256 {found}, its reference "
                        f"says {expected}; refusing to load it"
                    )
                (staging / name).write_bytes(data)
            # A copy that failed its check (tampered, or an older download) is replaced.
            shutil.rmtree(target, ignore_errors=True)
            staging.replace(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    logger.info("adapter fetched", extra={"adapter_id": str(ref.adapter_id)})
    return target


@dataclasses.dataclass(frozen=True)
class _AdapterGenerator:
    """The base's generator with every request naming one adapter."""

    base: TextGenerator
    adapter: str

    def generate(self, request: GenerationRequest) -> GenerationOutput:
        return self.base.generate(dataclasses.replace(request, adapter=self.adapter))


def _backend_of(base: LoadedLLM) -> TransformersBackend:
    if base.backend is not LLMBackend.TRANSFORMERS or base.transformers is None:
        raise ValueError(
            f"adapters are served on the in-process transformers backend, not on "
            f"{base.backend.value} ({base.model_id})"
        )
    if base.adapter is not None:
        raise ValueError("an adapter is attached to the base model, not to an adapted copy")
    return base.transformers


def with_adapter(base: LoadedLLM, ref: AdapterRef, cache_dir: Path) -> LoadedLLM:
    """`base` generating with the adapter: attached to the base's model (once; sharing its
    weights) under `adapter_name(ref)`, fetched and verified first. The base keeps generating
    without it."""
    backend = _backend_of(base)
    name = adapter_name(ref)
    directory = fetch_adapter(ref, cache_dir)
    with backend.lock:  # never while a batch generates
        _attach(backend, name, directory)
    return dataclasses.replace(
        base, generator=_AdapterGenerator(base.generator, name), adapter=name
    )


def _attach(backend: TransformersBackend, name: str, directory: Path) -> None:
    from peft import PeftModel

    model: Any = backend.model
    if isinstance(model, PeftModel):
        if name in model.peft_config:
            return
        model.load_adapter(str(directory), adapter_name=name, is_trainable=False)
    else:
        model = PeftModel.from_pretrained(
            model, str(directory), adapter_name=name, is_trainable=False
        )
    model.eval()
    backend.model = model


def attached_adapters(base: LoadedLLM) -> list[str]:
    """The adapters attached to the base's model, in attachment order."""
    from peft import PeftModel

    model = _backend_of(base).model
    return list(model.peft_config) if isinstance(model, PeftModel) else []


def remove_adapter(base: LoadedLLM, name: str) -> None:
    """Detach an adapter from the base's model (absent is fine). Requests still naming it
    fail; the last one removed gives the backend back its bare model."""
    from peft import PeftModel

    backend = _backend_of(base)
    with backend.lock:
        model: Any = backend.model
        if not isinstance(model, PeftModel) or name not in model.peft_config:
            return
        if name == backend.default_adapter:
            raise ValueError(f"{name} is the adapter this model was loaded with")
        if len(model.peft_config) == 1:
            backend.model = model.unload()  # drops the LoRA layers, the weights stay
        else:
            model.delete_adapter(name)
    logger.info("adapter removed", extra={"adapter": name})
