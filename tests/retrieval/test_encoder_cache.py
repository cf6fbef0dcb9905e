"""The encoder's LRU for repeated generation texts returns exactly what the model computes."""

import math

import pytest

from ai_worker.embeddings import encoder


def test_cached_vectors_equal_fresh_ones_and_repeat_texts_are_stored_once() -> None:
    texts = ["Problem solving", "Tell me about yourself.", "Problem solving"]
    fresh = encoder.encode(texts)
    cached = encoder.encode_cached(texts)
    for expected, got in zip(fresh, cached, strict=True):
        assert all(math.isclose(a, b, abs_tol=1e-5) for a, b in zip(expected, got, strict=True))
    assert encoder.encode_cached(["Problem solving"])[0] is cached[0]  # served from the cache
    assert list(encoder._cache).count("Problem solving") == 1


def test_the_cache_stays_within_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder, "_CACHE_SIZE", 3)
    encoder.encode_cached([f"question number {i}" for i in range(5)])
    assert len(encoder._cache) == 3
    assert list(encoder._cache)[-1] == "question number 4"
