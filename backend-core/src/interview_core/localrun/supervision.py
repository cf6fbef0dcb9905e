"""Supervision of the run command's processes, from a table of `ProcessSpec`s.

Each process runs in a session (process group) of its own, so the terminal's Ctrl-C reaches
only the run command, which then stops them in reverse order: each its stop signal, then
SIGKILL to whatever is left of its group (Celery's pool children, PostgreSQL's backends). A
process that exits while the platform runs is restarted after an exponential backoff, its
group's leftovers killed first; after `RestartPolicy.give_up_after` crashes in a row, each
within `stable_after_s` of its start, it is given up on, loudly, and the rest keeps running.
Readiness is a probe per process, run in a thread of its own, so a slow probe never delays
noticing an exit.

Every process's output (stdout and stderr) is copied to `<logs>/<name>.log`, rotated by size.

Why a loop of our own rather than supervisord or circus: docs/architecture.md, "Embedded
defaults".
"""

import ctypes
import ctypes.util
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from logging import LogRecord
from logging.handlers import RotatingFileHandler
from pathlib import Path

from interview_core.localrun.console import Console

# A probe gets the process's pid (a worker's Celery name carries it) and says whether it is ready.
ReadinessProbe = Callable[[int], bool]
LOG_MAX_BYTES = 10 * 2**20
LOG_BACKUPS = 3
# A process without a probe counts as ready once it has stayed up this long.
SETTLE_S = 2.0
PROBE_INTERVAL_S = 0.5
TICK_S = 0.2
# Off a terminal (no status line), how often a long start says what it is still waiting for.
STILL_STARTING_EVERY_S = 60.0
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class ProcessSpec:
    """One row of the process table: how to run a process and how to tell it is ready."""

    name: str  # on the console and in `<logs>/<name>.log`
    command: Sequence[str]
    ready: ReadinessProbe | None = None
    # Started once the database is migrated (the API, the workers); False for what the
    # migrations themselves need (PostgreSQL) or what needs no database (Redis).
    needs_database: bool = True
    env: Mapping[str, str] = field(default_factory=dict)  # on top of the platform's
    user: str | None = None  # run as this system user (PostgreSQL refuses root)
    stop_signal: signal.Signals = signal.SIGTERM
    stop_timeout_s: float = 15.0
    # What a long start is doing, for the status line (the model assembly's percentage).
    progress: Callable[[], str | None] | None = None


@dataclass(frozen=True)
class RestartPolicy:
    first_delay_s: float = 1.0
    max_delay_s: float = 30.0
    # A process that ran this long before exiting starts a new count of crashes.
    stable_after_s: float = 60.0
    give_up_after: int = 5

    def delay_s(self, crashes_in_a_row: int) -> float:
        return min(self.max_delay_s, self.first_delay_s * 2.0 ** max(0, crashes_in_a_row - 1))


class State(StrEnum):
    STOPPED = "stopped"
    STARTING = "starting"
    READY = "ready"
    RESTARTING = "restarting"  # waiting out its backoff
    GAVE_UP = "gave up"


@dataclass
class Supervised:
    spec: ProcessSpec
    log: RotatingFileHandler
    state: State = State.STOPPED
    process: "subprocess.Popen[bytes] | None" = None
    started_at: float = 0.0
    restart_at: float = 0.0
    crashes_in_a_row: int = 0
    # Bumped at every start, so a probe thread of an earlier run stops instead of reporting.
    run: int = 0
    output: threading.Thread | None = None


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


_libc_prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl


