"""The run command keeps the platform running when a part dies, and says what is happening.

First the supervisor on small real processes (backoff, giving up, whole process groups), then
the run command itself (`python -m interview_core.cli up`, the very command scripts/run.sh
execs) on a temporary data directory: each of its processes is SIGKILLed in turn during an
interview while a prober checks the API answers throughout; each is restarted and /readyz is
ready again within 30 s; the interview completes with every answer evaluated once; a killed
PostgreSQL loses no committed answer; Ctrl-C leaves no process behind, nor anything that
uses the platform's data directory or ports.

Kept cheap: answers are scored by the rules (EVALUATION_LLM=none, as in the rest of the suite),
one CPU pool process, converted models shared with the suite's cache, a short scenario.
"""

import io
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from interview_core.localrun.console import Console
from interview_core.localrun.redis_server import free_port
from interview_core.localrun.supervision import ProcessSpec, RestartPolicy, State, Supervisor
from tests.conftest import MODEL_CACHE
from tests.support.answers import post_answer

PLATFORM_START_S = 420.0
RECOVERY_S = 30.0
GENERATION_TIMEOUT_S = 10.0
# interview_core/health/service.py: READINESS_CACHE_S, with a margin.
READYZ_CACHE_S = 3.0
PASSWORD = "correct horse battery staple 42"
MAX_START_LINES = 15


# /proc, read directly: which processes exist, their parent, group and command line.


@dataclass(frozen=True)
class ProcessInfo:
    pid: int
    ppid: int
    pgid: int
    argv: list[str]


def running_processes() -> dict[int, ProcessInfo]:
    found: dict[int, ProcessInfo] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile
        state, ppid, pgid = stat.rsplit(")", 1)[1].split()[:3]
        if state == "Z":
            continue  # exited, not yet reaped
        command = [part.decode(errors="replace") for part in argv if part]
        found[int(entry.name)] = ProcessInfo(int(entry.name), int(ppid), int(pgid), command)
    return found


def descendants(root: int) -> set[int]:
    processes = running_processes()
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {p.pid for p in processes.values() if p.ppid in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    return pids & set(running_processes())


def tcp_listeners() -> list[tuple[int, str]]:
    """Every listening TCP socket of this machine: its port and its inode."""
    found: list[tuple[int, str]] = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A":  # TCP_LISTEN
                found.append((int(fields[1].rsplit(":", 1)[1], 16), fields[9]))
    return found


def listening_ports(pids: set[int], listeners: list[tuple[int, str]] | None = None) -> set[int]:
    """The TCP ports these processes listen on (their sockets' inodes, through /proc/<pid>/fd)."""
    inodes: set[str] = set()
    for pid in pids:
        try:
            descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for descriptor in descriptors:
            try:
                target = os.readlink(descriptor)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target.removeprefix("socket:[").removesuffix("]"))
    return {port for port, inode in listeners or tcp_listeners() if inode in inodes}


# The supervisor on small processes


def _supervisor(
    specs: list[ProcessSpec], tmp_path: Path, policy: RestartPolicy
) -> tuple[Supervisor, io.StringIO]:
    output = io.StringIO()
    return Supervisor(specs, dict(os.environ), tmp_path / "logs", Console(output), policy), output


