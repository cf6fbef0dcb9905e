"""The allow-list on the worker's side: which settings serve an allow-listed model, and whether
the weights on disk are the ones listed (sha256). An id the allow-list does not name is refused
before anything is read from disk."""

import fcntl
import hashlib
import json
from pathlib import Path

from ai_worker._runtime.settings import get_worker_settings
from ai_worker.llm.embedded import (
    EMBEDDED_MODEL_ID,
    GGUF_FILE,
    INTERVIEWER_GGUF,
    packaged_gguf_dir,
)
from ai_worker.llm.settings import LLMBackend, LLMSettings
from interview_contracts.modelops import (
    EMBEDDED_ENGINE_MODEL_ID,
    EMBEDDED_SMALL_MODEL_ID,
    AllowedModel,
)

_CHUNK = 8 << 20


class ModelNotAllowedError(ValueError):
    """The id is not on the allow-list (MODEL_ALLOW_LIST plus the packaged models)."""


class WeightsMismatchError(RuntimeError):
    """The weights found are not the ones the allow-list names."""


def allowed_model(model_id: str) -> AllowedModel:
    model = get_worker_settings().allowed_models.get(model_id)
    if model is None:
        raise ModelNotAllowedError(f"model {model_id!r} is not on the allow-list")
    return model


def settings_for(model: AllowedModel, base: LLMSettings) -> LLMSettings:
    """`base` (this process's LLM settings) pointed at the allow-listed model."""
    if model.backend == "llamacpp":
        return base.model_copy(
            update={"llm_backend": LLMBackend.LLAMACPP, "llm_engine_model": model.source}
        )
    if model.backend == "openai":
        return base.model_copy(
            update={"llm_backend": LLMBackend.OPENAI, "llm_openai_model": model.source}
        )
    return base.model_copy(
        update={
            "llm_backend": LLMBackend.TRANSFORMERS,
            "llm_model": model.source,
            "llm_model_revision": model.revision,
            "llm_adapter_path": None,
        }
    )


def display_model_id(model: AllowedModel) -> str:
    """The upstream name of an embedded model, the allow-list id otherwise."""
    if model.id == EMBEDDED_ENGINE_MODEL_ID:
        return INTERVIEWER_GGUF.model_id
    if model.id == EMBEDDED_SMALL_MODEL_ID:
        return EMBEDDED_MODEL_ID
    return model.id


def verified_sha256(model: AllowedModel, settings: LLMSettings) -> str | None:
    """The sha256 of the model's weights, checked against the allow-list; None where nothing on
    this machine can be hashed (a remote endpoint, a pinned hub revision)."""
    if model.id == EMBEDDED_ENGINE_MODEL_ID:
        return INTERVIEWER_GGUF.sha256  # verified by embedded.assembled_gguf on every start
    if model.id == EMBEDDED_SMALL_MODEL_ID:
        return cached_sha256(packaged_gguf_dir() / GGUF_FILE, settings.resolved_cache_dir)
    if model.backend == "openai":
        return None
    path = Path(model.source)
    if not path.exists():
        if model.backend == "transformers" and model.revision:
            return None  # a hub id at a pinned commit: the hub checks the files it serves
        raise WeightsMismatchError(f"{model.id}: {model.source} does not exist")
    found = cached_sha256(path, settings.resolved_cache_dir)
    if found != model.sha256:
        raise WeightsMismatchError(
            f"{model.id}: the weights at {model.source} have sha256 {found}, the allow-list "
            f"says {model.sha256}; refusing to serve them"
        )
    return found


def content_sha256(path: Path) -> str:
    """A file's sha256; for a directory, the sha256 over its files' relative names and
    contents in name order (how an allow-list entry for a model directory is computed)."""
    digest = hashlib.sha256()
    if path.is_file():
        _feed(digest, path)
        return digest.hexdigest()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(path)).encode() + b"\0")
        _feed(digest, file)
    return digest.hexdigest()


def _feed(digest: "hashlib._Hash", path: Path) -> None:
    with open(path, "rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)


def cached_sha256(path: Path, cache_dir: Path) -> str:
    """`content_sha256`, re-computed only when a file's size or mtime changed since the last
    time (gigabytes take seconds to hash; a replaced file is hashed again)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    stamp = [[str(f), f.stat().st_size, f.stat().st_mtime_ns] for f in files]
    cache_dir.mkdir(parents=True, exist_ok=True)
    record = cache_dir / "weights-sha256.json"
    with open(cache_dir / "weights-sha256.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        known: dict[str, dict[str, object]] = {}
        if record.exists():
            try:
                known = json.loads(record.read_text())
            except ValueError:
                known = {}
        entry = known.get(str(path))
        if entry is not None and entry.get("stamp") == stamp:
            return str(entry["sha256"])
        sha256 = content_sha256(path)
        known[str(path)] = {"stamp": stamp, "sha256": sha256}
        record.write_text(json.dumps(known))
        return sha256
