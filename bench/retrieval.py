"""pgvector retrieval benchmark: HNSW (cosine) against exact search, with an ef_search sweep.

Two synthetic 384-d datasets in the embedded PostgreSQL:

- embedding-like: points of a mixture of 1,000 Gaussian clusters in a 32-d latent space,
  embedded into 384-d by a random linear map plus small isotropic noise, then normalised.
  Sentence embeddings behave this way (low intrinsic dimension, topical clusters), and it
  is the dataset the target is checked on. Queries come from the same distribution.
- uniform: unit vectors uniform on the 384-d sphere, HNSW's worst case (every point is
  almost equally far from every other), reported at 10k only, for contrast.

For each dataset and size: load (binary COPY), exact top 10 (sequential scan), HNSW build
(m=16, ef_construction=64, pgvector defaults), then query latency p50/p95 and recall@10
against the exact top 10 for each hnsw.ef_search in the sweep. The platform's own setting
(RETRIEVAL_EF_SEARCH) is marked. Writes bench/results/retrieval.json.

    python bench/retrieval.py [--sizes 10000 100000] [--queries 200]
"""

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from pgvector.psycopg import register_vector

from interview_core.localrun.postgres import EmbeddedPostgres
from interview_core.retrieval.settings import RetrievalSettings

DIMENSION = 384
LATENT_DIMENSION = 32
CLUSTERS = 1_000
K = 10
EF_SEARCH_SWEEP = (40, 64, 100, 200, 400)
UNIFORM_SIZE = 10_000
RESULTS = Path(__file__).parent / "results" / "retrieval.json"


def _normalise(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


class EmbeddingLike:
    """Clustered, low-intrinsic-dimension unit vectors; data and queries share the clusters."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.centres = rng.standard_normal((CLUSTERS, LATENT_DIMENSION))
        self.projection = rng.standard_normal((LATENT_DIMENSION, DIMENSION))

    def sample(self, count: int) -> np.ndarray:
        clusters = self.rng.integers(0, CLUSTERS, count)
        latent = self.centres[clusters] + self.rng.standard_normal((count, LATENT_DIMENSION))
        noise = 0.05 * np.sqrt(LATENT_DIMENSION) * self.rng.standard_normal((count, DIMENSION))
        return _normalise(latent @ self.projection + noise)


class Uniform:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def sample(self, count: int) -> np.ndarray:
        return _normalise(self.rng.standard_normal((count, DIMENSION)))


def load(conn: psycopg.Connection[Any], table: str, vectors: np.ndarray) -> float:
    started = time.perf_counter()
    conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, embedding vector({DIMENSION}))")
    with conn.cursor().copy(
        f"COPY {table} (id, embedding) FROM STDIN WITH (FORMAT BINARY)"
    ) as copy:
        copy.set_types(["int4", "vector"])
        for row_id, vector in enumerate(vectors):
            copy.write_row((row_id, vector))
    conn.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def search(
    conn: psycopg.Connection[Any], table: str, queries: np.ndarray
) -> tuple[list[list[int]], list[float]]:
    results: list[list[int]] = []
    latencies: list[float] = []
    statement = f"SELECT id FROM {table} ORDER BY embedding <=> %s LIMIT {K}"  # noqa: S608
    for query in queries:
        started = time.perf_counter()
        rows = conn.execute(statement, (query,)).fetchall()
        latencies.append((time.perf_counter() - started) * 1000)
        results.append([row[0] for row in rows])
    return results, latencies


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run_size(
    conn: psycopg.Connection[Any], dataset: str, size: int, query_count: int, app_ef: int
) -> dict[str, Any]:
    rng = np.random.default_rng(size)
    source = EmbeddingLike(rng) if dataset == "embedding-like" else Uniform(rng)
    table = f"bench_{dataset.replace('-', '_')}_{size}"
    load_s = load(conn, table, source.sample(size))
    queries = source.sample(query_count)
    conn.execute("SET enable_indexscan = off")
    exact_ids, exact_ms = search(conn, table, queries)
    conn.execute("SET enable_indexscan = on")
    started = time.perf_counter()
    conn.execute(f"CREATE INDEX ON {table} USING hnsw (embedding vector_cosine_ops)")
    build_s = time.perf_counter() - started
    plan = " ".join(
        row[0]
        for row in conn.execute(
            f"EXPLAIN SELECT id FROM {table} ORDER BY embedding <=> %s LIMIT {K}",  # noqa: S608
            (queries[0],),
        )
    )
    sweep = []
    for ef_search in sorted({*EF_SEARCH_SWEEP, app_ef}):
        conn.execute(f"SET hnsw.ef_search = {int(ef_search)}")
        search(conn, table, queries[:20])  # warm the index pages for this setting
        hnsw_ids, hnsw_ms = search(conn, table, queries)
        recall = statistics.mean(
            len(set(h) & set(e)) / K for h, e in zip(hnsw_ids, exact_ids, strict=True)
        )
        sweep.append(
            {
                "ef_search": ef_search,
                "platform_setting": ef_search == app_ef,
                "p50_ms": round(percentile(hnsw_ms, 50), 2),
                "p95_ms": round(percentile(hnsw_ms, 95), 2),
                f"recall_at_{K}": round(recall, 4),
            }
        )
        print(dataset, size, json.dumps(sweep[-1]), flush=True)
    conn.execute(f"DROP TABLE {table}")
    return {
        "dataset": dataset,
        "vectors": size,
        "queries": query_count,
        "load_s": round(load_s, 2),
        "hnsw_build_s": round(build_s, 2),
        "hnsw_used": "hnsw" in plan.lower(),
        "exact": {
            "p50_ms": round(percentile(exact_ms, 50), 2),
            "p95_ms": round(percentile(exact_ms, 95), 2),
        },
        "hnsw": next(s for s in sweep if s["platform_setting"]),
        "ef_search_sweep": sweep,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    app_ef = RetrievalSettings().retrieval_ef_search
    plan = [("embedding-like", size) for size in args.sizes]
    plan.append(("uniform", min(UNIFORM_SIZE, *args.sizes)))
    with tempfile.TemporaryDirectory() as data_dir:
        postgres = EmbeddedPostgres(Path(data_dir) / "postgres")
        postgres.start()
        try:
            url = postgres.url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                register_vector(conn)
                conn.execute("SET maintenance_work_mem = '1GB'")
                version = conn.execute(
                    "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
                ).fetchone()
                runs = [run_size(conn, name, size, args.queries, app_ef) for name, size in plan]
        finally:
            postgres.stop()
    report = {
        "benchmark": "pgvector HNSW (m=16, ef_construction=64) vs exact, hnsw.ef_search sweep",
        "dimension": DIMENSION,
        "k": K,
        "pgvector": version[0] if version else None,
        "platform_ef_search": app_ef,
        "datasets": {
            "embedding-like": f"{CLUSTERS} Gaussian clusters in a {LATENT_DIMENSION}-d latent "
            f"space, random linear map to {DIMENSION}-d plus noise, normalised; queries from "
            "the same distribution",
            "uniform": f"uniform on the {DIMENSION}-d unit sphere (HNSW's worst case)",
        },
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