def test_a_process_that_keeps_crashing_is_restarted_with_backoff_then_given_up_on(
    tmp_path: Path,
) -> None:
    starts = tmp_path / "starts"
    supervisor, output = _supervisor(
        [
            ProcessSpec("steady", ["sleep", "300"]),
            ProcessSpec("crashing", ["sh", "-c", f"date +%s.%N >> {starts}; echo broken; exit 3"]),
        ],
        tmp_path,
        RestartPolicy(first_delay_s=0.3, stable_after_s=30, give_up_after=4),
    )
    try:
        supervisor.start(["steady", "crashing"])
        steady = supervisor.pids()["steady"]
        assert supervisor.run_until(lambda: supervisor.settled(["steady", "crashing"]), 30)
        assert supervisor.states() == {"steady": State.READY, "crashing": State.GAVE_UP}
        assert supervisor.pids()["steady"] == steady, "the rest keeps running untouched"
        times = [float(line) for line in starts.read_text().split()]
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert len(times) == 4, times
        # Backoff of 0.3, 0.6 and 1.2 s, doubling (each gap adds a start and a check pass).
        assert all(gap >= delay for gap, delay in zip(gaps, [0.3, 0.6, 1.2], strict=True)), gaps
        assert gaps[2] > gaps[1] > gaps[0], gaps
        console = output.getvalue()
        assert console.count("crashing exited with code 3") == 4, console
        assert console.count("restarting crashing in") == 3, console
        assert "giving up on crashing" in console
        assert "broken" not in console, "a process's output goes to its log, not the console"
        assert (tmp_path / "logs" / "crashing.log").read_text().count("broken") == 4
    finally:
        supervisor.stop()


def test_stop_and_restart_take_the_whole_process_group(tmp_path: Path) -> None:
    """Grandchildren go with their process: when it dies, before its restart, and on stop, even
    one that ignores SIGTERM."""
    supervisor, output = _supervisor(
        [
            ProcessSpec("family", ["sh", "-c", "sleep 300 & sleep 300 & wait"]),
            ProcessSpec(
                "stubborn",
                ["sh", "-c", "trap '' TERM; sleep 300 & wait; sleep 300"],
                stop_timeout_s=1.0,
            ),
        ],
        tmp_path,
        RestartPolicy(first_delay_s=0.1),
    )
    try:
        supervisor.start(["family", "stubborn"])
        assert supervisor.run_until(lambda: supervisor.settled(supervisor.processes), 10)
        first = supervisor.pids()["family"]
        orphans = descendants(first)
        assert len(orphans) == 2
        os.kill(first, signal.SIGKILL)  # its two sleeps are orphaned
        assert supervisor.run_until(
            lambda: supervisor.pids().get("family") not in (None, first), 10
        )
        assert not alive(orphans), "the killed process's children were left running"
        everything = {
            pid for root in supervisor.pids().values() for pid in {root, *descendants(root)}
        }
    finally:
        supervisor.stop()
    assert not alive(everything)
    assert "stubborn did not stop in time; killing it" in output.getvalue()


def test_a_stop_during_a_backoff_or_a_start_leaves_nothing_running(tmp_path: Path) -> None:
    """Ctrl-C may come at any moment: while a crashed process waits out its backoff (it is not
    started again, even by a pass of the loop after the stop) and while another is still
    starting (it goes with its children, and is never announced ready)."""
    left_by_crash = tmp_path / "left-by-crash"
    supervisor, output = _supervisor(
        [
            ProcessSpec(
                "crashing", ["sh", "-c", f"sleep 300 & echo $! >> {left_by_crash}; exit 3"]
            ),
            ProcessSpec(
                "starting", ["sh", "-c", "sleep 300 & sleep 300 & wait"], ready=lambda _pid: False
            ),
        ],
        tmp_path,
        RestartPolicy(first_delay_s=1.0),
    )
    try:
        supervisor.start(["crashing", "starting"])
        assert supervisor.run_until(
            lambda: supervisor.states()["crashing"] is State.RESTARTING, 10
        ), output.getvalue()
        assert supervisor.states()["starting"] is State.STARTING
        starting = supervisor.pids()["starting"]
        everything = {starting, *descendants(starting), int(left_by_crash.read_text())}
        assert len(everything) == 4, "the starting process's two children, the crash's one"
    finally:
        supervisor.stop()
    time.sleep(RestartPolicy(first_delay_s=1.0).first_delay_s + 0.2)  # the backoff is over
    supervisor.check()
    assert not alive(everything)
    assert supervisor.pids() == {}
    assert set(supervisor.states().values()) == {State.STOPPED}
    assert len(left_by_crash.read_text().split()) == 1, "the crashed process was started again"
    console = output.getvalue()
    assert "restarting crashing in 1 s" in console, console
    assert "starting ready" not in console, console


