"""Sentence embeddings per second with the worker's encoder (ai_worker.embeddings.encoder).

Encodes answer-sized sentences through the same `encode` the CPU worker uses, one at a time
(a query) and in batches (indexing rows), after one warm-up call. Writes
bench/results/embeddings.json.
"""

import argparse
import json
import os
import time
from pathlib import Path

from ai_worker.embeddings import encoder
from ai_worker.embeddings.settings import get_embedding_settings

RESULTS = Path(__file__).resolve().parent / "results" / "embeddings.json"
SENTENCE = (
    "I designed the database schema for our billing service and led a team of four engineers "
    "through the migration to PostgreSQL; answer number {index}."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=512)
    args = parser.parse_args()
    texts = [SENTENCE.format(index=index) for index in range(args.texts)]
    started = time.monotonic()
    encoder.encode(texts[:2])
    load_s = time.monotonic() - started

    started = time.monotonic()
    singles = min(64, args.texts)
    for text in texts[:singles]:
        encoder.encode([text])
    single_s = time.monotonic() - started

    started = time.monotonic()
    encoder.encode(texts)
    batched_s = time.monotonic() - started

    settings = get_embedding_settings()
    report = {
        "model": encoder.model_id(),
        "dimension": encoder.dimension(),
        "device": settings.embedding_device,
        "batch_size": settings.embedding_batch_size,
        "cpus": os.cpu_count(),
        "load_s": round(load_s, 2),
        "texts": args.texts,
        "one_at_a_time_per_s": round(singles / single_s, 1),
        "batched_per_s": round(args.texts / batched_s, 1),
    }
    print(json.dumps(report, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