def _die_with_the_run_command() -> None:
    """In the child before exec: the kernel sends it SIGTERM if the run command dies without
    stopping it (SIGKILL, OOM), so no API or worker outlives it. prctl is looked up once in the
    parent: the child of a threaded parent must do as little as possible before exec."""
    _libc_prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def signal_group(pgid: int, sig: signal.Signals) -> bool:
    """Signal a whole process group; False when none of it is left."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    return True


class Supervisor:
    def __init__(
        self,
        specs: Sequence[ProcessSpec],
        environment: Mapping[str, str],
        logs_dir: Path,
        console: Console,
        policy: RestartPolicy = RestartPolicy(),
    ) -> None:
        names = [spec.name for spec in specs]
        if len(set(names)) != len(names):
            raise ValueError(f"process names must be unique: {names}")
        logs_dir.mkdir(parents=True, exist_ok=True)
        self.environment = dict(environment)
        self.logs_dir = logs_dir
        self.console = console
        self.policy = policy
        self.processes = {
            spec.name: Supervised(spec, self._log_file(logs_dir / f"{spec.name}.log"))
            for spec in specs
        }
        self._lock = threading.Lock()
        self._stopping = False
        self._hurry = False
        self._last_still_starting = time.monotonic()

    @staticmethod
    def _log_file(path: Path) -> RotatingFileHandler:
        handler = RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS)
        handler.terminator = "\n"
        return handler

    def log_path(self, name: str) -> Path:
        return self.logs_dir / f"{name}.log"

    # Starting and watching

    def start(self, names: Iterable[str]) -> None:
        selected = [self.processes[name] for name in names]
        self.console.info("starting " + ", ".join(p.spec.name for p in selected))
        for supervised in selected:
            self._spawn(supervised)

    def _spawn(self, supervised: Supervised) -> None:
        """Only ever called from the main thread: the parent-death signal follows the thread
        that forked the child, not the process."""
        spec = supervised.spec
        supervised.run += 1
        try:
            process = subprocess.Popen(
                list(spec.command),
                env={**self.environment, **spec.env},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=spec.user,
                preexec_fn=_die_with_the_run_command,
            )
        except OSError as exc:  # no such program, no permission: a restart cannot help
            supervised.state = State.GAVE_UP
            self.console.error(f"giving up on {spec.name}: it cannot be started ({exc})")
            return
        supervised.process = process
        supervised.state = State.STARTING
        supervised.started_at = time.monotonic()
        supervised.output = threading.Thread(
            target=self._copy_output, args=(supervised, process), daemon=True
        )
        supervised.output.start()
        threading.Thread(
            target=self._probe, args=(supervised, process, supervised.run), daemon=True
        ).start()

    def _copy_output(self, supervised: Supervised, process: "subprocess.Popen[bytes]") -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            supervised.log.handle(LogRecord(supervised.spec.name, 0, "", 0, line, None, None))
            self.console.child_line(supervised.spec.name, line)

    def _probe(self, supervised: Supervised, process: "subprocess.Popen[bytes]", run: int) -> None:
        probe = supervised.spec.ready
        while not self._stopping and supervised.run == run and process.poll() is None:
            if probe is None:
                ready = time.monotonic() - supervised.started_at >= SETTLE_S
            else:
                try:
                    ready = probe(process.pid)
                except Exception:  # a probe's failure means "not yet"
                    ready = False
            if ready:
                with self._lock:
                    if supervised.run != run or supervised.state is not State.STARTING:
                        return
                    supervised.state = State.READY
                took = time.monotonic() - supervised.started_at
                self.console.good(f"{supervised.spec.name} ready ({took:.0f} s)")
                return
            time.sleep(PROBE_INTERVAL_S)

    def check(self) -> None:
        """One pass over the table: notice exits, restart what is due, show what is starting."""
        now = time.monotonic()
        for supervised in self.processes.values():
            process = supervised.process
            if process is not None and supervised.state in (State.STARTING, State.READY):
                code = process.poll()
                if code is not None:
                    self._exited(supervised, code, now)
            if supervised.state is State.RESTARTING and now >= supervised.restart_at:
                self._spawn(supervised)
        self._show_starting(now)

    def _exited(self, supervised: Supervised, code: int, now: float) -> None:
        name = supervised.spec.name
        assert supervised.process is not None
        # What it left in its group (pool children, database backends) goes too: they hold
        # its ports, locks and shared memory, and a restart needs them.
        signal_group(supervised.process.pid, signal.SIGKILL)
        with self._lock:
            supervised.run += 1
            ran_s = now - supervised.started_at
            stable = ran_s >= self.policy.stable_after_s
            supervised.crashes_in_a_row = 1 if stable else supervised.crashes_in_a_row + 1
            crashes = supervised.crashes_in_a_row
            if crashes >= self.policy.give_up_after:
                supervised.state = State.GAVE_UP
            else:
                supervised.state = State.RESTARTING
                supervised.restart_at = now + self.policy.delay_s(crashes)
        self.console.warning(f"{name} {describe_exit(code)} after {ran_s:.0f} s")
        if supervised.state is State.GAVE_UP:
            self.console.error(
                f"giving up on {name}: it stopped {crashes} times in a row within "
                f"{self.policy.stable_after_s:.0f} s of starting; everything else keeps "
                f"running. See {self.log_path(name)}"
            )
        else:
            delay = supervised.restart_at - now
            self.console.warning(f"restarting {name} in {delay:.3g} s")

    def _show_starting(self, now: float) -> None:
        starting = [p for p in self.processes.values() if p.state is State.STARTING]
        if not starting:
            self.console.status("")
            self._last_still_starting = now
            return
        parts = []
        for supervised in starting:
            part = f"{supervised.spec.name} {now - supervised.started_at:.0f} s"
            if supervised.spec.progress is not None:
                try:
                    detail = supervised.spec.progress()
                except Exception:  # progress is a courtesy; a failure shows nothing
                    detail = None
                if detail:
                    part += f" ({detail})"
            parts.append(part)
        text = "waiting for " + ", ".join(parts)
        if self.console.is_terminal:
            self.console.status(text)
        elif now - self._last_still_starting >= STILL_STARTING_EVERY_S:
            self._last_still_starting = now
            self.console.info(text)

    def states(self) -> dict[str, State]:
        return {name: supervised.state for name, supervised in self.processes.items()}

    def pids(self) -> dict[str, int]:
        """The running processes' pids, by name."""
        return {
            name: supervised.process.pid
            for name, supervised in self.processes.items()
            if supervised.process is not None and supervised.process.poll() is None
        }

    def settled(self, names: Iterable[str]) -> bool:
        """Each of these is ready or given up on."""
        return all(self.processes[n].state in (State.READY, State.GAVE_UP) for n in names)

    def run_until(self, done: Callable[[], bool], timeout_s: float | None = None) -> bool:
        """Supervise until `done()` (True) or the timeout (False)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        try:
            while not done():
                if deadline is not None and time.monotonic() >= deadline:
                    return False
                self.check()
                time.sleep(TICK_S)
            return True
        finally:
            self.console.status("")  # what it said may be over by the next pass

    # Stopping

    def hurry(self) -> None:
        """A second Ctrl-C: kill what is still stopping instead of waiting for it."""
        self._hurry = True

    def stop(self) -> None:
        """Stop everything in reverse start order, each with its whole process group."""
        self._stopping = True
        self.console.status("")
        for supervised in reversed(list(self.processes.values())):
            self._stop(supervised)
        for supervised in self.processes.values():
            if supervised.output is not None:
                supervised.output.join(timeout=2)
            supervised.log.close()

    def _stop(self, supervised: Supervised) -> None:
        process = supervised.process
        supervised.state = State.STOPPED
        if process is None:
            return
        spec = supervised.spec
        if process.poll() is None:
            # The process itself, which stops its own children (Celery's warm shutdown waits
            # for its pool's tasks); what is left of its group afterwards is killed below.
            process.send_signal(spec.stop_signal)
            deadline = time.monotonic() + spec.stop_timeout_s
            while process.poll() is None and time.monotonic() < deadline and not self._hurry:
                time.sleep(0.1)
            if process.poll() is None:
                self.console.warning(f"{spec.name} did not stop in time; killing it")
                signal_group(process.pid, signal.SIGKILL)
                process.wait()
        # Grandchildren still in its group (a pool child that ignored the shutdown).
        signal_group(process.pid, signal.SIGKILL)