# The run command


@dataclass
class RunningPlatform:
    process: "subprocess.Popen[bytes]"
    data_dir: Path
    base_url: str
    console_path: Path
    api_failures: list[str] = field(default_factory=list)

    def console(self) -> str:
        return self.console_path.read_text(errors="replace")

    def pid_of(self, name: str) -> int | None:
        """The run command's current child process of that name."""
        matches = [
            p.pid
            for p in running_processes().values()
            if p.ppid == self.process.pid and CHILD_COMMANDS[name](" ".join(p.argv))
        ]
        return matches[0] if len(matches) == 1 else None

    def ready(self) -> bool:
        """/readyz: ready, and nothing missing (its question engine answers too)."""
        try:
            response = httpx.get(f"{self.base_url}/readyz", timeout=5)
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and response.json()["degraded"] is False

    def recorded_engines(self) -> set[int]:
        """Engines recorded for the data directory, including one a worker started detached."""
        return {int(path.read_text()) for path in self.data_dir.glob("engine*/pid")}

    def database_answers(self) -> bool:
        try:
            with self.database():
                return True
        except (OSError, IndexError, psycopg.OperationalError):  # down, or still recovering
            return False

    def database(self) -> psycopg.Connection[Any]:
        # The socket directory is the fifth line of postmaster.pid.
        socket_dir = (self.data_dir / "postgres" / "postmaster.pid").read_text().splitlines()[4]
        return psycopg.connect(f"postgresql://postgres:@/interview?host={socket_dir}")


CHILD_COMMANDS: dict[str, Callable[[str], bool]] = {
    "postgres": lambda command: "/pginstall/bin/postgres -D" in command,
    "redis": lambda command: "redis-server" in command,
    # `--role engine` execs llama-server under the same pid.
    "llm-engine": lambda command: "llama-server" in command or command.endswith("--role engine"),
    "api": lambda command: "uvicorn interview_core.main:create_app" in command,
    "gpu-worker": lambda command: command.endswith("--role gpu"),
    "cpu-worker": lambda command: command.endswith("--role cpu"),
    "core-worker": lambda command: command.endswith("--role core"),
    "scheduler": lambda command: command.endswith("--role beat"),
}


def _platform_environment(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The suite's own services and settings (tests/conftest.py) are not this platform's.
        if key not in {"DATABASE_URL", "REDIS_URL", "DATA_DIR", "SECRET_KEY", "ENVIRONMENT"}
        and not key.startswith("LLM_ENGINE_")
    }
    env.update(
        {
            "XDG_RUNTIME_DIR": env.get("XDG_RUNTIME_DIR", "/tmp"),
            "EVALUATION_LLM": "none",
            "EVALUATION_RUNS": "1",
            "LLM_CPU_THREADS": "1",
            "CPU_WORKER_CONCURRENCY": "1",
            "LLM_ENGINE_PARALLEL": "2",
            "GENERATION_TIMEOUT_S": str(GENERATION_TIMEOUT_S),
            "LLM_CACHE_DIR": str(MODEL_CACHE / "llm"),
            "STT_CACHE_DIR": str(MODEL_CACHE / "speech"),
        }
    )
    return env


def _probe_api(platform: RunningPlatform, stop: threading.Event) -> None:
    """Count every moment the API did not answer at all (any HTTP status is an answer)."""
    while not stop.is_set():
        try:
            httpx.get(f"{platform.base_url}/healthz", timeout=5)
        except httpx.HTTPError as exc:
            platform.api_failures.append(f"{time.strftime('%X')} {type(exc).__name__}")
        stop.wait(0.25)


