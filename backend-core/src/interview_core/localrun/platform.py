"""The README's run command: the whole platform on one machine, embedded defaults included.

`LocalPlatform.processes()` is the table of what runs: PostgreSQL and Redis (unless
DATABASE_URL / REDIS_URL point elsewhere), then, once the database is migrated and the demo
organisation seeded, the LLM engine(s), the API, the core worker, both inference worker
roles and Celery beat. The supervisor (supervision.py) keeps each running: a process that dies
is restarted while the rest keeps serving, and Ctrl-C stops them all. The console says what
happens in a few lines; each process's own output is in `<data dir>/logs/<name>.log`. Data
stays in the data directory across restarts.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import httpx

from interview_contracts.queues import WorkerRole
from interview_core.localrun.console import Console
from interview_core.localrun.postgres import EmbeddedPostgres
from interview_core.localrun.redis_server import LocalRedis, free_port
from interview_core.localrun.supervision import ProcessSpec, ReadinessProbe, State, Supervisor

if TYPE_CHECKING:
    from ai_worker.llm.settings import LLMSettings

LOGS_DIR = "logs"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_MAIL_PORT = 8025
SERVICES_READY_TIMEOUT_S = 120.0
# C++ libraries' own logging (TensorFlow Lite, absl as used by MediaPipe, glog): warnings and
# errors only, so the workers' logs hold what matters. An operator's own setting wins.
QUIET_NATIVE_LOGS = {"TF_CPP_MIN_LOG_LEVEL": "1", "GLOG_minloglevel": "1"}


def load_or_create_secret(data_dir: Path) -> str:
    """A strong signing key generated once and kept, readable by the owner only."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass
