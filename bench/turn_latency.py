"""Turn latency: answer submitted -> next question shown, measured from outside over HTTP.

Starts its own embedded PostgreSQL, Redis and LLM engines (llama.cpp's server on the embedded
model: the question engine, which also evaluates answers unless EVALUATION_ENGINE=own) in a
temporary directory, the API (uvicorn) and workers, then drives 1, 5 and 10 concurrent
simulated candidates (their starts spread over one answer's time; with --lockstep-levels also
all answering in the same second, the worst case) through the 15-stage `default` scenario
over HTTP, exactly as the browser does (text answers, the long-poll GET for the question).
Two worker configurations run in the same process, one after the other, on the same engines:

- platform: the design, a GPU-role worker on gpu_queue (threads; the engine batches
  continuously) and a CPU-role worker on cpu_queue (prefork) doing answer evaluation;
- serialised: the reference design, ONE worker process with one slot consuming both queues,
  so evaluation and generation run in turn.

Each candidate answers `--think-s` seconds after its question is shown (reading it and
answering). Every answer followed by a non-template question is measured: a question prepared
while the candidate answered (a stage that does not depend on the answer) and a follow-up
generated after it. Nothing is streamed to the candidate before a question passes validation, so the
first visible token is the whole question. Writes bench/results/turn_latency.json (or
--output: the 15 s stress run goes to turn_latency_stress.json).
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from ai_worker.llm.settings import LLMSettings
from interview_core.localrun.postgres import EmbeddedPostgres
from interview_core.localrun.redis_server import LocalRedis

RESULTS = Path(__file__).resolve().parent / "results" / "turn_latency.json"
PASSWORD = "bench password for turn latency 42"  # noqa: S105 - throwaway local accounts
READY_TIMEOUT_S = 300.0
# High enough that a slow generation is measured rather than hidden by the bank fallback.
GENERATION_TIMEOUT_S = 120.0
# After the warm-up, long enough for its answers' evaluations to leave the engine.
WARM_UP_SETTLE_S = 20.0
COMMON_ENV = {
    "GENERATION_TIMEOUT_S": str(GENERATION_TIMEOUT_S),
    "LLM_GENERATION_TIMEOUT_S": str(GENERATION_TIMEOUT_S),
    # Load models when each worker process starts, so the first measured turn is not a cold load.
    "LLM_LOAD_AT_START": "true",
    "HF_HUB_OFFLINE": "1",
    # Every simulated candidate registers from 127.0.0.1.
    "REGISTRATION_MAX_PER_IP": "1000",
    # The assembled model is kept with the checkout (as the tests keep it), not per run.
    "LLM_CACHE_DIR": os.environ.get(
        "LLM_CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".cache/models/llm")
    ),
}
# Answers that give a follow-up something to pick up, one per stage in turn.
ANSWERS = [
    "I'm a backend engineer with six years of Python, most recently running an order service.",
    "I want to work on payments because correctness and reliability matter so much there.",
    "My strongest skill is PostgreSQL tuning: I read query plans and add the right indexes.",
    "Our invoice export timed out nightly; a partial index on a forty million row table cut it "
    "to two minutes.",
    "I rebuilt the order service's retries with idempotency keys after a double-charge incident.",
    "I wrote the design document and rolled the keys out behind a feature flag over two weeks.",
    "During a sale our Redis cache evicted hot keys; I split one huge hash per merchant.",
    "Memory use fell by sixty percent and the next sale ran without timeouts.",
]

EMPLOYERS = ["Northwind", "Contoso", "Globex", "Initech", "Umbrella Logistics", "Hooli"]


@dataclass
class TurnSample:
    question_shown_s: float
    question_source: str
    # A stage that does not depend on the answer: its question is prepared during it.
    prepared_stage: bool
    # The question was already there when the answer was stored.
    ready_at_answer: bool


@dataclass
class Candidate:
    """One simulated candidate: logs in, starts, answers each question as soon as it is shown."""

    base_url: str
    email: str
    headers: dict[str, str]
    interview_id: str
    # Where this candidate worked: it opens every answer, so no two candidates give the same
    # answer (identical ones would share one evaluation through the evaluator's reply memo,
    # and the engine's prompt cache, and load the machine less than real candidates do).
    employer: str = "Northwind"
    samples: list[TurnSample] = field(default_factory=list)
    error: str | None = None

    def run(self, turns: int, think_s: float, delay_s: float = 0.0) -> None:
        time.sleep(delay_s)  # when this candidate opens the interview
        try:
            self._run(turns, think_s)
        except Exception as exc:  # reported in the JSON; the other candidates go on
            self.error = f"{type(exc).__name__}: {exc}"

    def _run(self, turns: int, think_s: float) -> None:
        with httpx.Client(base_url=self.base_url, headers=self.headers, timeout=90) as client:
            state = _ok(client.post(f"/api/v1/interviews/{self.interview_id}/start", json={}))
            state = self._wait_for_question(client, state)
            for index in range(turns):
                time.sleep(think_s)  # reading the question and answering it
                turn = state["current_turn"]
                submitted = time.monotonic()
                accepted = _ok(
                    client.post(
                        f"/api/v1/interviews/{self.interview_id}/turns/{turn['id']}/answer",
                        json={
                            "text": f"At {self.employer}: {ANSWERS[index % len(ANSWERS)]}",
                            "idempotency_key": secrets.token_hex(8),
                        },
                    )
                )
                state = accepted["state"]
                if state["phase"] == "finished":
                    return
                next_turn = state["current_turn"]
                state = self._wait_for_question(client, state)
                shown = time.monotonic()
                if next_turn["stage_type"] != "template":
                    self.samples.append(
                        TurnSample(
                            question_shown_s=shown - submitted,
                            question_source=str(state["current_turn"]["question_source"]),
                            prepared_stage=next_turn["stage_type"] != "followup",
                            ready_at_answer=next_turn["question_text"] is not None,
                        )
                    )

    def _wait_for_question(self, client: httpx.Client, state: dict[str, Any]) -> dict[str, Any]:
        deadline = time.monotonic() + GENERATION_TIMEOUT_S + 60
        while state["phase"] != "answering":
            if time.monotonic() > deadline:
                raise TimeoutError(f"no question after {GENERATION_TIMEOUT_S + 60}s: {state}")
            state = _ok(
                client.get(f"/api/v1/interviews/{self.interview_id}", params={"wait_s": 30})
            )
        return state


def _ok(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        raise RuntimeError(f"{response.request.url} -> {response.status_code}: {response.text}")
    return response.json()  # type: ignore[no-any-return]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return round(ordered[min(rank, len(ordered)) - 1], 3)


@dataclass
class Services:
    """PostgreSQL, Redis and the API, shared by both configurations."""

    data_dir: Path
    # Settings of this run on top of the caller's environment.
    overrides: dict[str, str] = field(default_factory=lambda: dict(COMMON_ENV))
    postgres: EmbeddedPostgres | None = None
    redis: LocalRedis | None = None
    api: subprocess.Popen[bytes] | None = None
    engines: list[subprocess.Popen[bytes]] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    base_url: str = ""

    def start(self) -> None:
        self.postgres = EmbeddedPostgres(self.data_dir / "postgres")
        self.redis = LocalRedis(self.data_dir / "redis")
        self.env = {
            **os.environ,
            **self.overrides,
            "DATA_DIR": str(self.data_dir),
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": self.postgres.start(),
            "REDIS_URL": self.redis.start(),
        }
        python = sys.executable
        self.start_engines()
        for command in ("migrate", "seed-demo"):
            subprocess.run([python, "-m", "interview_core.cli", command], env=self.env, check=True)
        port = _free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.api = subprocess.Popen(
            [
                *(python, "-m", "uvicorn", "interview_core.main:create_app", "--factory"),
                *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
            ],
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                time.sleep(0.5)
        raise TimeoutError("API did not start")

    def start_engines(self) -> None:
        """The engines for both configurations, started like the run command starts them: the
        question engine, and the evaluation engine where EVALUATION_ENGINE=own."""
        from ai_worker.llm.engine import endpoint_of, spawn_engine, wait_until_ready
        from ai_worker.llm.settings import EvaluationEngine

        questions = LLMSettings(data_dir=self.data_dir)
        engines = [questions]
        if questions.evaluation_engine is EvaluationEngine.OWN:
            engines.append(questions.for_evaluation_engine())
        for settings in engines:
            log = (self.data_dir / f"llm-engine-{settings.llm_engine_for}.log").open("wb")
            engine = spawn_engine(settings, log, self.env, start_new_session=True)
            self.engines.append(engine)
            wait_until_ready(settings, endpoint_of(settings), engine)

    def recruiter_headers(self) -> dict[str, str]:
        lines = (self.data_dir / "demo_credentials.txt").read_text().splitlines()
        email, password = next(line for line in lines if "Recruiter" in line).split()[-3::2]
        return self.login(email, password)

    def login(self, email: str, password: str) -> dict[str, str]:
        tokens = _ok(
            httpx.post(
                f"{self.base_url}/api/v1/auth/login", json={"email": email, "password": password}
            )
        )
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    def stop(self) -> None:
        for process in [self.api, *self.engines]:
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        if self.redis:
            self.redis.stop()
        if self.postgres:
            self.postgres.stop()


CORE_WORKER = (["-m", "interview_core.broker.worker", "--role", "core"], {})
WORKER_CONFIGURATIONS: dict[str, list[tuple[list[str], dict[str, str]]]] = {
    "platform": [
        CORE_WORKER,
        (["-m", "ai_worker", "--role", "gpu"], {}),
        (["-m", "ai_worker", "--role", "cpu"], {}),
    ],
    "serialised": [
        (
            [
                *("-m", "celery", "-A", "ai_worker._runtime.celery_app", "worker"),
                *("-Q", "gpu_queue,cpu_queue", "--pool", "solo", "--concurrency", "1"),
                *("--without-mingle", "--without-gossip", "--loglevel", "WARNING"),
            ],
            {"WORKER_ROLE": "gpu"},
        ),
        CORE_WORKER,
    ],
}


class Bench:
    def __init__(
        self, services: Services, turns: int, think_s: float, scenario: str = "default"
    ) -> None:
        self.services = services
        self.turns = turns
        self.candidates_made = 0
        self.think_s = think_s
        self.recruiter = services.recruiter_headers()
        job = _ok(
            httpx.post(
                f"{services.base_url}/api/v1/jobs",
                headers=self.recruiter,
                json={
                    "title": "Backend engineer",
                    "description": "Build and operate Python web services with PostgreSQL and "
                    "Redis. Own features end to end, review code and mentor juniors.",
                    "language": "en",
                    "scenario_key": scenario,
                },
            )
        )
        self.job_id = str(job["id"])

    def candidate(self) -> Candidate:
        """Invited first: registering with the invite token proves the address (it was mailed
        there), so the account exists at once and the interview is bound to it."""
        base = self.services.base_url
        email = f"bench-{secrets.token_hex(5)}@example.com"
        created = _ok(
            httpx.post(
                f"{base}/api/v1/interviews",
                headers=self.recruiter,
                json={"job_id": self.job_id, "candidate_email": email},
            )
        )
        interview_id = created["interview"]["id"]
        _ok(
            httpx.post(
                f"{base}/api/v1/auth/register",
                json={
                    "email": email,
                    "password": PASSWORD,
                    "full_name": "Bench Candidate",
                    "invite_token": created["invite_token"],
                },
            )
        )
        headers = self.services.login(email, PASSWORD)
        _ok(
            httpx.post(
                f"{base}/api/v1/interviews/accept",
                headers=headers,
                json={"token": created["invite_token"]},
            )
        )
        self.candidates_made += 1
        employer = f"{EMPLOYERS[self.candidates_made % len(EMPLOYERS)]} ({self.candidates_made})"
        return Candidate(base, email, headers, interview_id, employer)

    def run_level(
        self,
        concurrency: int,
        lockstep: bool = False,
        turns: int | None = None,
        think_s: float | None = None,
    ) -> dict[str, Any]:
        """`lockstep`: every candidate starts at once and so answers in the same second, the
        worst case; otherwise starts are spread evenly over one answer's time, as candidates
        who open their invitations independently are."""
        turns = turns or self.turns
        think_s = self.think_s if think_s is None else think_s
        # A fresh sign-in per level: at 45 s answers a whole run outlives an access token.
        self.recruiter = self.services.recruiter_headers()
        candidates = [self.candidate() for _ in range(concurrency)]
        started = time.monotonic()
        spacing = 0.0 if lockstep else think_s / concurrency
        # Daemon threads: Ctrl-C reaches the cleanup instead of waiting on a long poll.
        runners = [
            threading.Thread(target=c.run, args=(turns, think_s, i * spacing), daemon=True)
            for i, c in enumerate(candidates)
        ]
        for runner in runners:
            runner.start()
        for runner in runners:
            while runner.is_alive():
                runner.join(timeout=1.0)
        samples = [s for c in candidates for s in c.samples]
        sources = [s.question_source for s in samples]
        return {
            "concurrent_interviews": concurrency,
            "arrival": "lockstep" if lockstep else "staggered",
            "think_s": think_s,
            "wall_s": round(time.monotonic() - started, 2),
            "measured_turns": len(samples),
            # Every non-template question: what the candidate waits for after an answer. No
            # draft is streamed, so the first visible token arrives with the whole question.
            "next_question_shown_s": _distribution([s.question_shown_s for s in samples]),
            "prepared_question_shown_s": _distribution(
                [s.question_shown_s for s in samples if s.prepared_stage]
            ),
            "follow_up_shown_s": _distribution(
                [s.question_shown_s for s in samples if not s.prepared_stage]
            ),
            "prepared_ready_at_answer": sum(s.ready_at_answer for s in samples if s.prepared_stage),
            "fallback_questions": sum(1 for s in sources if s == "bank_fallback"),
            "question_sources": {s: sources.count(s) for s in sorted(set(sources))},
            "errors": [c.error for c in candidates if c.error],
        }


EVALUATIONS_SETTLE_S = 900.0


def evaluation_latency(database_url: str, since: datetime) -> dict[str, Any]:
    """Per-answer evaluation time of the answers given since `since` (the worker stores each
    run's latency), once none of them is still waiting for its evaluation."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        deadline = time.monotonic() + EVALUATIONS_SETTLE_S
        with engine.connect() as connection:
            while time.monotonic() < deadline:
                pending = connection.execute(
                    sa.text(
                        "SELECT count(*) FROM turns WHERE answered_at >= :since "
                        "AND evaluation_status = 'pending'"
                    ),
                    {"since": since},
                ).scalar_one()
                if not pending:
                    break
                time.sleep(2.0)
            rows = connection.execute(
                sa.text(
                    "SELECT e.latency_ms, e.evaluator FROM turn_evaluations e "
                    "JOIN turns t ON t.id = e.turn_id WHERE t.answered_at >= :since"
                ),
                {"since": since},
            ).all()
    finally:
        engine.dispose()
    seconds = [row.latency_ms / 1000 for row in rows if row.latency_ms is not None]
    return {
        "per_answer_s": _distribution(seconds),
        "evaluators": dict(Counter(row.evaluator for row in rows)),
        "still_pending": bool(pending),
    }


def _distribution(values: list[float]) -> dict[str, Any]:
    return {
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "mean": round(statistics.fmean(values), 3) if values else None,
        "samples": len(values),
    }


def start_workers(configuration: str, env: dict[str, str], log_dir: Path) -> list[Any]:
    workers = []
    for index, (argv, extra) in enumerate(WORKER_CONFIGURATIONS[configuration]):
        log = (log_dir / f"{configuration}-{index}.log").open("wb")
        workers.append(
            subprocess.Popen(
                [sys.executable, *argv],
                env={**env, **extra},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return workers


def stop_workers(workers: list[Any]) -> None:
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument(
        "--turns",
        type=int,
        default=6,
        help="answers per candidate (6: four prepared questions and two follow-ups)",
    )
    parser.add_argument(
        "--think-s",
        type=float,
        default=45.0,
        help="seconds each candidate takes before answering: 45 s, a spoken answer of a few "
        "sentences; 15 s (with --output for its own file) is a stress run",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="the JSON to write")
    parser.add_argument(
        "--lockstep-levels",
        type=int,
        nargs="*",
        default=[10],
        help="levels also run with every candidate answering in the same second (worst case)",
    )
    parser.add_argument("--keep-logs", type=Path, help="copy the workers' logs here")
    parser.add_argument(
        "--configurations", nargs="+", choices=list(WORKER_CONFIGURATIONS), default=None
    )
    args = parser.parse_args()
    report: dict[str, Any] = {
        "scenario": "default",
        "answers_per_candidate": args.turns,
        "think_s": args.think_s,
        "measured": "answers followed by a non-template question",
        "evaluation": "the platform default (the model's evidence checks; EVALUATION_LLM="
        f"in_process; EVALUATION_ENGINE={LLMSettings().evaluation_engine.value})",
        "settings": COMMON_ENV,
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor()},
        "configurations": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-turns-") as tmp:
        services = Services(Path(tmp))
        try:
            services.start()
            bench = Bench(services, args.turns, args.think_s)
            for configuration in args.configurations or list(WORKER_CONFIGURATIONS):
                workers = start_workers(configuration, services.env, Path(tmp))
                try:
                    # Warm-up: models load at worker start; an unmeasured follow-up proves
                    # it. Then its answers' evaluations finish before the first level.
                    warm = bench.run_level(1, turns=3, think_s=2.0)
                    if warm["errors"]:
                        raise RuntimeError(f"{configuration} warm-up failed: {warm['errors']}")
                    time.sleep(WARM_UP_SETTLE_S)
                    levels = []
                    runs = [(level, False) for level in args.levels]
                    runs += [(level, True) for level in args.lockstep_levels]
                    for level, lockstep in runs:
                        since = datetime.now(UTC)
                        result = bench.run_level(level, lockstep)
                        result["evaluation"] = evaluation_latency(
                            services.env["DATABASE_URL"], since
                        )
                        print(configuration, json.dumps(result), flush=True)
                        levels.append(result)
                    report["configurations"][configuration] = levels
                finally:
                    stop_workers(workers)
        finally:
            services.stop()
            if args.keep_logs:
                args.keep_logs.mkdir(parents=True, exist_ok=True)
                for log in Path(tmp).glob("*.log"):
                    shutil.copy(log, args.keep_logs / log.name)
    report["ratio_p95_serialised_over_platform"] = {
        f"{p['concurrent_interviews']}{' lockstep' if p.get('arrival') == 'lockstep' else ''}": (
            round(s["next_question_shown_s"]["p95"] / p["next_question_shown_s"]["p95"], 2)
            if p["next_question_shown_s"]["p95"] and s["next_question_shown_s"]["p95"]
            else None
        )
        for p, s in zip(
            report["configurations"].get("platform", []),
            report["configurations"].get("serialised", []),
            strict=False,
        )
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