@pytest.fixture(scope="module")
def platform() -> Iterator[RunningPlatform]:
    # Not under pytest's private tmp: the embedded PostgreSQL runs as its own user when root.
    data_dir = Path(tempfile.mkdtemp(prefix="supervised-platform-"))
    data_dir.chmod(0o755)
    console_path = data_dir.with_suffix(".console")
    port = free_port()
    options = ["--data-dir", str(data_dir), "--port", str(port)]
    with console_path.open("wb") as console:
        process = subprocess.Popen(
            [sys.executable, "-m", "interview_core.cli", "up", *options],
            env=_platform_environment(data_dir),
            stdout=console,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # signalled by the test only, like a terminal's Ctrl-C
        )
    running = RunningPlatform(process, data_dir, f"http://127.0.0.1:{port}", console_path)
    stop_probing = threading.Event()
    prober = threading.Thread(target=_probe_api, args=(running, stop_probing), daemon=True)
    try:
        deadline = time.monotonic() + PLATFORM_START_S
        while "The platform is up at" not in running.console():
            assert process.poll() is None, running.console()
            assert time.monotonic() < deadline, running.console()
            time.sleep(0.5)
        prober.start()
        yield running
    finally:
        stop_probing.set()
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(data_dir, ignore_errors=True)
        console_path.unlink(missing_ok=True)


def test_a_start_says_what_happens_in_a_few_lines(platform: RunningPlatform) -> None:
    console = platform.console().splitlines()
    start = console[: next(i for i, line in enumerate(console) if "Ctrl-C stops" in line) + 1]
    # Off a terminal a slow start also says what it still waits for, once a minute; on a
    # terminal that is one status line rewritten in place.
    events = [line for line in start if " waiting for " not in line]
    assert len(events) <= MAX_START_LINES, "\n".join(start)
    assert not [line for line in start if line.lstrip().startswith("{")], "JSON on the console"
    assert any("Sign in as recruiter@demo.local / " in line for line in start)
    for name in CHILD_COMMANDS:
        assert any(line.endswith(f" {name} ready") or f" {name} ready (" in line for line in start)
        assert (platform.data_dir / "logs" / f"{name}.log").exists(), name
    api_log = (platform.data_dir / "logs" / "api.log").read_text()
    assert '"msg": "request finished"' in api_log, "the API's JSON lines are in its log file"


@dataclass
class Candidate:
    client: httpx.Client
    headers: dict[str, str]
    interview_id: str = ""
    answered_turns: list[str] = field(default_factory=list)


def _recruiter_headers(client: httpx.Client, data_dir: Path) -> dict[str, str]:
    for line in (data_dir / "demo_credentials.txt").read_text().splitlines():
        role, _, account = line.strip().partition(":")
        if role == "Recruiter":
            email, _, password = account.strip().partition(" / ")
    login = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def _start_interview(platform: RunningPlatform, client: httpx.Client) -> tuple[Candidate, dict]:  # type: ignore[type-arg]
    recruiter = _recruiter_headers(client, platform.data_dir)
    job = client.post(
        "/api/v1/jobs",
        headers=recruiter,
        json={
            "title": "Backend engineer",
            "description": "Build and operate Python web services with PostgreSQL and Redis.",
            "language": "en",
            "scenario_key": "short",
        },
    )
    assert job.status_code == 201, job.text
    email = f"candidate-{uuid.uuid4().hex[:8]}@example.com"
    invited = client.post(
        "/api/v1/interviews",
        headers=recruiter,
        json={"job_id": job.json()["id"], "candidate_email": email},
    )
    assert invited.status_code == 201, invited.text
    token = invited.json()["invite_token"]
    registered = client.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "full_name": "Candidate",
            "invite_token": token,
        },
    )
    assert registered.status_code in (201, 202), registered.text
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    candidate = Candidate(client, {"Authorization": f"Bearer {login.json()['access_token']}"})
    accepted = client.post(
        "/api/v1/interviews/accept", headers=candidate.headers, json={"token": token}
    )
    assert accepted.status_code == 200, accepted.text
    candidate.interview_id = str(invited.json()["interview"]["id"])
    started = client.post(
        f"/api/v1/interviews/{candidate.interview_id}/start", headers=candidate.headers, json={}
    )
    assert started.status_code == 200, started.text
    return candidate, started.json()


