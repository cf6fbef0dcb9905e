"""Load run: N simulated candidates take whole interviews at once against the local platform.

Starts its own embedded PostgreSQL, Redis, the API and both worker roles with the embedded
defaults (the configuration `scripts/run.sh` runs), then drives N candidates concurrently
through complete interviews over HTTP as the browser does: sign in, accept the invite, start,
and for every question wait until it is shown, think, answer by text. At the end it waits for
the workers to finish, then counts:

- lost turns: answers the API accepted that are not stored, or whose evaluation never
  completed (read back through the recruiter's API);
- server errors: every 5xx any request got;
- per step p50/p95: each HTTP request kind, and answer submitted -> next question shown.

Not a test: a figure for docs/performance.md. Writes bench/results/load.json.

    python bench/load.py [--candidates 20] [--scenario default] [--think-s 1]
"""

import argparse
import json
import os
import platform
import secrets
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from turn_latency import Bench, Services, percentile, start_workers, stop_workers

RESULTS = Path(__file__).resolve().parent / "results" / "load.json"
ANSWERS = (
    "In my last role I owned the billing service. The situation was a backlog of failed "
    "payments; my task was to fix retries. I added idempotency keys and a dead-letter queue, "
    "and failures dropped from two percent to 0.1 percent within a month.",
    "I disagreed with a teammate about caching. I wrote down both options with their costs, "
    "we measured them on production traffic, and we picked the simpler one together.",
    "저는 결제 시스템의 장애를 줄이기 위해 재시도 로직과 모니터링을 개선했고, 그 결과 장애가 "
    "절반으로 줄었습니다.",
)
# The embedded defaults, as `scripts/run.sh` runs them; models load when workers start.
LOAD_ENV = {"LLM_LOAD_AT_START": "true", "HF_HUB_OFFLINE": "1"}
DRAIN_TIMEOUT_S = 600.0


@dataclass
class Recorder:
    """Every request's latency by step, and every 5xx; shared by all candidate threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(
        self, client: httpx.Client, step: str, method: str, url: str, **kwargs: Any
    ) -> dict[str, Any]:
        started = time.monotonic()
        response = client.request(method, url, **kwargs)
        elapsed = time.monotonic() - started
        with self.lock:
            self.latencies[step].append(elapsed)
            if response.status_code >= 500:
                self.server_errors.append(f"{method} {url} -> {response.status_code}")
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {url} -> {response.status_code}: {response.text}")
        return response.json()  # type: ignore[no-any-return]

    def record(self, step: str, seconds: float) -> None:
        with self.lock:
            self.latencies[step].append(seconds)


@dataclass
class LoadCandidate:
    base_url: str
    headers: dict[str, str]
    interview_id: str
    think_s: float
    recorder: Recorder
    accepted_turns: list[str] = field(default_factory=list)
    finished: bool = False
    error: str | None = None

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # counted in the report; the others go on
            self.error = f"{type(exc).__name__}: {exc}"

    def _run(self) -> None:
        call = self.recorder.call
        interview = f"/api/v1/interviews/{self.interview_id}"
        with httpx.Client(base_url=self.base_url, headers=self.headers, timeout=120) as client:
            state = call(client, "start", "POST", f"{interview}/start", json={})
            answered_at: float | None = None
            for answer_number in range(1000):
                while state["phase"] not in ("answering", "finished"):
                    state = call(client, "poll", "GET", interview, params={"wait_s": 20})
                if answered_at is not None:
                    self.recorder.record("answer_to_next_question", time.monotonic() - answered_at)
                if state["phase"] == "finished":
                    self.finished = True
                    return
                time.sleep(self.think_s)
                turn_id = state["current_turn"]["id"]
                answered_at = time.monotonic()
                accepted = call(
                    client,
                    "submit_answer",
                    "POST",
                    f"{interview}/turns/{turn_id}/answer",
                    json={
                        "text": ANSWERS[answer_number % len(ANSWERS)],
                        "idempotency_key": secrets.token_hex(8),
                    },
                )
                self.accepted_turns.append(turn_id)
                state = accepted["state"]


def drain(base_url: str, recruiter: dict[str, str], candidates: list[LoadCandidate]) -> dict:
    """Wait for every accepted answer's evaluation; return lost turns and the wait."""
    started = time.monotonic()
    pending: dict[str, str] = {}
    with httpx.Client(base_url=base_url, headers=recruiter, timeout=60) as client:
        while True:
            lost: list[dict[str, str]] = []
            pending = {}
            for candidate in candidates:
                turns = client.get(f"/api/v1/interviews/{candidate.interview_id}/turns").json()
                by_id = {turn["id"]: turn for turn in turns}
                for turn_id in candidate.accepted_turns:
                    turn = by_id.get(turn_id)
                    if turn is None or not turn["answer_text"]:
                        lost.append({"turn_id": turn_id, "reason": "answer not stored"})
                    elif turn["evaluation_status"] == "pending":
                        pending[turn_id] = turn["evaluation_status"]
                    elif turn["evaluation_status"] != "done":
                        lost.append({"turn_id": turn_id, "reason": turn["evaluation_status"]})
            if not pending or time.monotonic() - started > DRAIN_TIMEOUT_S:
                break
            time.sleep(2)
    lost += [{"turn_id": t, "reason": f"evaluation still {s}"} for t, s in pending.items()]
    return {"lost": lost, "drain_s": round(time.monotonic() - started, 1)}


def summarise(values: list[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "p50_s": percentile(values, 0.50),
        "p95_s": percentile(values, 0.95),
        "max_s": round(max(values), 3) if values else None,
        "mean_s": round(statistics.fmean(values), 3) if values else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--scenario", default="default", choices=["default", "short"])
    parser.add_argument("--think-s", type=float, default=1.0, help="pause before each answer")
    args = parser.parse_args()
    recorder = Recorder()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        services = Services(Path(tmp), overrides=dict(LOAD_ENV))
        workers: list[Any] = []
        try:
            services.start()
            bench = Bench(services, turns=0, scenario=args.scenario)
            workers = start_workers("platform", services.env, Path(tmp))
            warm = bench.run_level(1)  # models are loaded and both queues answer
            if warm["errors"]:
                raise RuntimeError(f"warm-up failed: {warm['errors']}")
            candidates = [
                LoadCandidate(c.base_url, c.headers, c.interview_id, args.think_s, recorder)
                for c in (bench.candidate() for _ in range(args.candidates))
            ]
            started = time.monotonic()
            threads = [threading.Thread(target=c.run, daemon=True) for c in candidates]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            interviews_s = time.monotonic() - started
            drained = drain(services.base_url, bench.recruiter, candidates)
        finally:
            stop_workers(workers)
            services.stop()
    report = {
        "candidates": args.candidates,
        "scenario": args.scenario,
        "think_s": args.think_s,
        "settings": LOAD_ENV,
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor()},
        "interviews_s": round(interviews_s, 1),
        "completed_interviews": sum(1 for c in candidates if c.finished),
        "answers_accepted": sum(len(c.accepted_turns) for c in candidates),
        "lost_turns": len(drained["lost"]),
        "lost_turn_detail": drained["lost"][:20],
        "evaluations_drained_s": drained["drain_s"],
        "server_errors": len(recorder.server_errors),
        "server_error_detail": recorder.server_errors[:20],
        "candidate_errors": [c.error for c in candidates if c.error],
        "steps": {step: summarise(values) for step, values in sorted(recorder.latencies.items())},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "steps"}, ensure_ascii=False))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
