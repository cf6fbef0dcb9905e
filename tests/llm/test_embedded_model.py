"""The interviewer model is assembled from its packaged parts once and served only when its
size and sha256 are the published ones."""

import hashlib
from pathlib import Path

import pytest

from ai_worker.llm.embedded import ModelIntegrityError, SplitGGUF, assembled_gguf


def _parts(tmp_path: Path, pieces: list[bytes]) -> list[Path]:
    paths = []
    for index, piece in enumerate(pieces):
        path = tmp_path / f"part{index:02d}.bin"
        path.write_bytes(piece)
        paths.append(path)
    return paths


def _model(content: bytes, sha256: str | None = None) -> SplitGGUF:
    return SplitGGUF(
        model_id="test/split",
        file_name="split.gguf",
        part_modules=("part_a", "part_b"),
        size=len(content),
        sha256=sha256 or hashlib.sha256(content).hexdigest(),
        quantization="Q4_K_M",
    )


def test_parts_are_joined_in_order_once(tmp_path: Path) -> None:
    pieces = [b"GGUF" + b"a" * 1000, b"b" * 700, b"c" * 3]
    model = _model(b"".join(pieces))
    cache = tmp_path / "cache"
    path = assembled_gguf(model, cache, _parts(tmp_path, pieces))
    assert path.read_bytes() == b"".join(pieces)
    mtime = path.stat().st_mtime_ns
    assert assembled_gguf(model, cache, []) == path  # verified before: not assembled again
    assert path.stat().st_mtime_ns == mtime


def test_a_hash_mismatch_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    pieces = [b"GGUF" + b"x" * 100, b"y" * 50]
    model = _model(b"".join(pieces), sha256="0" * 64)
    cache = tmp_path / "cache"
    with pytest.raises(ModelIntegrityError, match="sha256"):
        assembled_gguf(model, cache, _parts(tmp_path, pieces))
    assert not (cache / model.file_name).exists()
    assert not [p for p in cache.iterdir() if p.name.startswith(".split.gguf")]


def test_a_cached_file_changed_after_verification_is_refused(tmp_path: Path) -> None:
    pieces = [b"GGUF" + b"z" * 100]
    model = _model(b"".join(pieces))
    cache = tmp_path / "cache"
    path = assembled_gguf(model, cache, _parts(tmp_path, pieces))
    path.write_bytes(b"GGUF" + b"w" * 100)  # same size, other content
    with pytest.raises(ModelIntegrityError, match="refusing to serve it"):
        assembled_gguf(model, cache, [])