def _answer(candidate: Candidate, state: dict) -> float:  # type: ignore[type-arg]
    """Answer the current question (the same request again while the API says 503: a broker
    outage); when the answer was taken."""
    turn_id = state["current_turn"]["id"]
    key = uuid.uuid4().hex
    deadline = time.monotonic() + RECOVERY_S
    while True:
        answered = post_answer(
            candidate.client,
            candidate.headers,
            candidate.interview_id,
            turn_id,
            "I profiled and indexed the slow queries myself.",
            key,
        )
        if answered.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert answered.status_code == 200, answered.text
    candidate.answered_turns.append(turn_id)
    return time.monotonic()


def _next_question(candidate: Candidate, answered_at: float) -> tuple[dict, float]:  # type: ignore[type-arg]
    """Wait for the next question (or the end); the state and how long after the answer."""
    while True:
        polled = candidate.client.get(
            f"/api/v1/interviews/{candidate.interview_id}",
            headers=candidate.headers,
            params={"wait_s": 5},
        )
        assert polled.status_code == 200, polled.text
        state = polled.json()
        if state["phase"] in ("answering", "finished"):
            return state, time.monotonic() - answered_at
        assert time.monotonic() - answered_at < 120, state


def _wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)
    return True


@dataclass(frozen=True)
class Kill:
    """What is SIGKILLed during one question of the interview, and when: right after the
    answer, with its work in flight (the next question's generation, the answer's evaluation),
    or before it, so the answer meets the outage."""

    names: tuple[str, ...]
    after_answer: bool


# One per stage of the 'short' scenario (five), so every kill lands while the candidate is
# answering; beat, which nothing of an interview waits for, goes with the core worker.
KILLS = [
    Kill(("gpu-worker",), after_answer=True),
    Kill(("llm-engine",), after_answer=False),
    Kill(("cpu-worker",), after_answer=True),
    Kill(("core-worker", "scheduler"), after_answer=False),
    Kill(("redis",), after_answer=False),
]
GPU_SIDE = {"gpu-worker", "llm-engine"}


def _kill(platform: RunningPlatform, names: tuple[str, ...]) -> dict[str, int]:
    killed: dict[str, int] = {}
    for name in names:
        pid = platform.pid_of(name)
        assert pid is not None, name
        os.kill(pid, signal.SIGKILL)
        killed[name] = pid
    return killed


