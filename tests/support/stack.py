"""Start and stop the real services and worker processes the tests run against."""

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from interview_contracts.queues import Queue, WorkerRole
from interview_core.localrun.postgres import EmbeddedPostgres
from interview_core.localrun.redis_server import LocalRedis, free_port
from tests.support.mail import MailSink

WORKER_READY_TIMEOUT_S = 120.0
SEAM_GUARD = Path(__file__).with_name("seam_guard")
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the worker before exec: Linux sends it SIGTERM when the test process dies, even by
    SIGKILL, so no worker outlives its session and consumes a later session's queues."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class WorkerProcess:
    role: WorkerRole
    process: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes]
    # Where its main process serves Prometheus metrics (tests/observability scrapes it).
    metrics_port: int | None = None

    def log(self) -> str:
        self.log_file.flush()
        return self.log_path.read_text(errors="replace")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class TestStack:
    data_dir: Path
    artifacts: Path
    postgres: EmbeddedPostgres | None = None
    redis: LocalRedis | None = None
    engine: subprocess.Popen[bytes] | None = None
    mail_sink: MailSink | None = None
    workers: dict[WorkerRole, WorkerProcess] = field(default_factory=dict)

    def start_services(self) -> None:
        self.postgres = EmbeddedPostgres(self.data_dir / "postgres")
        self.postgres.start()
        # The SMTP sink the API sends to, as in the embedded run: messages under data_dir/mail.
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self.mail_sink = MailSink(
            self.data_dir, self.artifacts / f"mail-sink-{int(time.time() * 1000)}.log"
        )
        self.mail_sink.start(preexec_fn=_die_with_parent)
        # A random port: never one that a worker left behind by an earlier, killed run could
        # still be reconnecting to.
        self.redis = LocalRedis(self.data_dir / "redis", port=free_port(), persist=True)
        self.redis.start()
        self.start_engine()

    def start_engine(self) -> None:
        """llama.cpp's server on the embedded model, as the run command starts it; the GPU
        worker finds it through the data directory. It dies with the test process."""
        from ai_worker.llm.engine import endpoint_of, spawn_engine, wait_until_ready
        from ai_worker.llm.settings import LLMSettings

        self.artifacts.mkdir(parents=True, exist_ok=True)
        log = (self.artifacts / f"llm-engine-{int(time.time() * 1000)}.log").open("wb")
        settings = LLMSettings()
        self.engine = spawn_engine(
            settings, log, start_new_session=True, preexec_fn=_die_with_parent
        )
        wait_until_ready(settings, endpoint_of(settings), self.engine)

    def stop_engine(self) -> None:
        if self.engine is not None and self.engine.poll() is None:
            self.engine.terminate()
            try:
                self.engine.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.engine.kill()
                self.engine.wait()
        self.engine = None

    @property
    def database_url(self) -> str:
        assert self.postgres is not None
        return self.postgres.url

    @property
    def redis_url(self) -> str:
        assert self.redis is not None
        return self.redis.url

    def migrate(self) -> None:
        from interview_core.db.migrate import upgrade_to_head

        upgrade_to_head(self.database_url)

    def worker_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update({"DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url})
        env.update(extra or {})
        return env

    def inference_worker_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """An inference worker gets a broker URL and no database, and cannot import the
        backend's package (seam_guard): it must work from the requests alone."""
        env = {k: v for k, v in self.worker_env(extra).items() if k != "DATABASE_URL"}
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(SEAM_GUARD), env.get("PYTHONPATH", "")])
        )
        return env

    def start_worker(
        self, role: WorkerRole, extra_env: dict[str, str] | None = None, wait: bool = True
    ) -> WorkerProcess:
        self.artifacts.mkdir(parents=True, exist_ok=True)
        log_path = self.artifacts / f"worker-{role.value}-{int(time.time() * 1000)}.log"
        log_file = log_path.open("wb")
        metrics_port = free_port()
        env = {f"{role.value.upper()}_WORKER_METRICS_PORT": str(metrics_port), **(extra_env or {})}
        if role is WorkerRole.CORE:
            command = ["-m", "interview_core.broker.worker", "--role", role.value]
            process_env = self.worker_env(env)
        else:
            command = ["-m", "ai_worker", "--role", role.value]
            process_env = self.inference_worker_env(env)
        process = subprocess.Popen(
            [sys.executable, *command],
            env=process_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        worker = WorkerProcess(role, process, log_path, log_file, metrics_port)
        self.workers[role] = worker
        if wait:
            self.wait_for_queue(role.queue, worker)
        return worker

    def start_workers(self) -> dict[str, WorkerProcess]:
        for role in WorkerRole:
            self.start_worker(role, wait=False)
        for role in WorkerRole:
            self.wait_for_queue(role.queue, self.workers[role])
        self.warm_up()
        return {role.value: worker for role, worker in self.workers.items()}

    def warm_up(self) -> None:
        """Have each worker process import its libraries and load the encoder once, so the
        first tests measure the platform, not a cold start of a fresh virtualenv."""
        from interview_contracts.embeddings import EmbedQueryPayload
        from interview_contracts.payloads import PingPayload
        from interview_contracts.tasks import TaskName
        from interview_core.broker.client import send

        results = [
            send(TaskName.PING_GPU, PingPayload(nonce="warm-up")),
            *(send(TaskName.EMBED_QUERY, EmbedQueryPayload(text="warm up")) for _ in range(2)),
        ]
        for result in results:
            result.get(timeout=WORKER_READY_TIMEOUT_S * 2)

    def wait_for_queue(self, queue: Queue, worker: WorkerProcess) -> None:
        from interview_core.health.service import live_workers_by_queue

        deadline = time.monotonic() + WORKER_READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if not worker.alive:
                raise RuntimeError(f"worker exited early:\n{worker.log()[-4000:]}")
            try:
                if live_workers_by_queue().get(queue.value):
                    return
            except (RedisConnectionError, BrokerOperationalError):
                pass  # a pooled connection from before a Redis restart: the next try reconnects
            time.sleep(0.5)
        raise TimeoutError(f"no worker on {queue} after {WORKER_READY_TIMEOUT_S}s")

    def kill_worker(self, role: WorkerRole, sig: int = signal.SIGKILL) -> None:
        """Kill the worker's whole process group (the main process and its pool children)."""
        worker = self.workers[role]
        os.killpg(worker.process.pid, sig)
        worker.process.wait(timeout=30)

    def stop_worker(self, role: WorkerRole) -> None:
        worker = self.workers.pop(role, None)
        if worker is None:
            return
        if worker.alive:
            os.killpg(worker.process.pid, signal.SIGTERM)
            try:
                worker.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.process.pid, signal.SIGKILL)
                worker.process.wait()
        worker.log_file.close()

    def stop_workers(self) -> None:
        for role in list(self.workers):
            self.stop_worker(role)

    def stop(self) -> None:
        self.stop_workers()
        self.stop_engine()
        if self.mail_sink:
            self.mail_sink.stop()
        if self.redis:
            self.redis.stop()
        if self.postgres:
            self.postgres.stop()
