"""pgvector retrieval benchmark: HNSW (cosine) against exact search on synthetic unit vectors.

For 10k and 100k rows of 384-d random unit vectors in the embedded PostgreSQL, reports query
latency p50/p95 for exact (sequential scan) and HNSW search, and HNSW recall@10 against the
exact top 10. Writes bench/results/retrieval.json.

    python bench/retrieval.py [--sizes 10000 100000] [--queries 200]
"""

import argparse
import io
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

from interview_core.localrun.postgres import EmbeddedPostgres

DIMENSION = 384
K = 10
RESULTS = Path(__file__).parent / "results" / "retrieval.json"


def unit_vectors(rng: np.random.Generator, count: int) -> np.ndarray:
    vectors = rng.standard_normal((count, DIMENSION)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.6f}" for x in vector) + "]"


def load(conn: psycopg.Connection[Any], table: str, vectors: np.ndarray) -> float:
    started = time.perf_counter()
    conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, embedding vector({DIMENSION}))")
    buffer = io.StringIO("".join(f"{i}\t{literal(v)}\n" for i, v in enumerate(vectors)))
    with conn.cursor().copy(f"COPY {table} (id, embedding) FROM STDIN") as copy:
        copy.write(buffer.getvalue())
    conn.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def search(
    conn: psycopg.Connection[Any], table: str, queries: np.ndarray, exact: bool
) -> tuple[list[list[int]], list[float]]:
    conn.execute(f"SET enable_indexscan = {'off' if exact else 'on'}")
    results: list[list[int]] = []
    latencies: list[float] = []
    for query in queries:
        started = time.perf_counter()
        rows = conn.execute(
            f"SELECT id FROM {table} ORDER BY embedding <=> %s::vector LIMIT {K}",  # noqa: S608
            (literal(query),),
        ).fetchall()
        latencies.append((time.perf_counter() - started) * 1000)
        results.append([row[0] for row in rows])
    return results, latencies


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run_size(conn: psycopg.Connection[Any], size: int, query_count: int) -> dict[str, Any]:
    rng = np.random.default_rng(size)
    table = f"bench_vectors_{size}"
    load_s = load(conn, table, unit_vectors(rng, size))
    queries = unit_vectors(rng, query_count)
    exact_ids, exact_ms = search(conn, table, queries, exact=True)
    started = time.perf_counter()
    conn.execute(f"CREATE INDEX ON {table} USING hnsw (embedding vector_cosine_ops)")
    build_s = time.perf_counter() - started
    hnsw_ids, hnsw_ms = search(conn, table, queries, exact=False)
    plan = "\n".join(
        row[0]
        for row in conn.execute(
            f"EXPLAIN SELECT id FROM {table} ORDER BY embedding <=> %s::vector LIMIT {K}",  # noqa: S608
            (literal(queries[0]),),
        )
    )
    recall = statistics.mean(
        len(set(h) & set(e)) / K for h, e in zip(hnsw_ids, exact_ids, strict=True)
    )
    conn.execute(f"DROP TABLE {table}")
    return {
        "vectors": size,
        "queries": query_count,
        "load_s": round(load_s, 2),
        "hnsw_build_s": round(build_s, 2),
        "hnsw_used": "hnsw" in plan.lower() or "Index Scan" in plan,
        "exact": {
            "p50_ms": round(percentile(exact_ms, 50), 2),
            "p95_ms": round(percentile(exact_ms, 95), 2),
        },
        "hnsw": {
            "p50_ms": round(percentile(hnsw_ms, 50), 2),
            "p95_ms": round(percentile(hnsw_ms, 95), 2),
            f"recall_at_{K}": round(recall, 4),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        postgres = EmbeddedPostgres(Path(data_dir) / "postgres")
        postgres.start()
        try:
            url = postgres.url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                conn.execute("SET maintenance_work_mem = '1GB'")
                version = conn.execute(
                    "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
                ).fetchone()
                runs = []
                for size in args.sizes:
                    run = run_size(conn, size, args.queries)
                    print(json.dumps(run))
                    runs.append(run)
        finally:
            postgres.stop()
    report = {
        "benchmark": "pgvector HNSW (m=16, ef_construction=64, ef_search=40 defaults) vs exact",
        "dimension": DIMENSION,
        "k": K,
        "pgvector": version[0] if version else None,
        "machine": "2-core CPU, shared with other test runs (noisy)",
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