def test_each_killed_process_comes_back_while_the_api_answers(platform: RunningPlatform) -> None:
    with httpx.Client(base_url=platform.base_url, timeout=90) as client:
        candidate, state = _start_interview(platform, client)
        for kill in KILLS:
            assert state["phase"] == "answering", (kill, state)
            if kill.after_answer:
                answered_at = _answer(candidate, state)
                killed, killed_at = _kill(platform, kill.names), time.monotonic()
            else:
                killed, killed_at = _kill(platform, kill.names), time.monotonic()
                answered_at = _answer(candidate, state)
            state, waited = _next_question(candidate, answered_at)
            print(f"{kill.names}: the next question came {waited:.1f} s after the answer")
            if GPU_SIDE & set(kill.names):
                # A question that cannot be generated comes from the bank at its deadline.
                assert waited <= GENERATION_TIMEOUT_S + 5, (kill, waited, state)
            for name, old in killed.items():

                def back(name: str = name, old: int = old, killed_at: float = killed_at) -> bool:
                    return (
                        platform.pid_of(name) not in (None, old)
                        # /readyz caches its answer briefly: one from before the kill proves
                        # nothing.
                        and time.monotonic() - killed_at > READYZ_CACHE_S
                        and platform.ready()
                    )

                assert _wait_for(back, RECOVERY_S - (time.monotonic() - killed_at)), (
                    f"{name} not back within {RECOVERY_S} s:\n{platform.console()[-3000:]}"
                )
                print(f"{name}: ready again {time.monotonic() - killed_at:.1f} s after SIGKILL")
                assert f"{name} was killed by SIGKILL" in platform.console()
                assert f"restarting {name} in " in platform.console()
        assert state["phase"] == "finished", state
    assert not platform.api_failures, platform.api_failures
    with platform.database() as connection:
        assert _wait_for(lambda: _evaluations_pending(connection, candidate) == 0, 120)
        stored = connection.execute(
            "SELECT DISTINCT e.turn_id::text FROM turn_evaluations e"
            " JOIN turns t ON t.id = e.turn_id WHERE t.interview_id = %s",
            (candidate.interview_id,),
        ).fetchall()
    problems = _not_evaluated_once(
        _tasks_succeeded(platform.data_dir / "logs"),
        _evaluations_computed(platform.data_dir / "logs"),
        candidate.answered_turns,
        {turn for (turn,) in stored},
    )
    assert not problems, problems


def _not_evaluated_once(
    succeeded: dict[str, dict[str, list[str]]],
    computed: Counter[str],
    answered: list[str],
    stored: set[str],
) -> list[str]:
    """What is wrong with the answers' evaluations: an answer whose stage probes something
    without stored scores, or evaluated (the CPU worker's "answer evaluated") or stored (the
    core worker's interviews.store_evaluation, other than a copy's "already-stored") other than
    once, whatever was killed with its work in flight. The rows alone cannot tell: a second
    result of the same run adds no row. Copies of a job are expected (the recovery sweeps send
    them); they must find the run claimed or done."""
    probed_nothing = {
        turn
        for turn, outcomes in succeeded["interviews.evaluate_turn"].items()
        if "'nothing-probed'" in outcomes
    }
    to_evaluate = set(answered) - probed_nothing
    problems = [] if to_evaluate else ["no answered turn probed anything"]
    problems += [f"{turn}: answered, no scores stored" for turn in to_evaluate - stored]
    problems += [f"{turn}: scores stored, never answered" for turn in stored - to_evaluate]
    for turn in sorted(to_evaluate):
        stores = [o for o in succeeded["interviews.store_evaluation"][turn] if o != COPY_STORED]
        for what, times in (("evaluated", computed[turn]), ("stored", len(stores))):
            if times != 1:
                outcomes = {name: by_turn.get(turn, []) for name, by_turn in succeeded.items()}
                problems.append(f"{turn}: {what} {times} times; its tasks: {outcomes}")
    return problems


COPY_STORED = "'already-stored'"  # Celery's success line quotes the return value


def _evaluations_computed(logs: Path) -> Counter[str]:
    """Turn id → how many times the CPU worker evaluated one of its runs (its "answer
    evaluated" line, written only when it ran the evaluator, not for a copy it turned away)."""
    found: Counter[str] = Counter()
    for log in logs.glob("cpu-worker.log*"):
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if entry.get("msg") == "answer evaluated" and "turn_id" in entry:
                    found[entry["turn_id"]] += 1
    return found


SUCCEEDED = re.compile(r"^Task (\S+)\[[^\]]+\] succeeded")