class LocalPlatform:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    frontend_dist: Path | None = None
    postgres: EmbeddedPostgres | None = None
    redis: LocalRedis | None = None
    # The local mail sink's port when no SMTP relay is configured (set by environment()).
    mail_port: int | None = None

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / LOGS_DIR

    @property
    def local_url(self) -> str:
        """Where this machine reaches the API, whatever address it listens on."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    def environment(self) -> dict[str, str]:
        """Every process's environment; prepares the embedded services' data directories."""
        env = {**QUIET_NATIVE_LOGS, **os.environ}
        # Output reaches the log files as it is written, not when a pipe's buffer fills.
        env.setdefault("PYTHONUNBUFFERED", "1")
        env.setdefault("DATA_DIR", str(self.data_dir.resolve()))
        env.setdefault("SECRET_KEY", load_or_create_secret(self.data_dir))
        if not env.get("DATABASE_URL"):
            self.postgres = EmbeddedPostgres(self.data_dir / "postgres")
            env["DATABASE_URL"] = self.postgres.prepare_foreground()
        if not env.get("REDIS_URL"):
            self.redis = LocalRedis(self.data_dir / "redis")
            env["REDIS_URL"] = self.redis.url
        if self.frontend_dist and self.frontend_dist.is_dir():
            env.setdefault("FRONTEND_DIST_DIR", str(self.frontend_dist.resolve()))
        env.setdefault("PUBLIC_BASE_URL", f"http://{self.host}:{self.port}")
        # The API's /readyz says when the engine that writes questions is missing.
        engine_url = _question_engine_url(Path(env["DATA_DIR"]))
        if engine_url is not None:
            env.setdefault("QUESTION_ENGINE_URL", engine_url)
        self.mail_port = None
        if env.get("SMTP_HOST", "127.0.0.1") in LOOPBACK_HOSTS:
            # No relay configured: a local sink keeps every message under DATA_DIR/mail.
            self.mail_port = free_port(int(env.get("SMTP_PORT") or DEFAULT_MAIL_PORT))
            env["SMTP_HOST"], env["SMTP_PORT"] = "127.0.0.1", str(self.mail_port)
        return env

    def processes(self) -> list[ProcessSpec]:
        """The process table, in start order (stopped in reverse). One entry per process."""
        python = sys.executable
        table: list[ProcessSpec] = []
        if self.postgres is not None:
            table.append(
                ProcessSpec(
                    "postgres",
                    self.postgres.foreground_command(),
                    ready=_always(self.postgres.answers),
                    needs_database=False,
                    user=self.postgres.system_user,
                    stop_signal=signal.SIGINT,  # "fast" shutdown: it never waits on clients
                )
            )
        if self.redis is not None:
            table.append(
                ProcessSpec(
                    "redis",
                    self.redis.command(),
                    ready=_always(self.redis.answers),
                    needs_database=False,
                )
            )
        if self.mail_port is not None:
            table.append(
                ProcessSpec(
                    "mail",
                    [
                        *(python, "-m", "interview_core.mail.sink"),
                        *("--data-dir", str(self.data_dir.resolve())),
                        *("--host", "127.0.0.1", "--port", str(self.mail_port)),
                    ],
                    ready=_always(lambda: _accepts("127.0.0.1", self.mail_port)),
                    needs_database=False,
                )
            )
        table += _engines(python)
        listen = ["--host", self.host, "--port", str(self.port)]
        table += [
            ProcessSpec(
                "api",
                [python, "-m", "uvicorn", "interview_core.main:create_app", "--factory", *listen],
                ready=_always(lambda: _answers(f"{self.local_url}/healthz")),
            ),
            ProcessSpec(
                "gpu-worker",
                [python, "-m", "ai_worker", "--role", "gpu"],
                ready=_consuming(WorkerRole.GPU),
            ),
            ProcessSpec(
                "cpu-worker",
                [python, "-m", "ai_worker", "--role", "cpu"],
                ready=_consuming(WorkerRole.CPU),
            ),
            # The backend's database work: inference requests built, results stored,
            # interviews advanced, reports, the sweep and retention.
            ProcessSpec(
                "core-worker",
                [python, "-m", "interview_core.broker.worker", "--role", "core"],
                ready=_consuming(WorkerRole.CORE),
            ),
            # Sends the periodic tasks (retention, the stale-work sweep) to the core worker;
            # its schedule file is kept in the data directory.
            ProcessSpec(
                "scheduler", [python, "-m", "interview_core.broker.worker", "--role", "beat"]
            ),
        ]
        return table

    def prepare_database(self, env: dict[str, str], console: Console) -> None:
        """Migrations and the demo seed, their output in `setup.log`."""
        if self.postgres is not None:
            self.postgres.ensure_foreground_database()
        log = self.logs_dir / "setup.log"
        console.status("migrating the database, seeding the demo organisation")
        for step in ("migrate", "seed-demo"):
            with log.open("ab") as out:
                # A session of its own: a Ctrl-C now stops the platform after this step, never
                # a migration half way.
                done = subprocess.run(
                    [sys.executable, "-m", "interview_core.cli", step],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    check=False,
                )
            if done.returncode != 0:
                tail = log.read_text(errors="replace")[-3000:]
                raise PlatformStartError(f"`{step}` failed (see {log}):\n{tail}")
        console.status("")
        console.info("database migrated; demo organisation ready")

    def sign_in_lines(self) -> list[str]:
        url = self.local_url
        lines = [f"The platform is up at {url}  (API docs: {url}/docs)"]
        credentials = self.data_dir / "demo_credentials.txt"
        recruiter = _recruiter_sign_in(credentials)
        if recruiter:
            lines.append(f"Sign in as {recruiter}  (every demo account: {credentials})")
        mail = f"   Mail sent: {self.data_dir}/mail/" if self.mail_port is not None else ""
        lines.append(
            f"Logs: {self.logs_dir}/<process>.log{mail}   Ctrl-C stops everything; "
            f"data stays in {self.data_dir}"
        )
        return lines


class PlatformStartError(RuntimeError):
    """A step before the platform could serve failed; the message says which and why."""


def _always(check: Callable[[], bool]) -> ReadinessProbe:
    """A probe that needs no pid."""
    return lambda _pid: check()


def _accepts(host: str, port: int | None) -> bool:
    try:
        with socket.create_connection((host, port or 0), timeout=1):
            return True
    except OSError:
        return False


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _consuming(role: WorkerRole) -> ReadinessProbe:
    """Ready once this very process consumes its queue: a worker's Celery name ends with its
    pid (ai_worker/__main__.py, broker/worker.py), and an inference worker consumes only after
    loading its models."""

    def probe(pid: int) -> bool:
        from interview_core.health.service import live_workers_by_queue

        return any(name.endswith(f"-{pid}") for name in live_workers_by_queue()[role.queue.value])

    return probe


def _engines(python: str) -> list[ProcessSpec]:
    """This machine's llama.cpp engines when the settings use them: the question engine, and
    the evaluation engine when answers are read by the model on an engine of their own. Started
    here, a worker never has to start one detached (llm/engine.py)."""
    from ai_worker.llm.settings import EvaluationEngine, EvaluationLLM, LLMBackend, LLMSettings

    settings = LLMSettings()
    if settings.llm_backend is not LLMBackend.LLAMACPP:
        return []
    engines = [_engine("llm-engine", python, settings)]
    if (
        settings.evaluation_llm is EvaluationLLM.IN_PROCESS
        and settings.evaluation_engine is EvaluationEngine.OWN
    ):
        engines.append(_engine("evaluation-engine", python, settings.for_evaluation_engine()))
    return engines


def _question_engine_url(data_dir: Path) -> str | None:
    """Where the question engine this command starts answers (its port is chosen once per
    data directory, llm/engine.py); None when the settings use no engine of this machine."""
    from ai_worker.llm.engine import endpoint_of
    from ai_worker.llm.settings import LLMBackend, LLMSettings

    settings = LLMSettings(data_dir=data_dir)
    if settings.llm_backend is not LLMBackend.LLAMACPP:
        return None
    return endpoint_of(settings).root


def _engine(name: str, python: str, settings: "LLMSettings") -> ProcessSpec:
    from ai_worker.llm.engine import endpoint_of, is_ready

    return ProcessSpec(
        name,
        [python, "-m", "ai_worker", "--role", "engine"],
        ready=_always(lambda: is_ready(endpoint_of(settings))),
        env={"LLM_ENGINE_FOR": settings.llm_engine_for.value},
        progress=lambda: _model_assembly(settings.resolved_cache_dir),
    )


def _model_assembly(cache_dir: Path) -> str | None:
    """How far the first start's assembly of the packaged model has got (llm/embedded.py
    writes it to a temporary sibling of the final file, then renames it)."""
    from ai_worker.llm.embedded import INTERVIEWER_GGUF

    for staging in cache_dir.glob(f".{INTERVIEWER_GGUF.file_name}-*"):
        share = staging.stat().st_size / INTERVIEWER_GGUF.size
        return f"assembling the model, once: {share:.0%}"
    return None


def _recruiter_sign_in(credentials: Path) -> str | None:
    """`email / password` of the demo recruiter, from the file the seed writes."""
    try:
        lines = credentials.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        role, _, account = line.strip().partition(":")
        if role == "Recruiter" and " / " in account:
            return account.strip()
    return None


def _stop_engines_left_running(data_dir: Path) -> None:
    """An engine a worker started detached while ours was down runs in a session of its own;
    stop it too, so that Ctrl-C leaves nothing behind. llm/engine.py records each engine's pid
    in its directory (`engine*/pid`)."""
    for record in data_dir.glob("engine*/pid"):
        try:
            pid = int(record.read_text().strip())
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if b"llama-server" in command or b"--role\x00engine" in command:
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                if not Path(f"/proc/{pid}").exists():
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)


class StopRequest:
    """SIGINT/SIGTERM/SIGHUP ask the platform to stop; a second one hurries the stop."""

    def __init__(self) -> None:
        self.requested = False
        self.supervisor: Supervisor | None = None
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._handle)

    def _handle(self, _signum: int, _frame: FrameType | None) -> None:
        if self.requested and self.supervisor is not None:
            self.supervisor.hurry()
        self.requested = True


def run_forever(platform: LocalPlatform, console: Console) -> None:
    stop = StopRequest()
    supervisor: Supervisor | None = None
    try:
        env = platform.environment()
        if stop.requested:
            return
        # The supervisor's own readiness probes (worker queues) read the same settings.
        os.environ.update(env)
        supervisor = Supervisor(platform.processes(), env, platform.logs_dir, console)
        stop.supervisor = supervisor
        table = list(supervisor.processes.values())
        services = [p.spec.name for p in table if not p.spec.needs_database]
        applications = [p.spec.name for p in table if p.spec.needs_database]
        if services:
            supervisor.start(services)
            supervisor.run_until(
                lambda: stop.requested or supervisor.settled(services), SERVICES_READY_TIMEOUT_S
            )
            if stop.requested:
                return
            failed = [n for n in services if supervisor.states()[n] is not State.READY]
            if failed:
                raise PlatformStartError(
                    f"{', '.join(failed)} did not start; see {platform.logs_dir}"
                )
        platform.prepare_database(env, console)
        if stop.requested:
            return
        supervisor.start(applications)
        supervisor.run_until(lambda: stop.requested or supervisor.settled(supervisor.processes))
        if not stop.requested:
            for line in platform.sign_in_lines():
                console.plain(line)
        supervisor.run_until(lambda: stop.requested)
    except PlatformStartError as exc:
        console.error(str(exc))
        raise SystemExit(1) from exc
    finally:
        if supervisor is not None:
            console.info("stopping")
            supervisor.stop()
        _stop_engines_left_running(platform.data_dir)
        if supervisor is not None:
            console.info(f"stopped; data kept in {platform.data_dir}")
