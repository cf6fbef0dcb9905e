"""The README's run command: the whole platform on one machine, embedded defaults included.

Starts PostgreSQL (pgvector) and Redis when DATABASE_URL / REDIS_URL are not set, applies
migrations, seeds the demo organisation, then runs the LLM engine, the API, both worker roles
and Celery beat as child processes until interrupted. Data stays in the data directory across
restarts.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from interview_core.localrun.postgres import EmbeddedPostgres
from interview_core.localrun.redis_server import LocalRedis

READY_TIMEOUT_S = 300.0


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
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.setdefault("DATA_DIR", str(self.data_dir.resolve()))
        env.setdefault("SECRET_KEY", load_or_create_secret(self.data_dir))
        if not env.get("DATABASE_URL"):
            self.postgres = EmbeddedPostgres(self.data_dir / "postgres")
            env["DATABASE_URL"] = self.postgres.start()
        if not env.get("REDIS_URL"):
            self.redis = LocalRedis(self.data_dir / "redis")
            env["REDIS_URL"] = self.redis.start()
        if self.frontend_dist and self.frontend_dist.is_dir():
            env.setdefault("FRONTEND_DIST_DIR", str(self.frontend_dist.resolve()))
        env.setdefault("PUBLIC_BASE_URL", f"http://{self.host}:{self.port}")
        return env

    def start(self) -> dict[str, str]:
        env = self.environment()
        python = sys.executable
        subprocess.run([python, "-m", "interview_core.cli", "migrate"], env=env, check=True)
        subprocess.run([python, "-m", "interview_core.cli", "seed-demo"], env=env, check=True)
        commands: dict[str, list[str]] = {}
        if env.get("LLM_BACKEND", "llamacpp").lower() == "llamacpp":
            # This machine's LLM engine (llama.cpp's server on the embedded model), first: the
            # GPU worker waits for it to load, then reaches it on loopback with its key.
            commands["llm engine"] = [python, "-m", "ai_worker", "--role", "engine"]
        commands |= {
            "api": [
                python,
                "-m",
                "uvicorn",
                "interview_core.main:create_app",
                "--factory",
                "--host",
                self.host,
                "--port",
                str(self.port),
            ],
            "gpu worker": [python, "-m", "ai_worker", "--role", "gpu"],
            "cpu worker": [python, "-m", "ai_worker", "--role", "cpu"],
            # Sends the periodic tasks (retention) to the CPU worker; its schedule file is
            # kept in the data directory.
            "scheduler": [python, "-m", "ai_worker", "--role", "beat"],
        }
        for name, command in commands.items():
            self.children[name] = subprocess.Popen(command, env=env)
        return env

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        last: dict[str, Any] = {}
        while time.monotonic() < deadline:
            for name, child in self.children.items():
                if child.poll() is not None:
                    raise RuntimeError(f"{name} exited with {child.returncode}")
            try:
                response = httpx.get(f"http://{self.host}:{self.port}/readyz", timeout=5)
                last = response.json()
                if response.status_code == 200:
                    return last
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise TimeoutError(f"platform not ready after {timeout_s}s: {last}")

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in self.children.values():
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        self.children.clear()
        if self.redis:
            self.redis.stop()
        if self.postgres:
            self.postgres.stop()


def run_forever(platform: LocalPlatform) -> None:
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        env = platform.start()
        ready = platform.wait_ready()
        workers = {q["queue"]: q["workers"] for q in ready.get("queues", [])}
        url = env["PUBLIC_BASE_URL"]
        demo = platform.data_dir / "demo_credentials.txt"
        print(f"\nThe platform is up at {url}  (API docs: {url}/docs)", flush=True)
        print(f"Workers per queue: {workers}", flush=True)
        if demo.exists():
            print(demo.read_text(), flush=True)
        print("Press Ctrl-C to stop; data is kept in", platform.data_dir.resolve(), flush=True)
        while not stopping:
            for name, child in platform.children.items():
                if child.poll() is not None:
                    print(f"{name} exited with {child.returncode}; stopping", flush=True)
                    stopping = True
            time.sleep(0.5)
    finally:
        platform.stop()