def _tasks_succeeded(logs: Path) -> dict[str, dict[str, list[str]]]:
    """Task name → turn id → the return value of each run that succeeded, from the workers'
    JSON logs (Celery's success line carries the task's ids: broker/worker.py and
    ai_worker/_runtime/observability.py bind them)."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for log in [*logs.glob("core-worker.log*"), *logs.glob("cpu-worker.log*")]:
        for line in log.read_text(errors="replace").splitlines():
            if not line.startswith("{"):
                continue
            entry = json.loads(line)
            matched = SUCCEEDED.match(str(entry.get("msg", "")))
            if matched and "turn_id" in entry:
                outcome = str((entry.get("data") or {}).get("return_value"))
                found[matched.group(1)][entry["turn_id"]].append(outcome)
    return found


def _evaluations_pending(connection: psycopg.Connection[Any], candidate: Candidate) -> int:
    connection.commit()  # a fresh snapshot each time
    pending = connection.execute(
        "SELECT count(*) FROM turns WHERE interview_id = %s AND answer_text IS NOT NULL"
        " AND evaluation_status <> 'done'",
        (candidate.interview_id,),
    ).fetchone()
    assert pending is not None
    return int(pending[0])


def test_a_killed_database_is_restarted_with_every_committed_row(
    platform: RunningPlatform,
) -> None:
    with platform.database() as connection:
        before = connection.execute("SELECT id FROM turns WHERE answer_text IS NOT NULL").fetchall()
    assert before, "the interview test left answers to look for"
    old = platform.pid_of("postgres")
    assert old is not None
    os.kill(old, signal.SIGKILL)
    killed_at = time.monotonic()

    def back() -> bool:
        return (
            platform.pid_of("postgres") not in (None, old)
            and time.monotonic() - killed_at > READYZ_CACHE_S
            and platform.ready()
            and platform.database_answers()
        )

    assert _wait_for(back, RECOVERY_S), platform.console()[-3000:]
    assert time.monotonic() - killed_at <= RECOVERY_S
    with platform.database() as connection:
        after = connection.execute("SELECT id FROM turns WHERE answer_text IS NOT NULL").fetchall()
    assert set(after) >= set(before)
    assert not platform.api_failures, platform.api_failures


def test_ctrl_c_leaves_no_process_of_the_platform_running(platform: RunningPlatform) -> None:
    everything = descendants(platform.process.pid) | platform.recorded_engines()
    assert len(everything) >= len(CHILD_COMMANDS)
    ports = listening_ports(everything)
    assert int(platform.base_url.rsplit(":", 1)[1]) in ports
    before = set(running_processes())
    platform.process.send_signal(signal.SIGINT)
    assert platform.process.wait(timeout=90) == 0, platform.console()[-3000:]
    left = alive(everything)
    assert not left, [running_processes()[pid].argv for pid in left if pid in running_processes()]
    assert "stopped; data kept in" in platform.console()
    # Nor anything else of the platform: a child re-parented elsewhere (a detached engine, a
    # pool child that lost its parent) runs in or names its data directory (every process the
    # run command starts has it in its environment), or names or listens on one of its ports.
    # Ports only for processes that ran before the Ctrl-C: a freed port is anyone's after it.
    listeners = tcp_listeners()
    using = [
        (pid, info.argv)
        for pid, info in running_processes().items()
        if pid != os.getpid()
        and (
            _uses_directory(pid, info, platform.data_dir)
            or (pid in before and _uses_ports(pid, info, ports, listeners))
        )
    ]
    assert not using, using


def _uses_directory(pid: int, info: ProcessInfo, data_dir: Path) -> bool:
    directory = str(data_dir.resolve())
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
        environment = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    except OSError:  # gone meanwhile, or a kernel thread
        cwd, environment = "", ""
    return (
        directory in " ".join(info.argv)
        or cwd == directory
        or cwd.startswith(f"{directory}/")
        or f"DATA_DIR={directory}\0" in f"{environment}\0"
    )


def _uses_ports(
    pid: int, info: ProcessInfo, ports: set[int], listeners: list[tuple[int, str]]
) -> bool:
    named = {int(n) for n in re.findall(r"(?:--port[ =]|:)(\d+)\b", " ".join(info.argv))}
    return bool(named & ports) or bool(listening_ports({pid}, listeners) & ports)
