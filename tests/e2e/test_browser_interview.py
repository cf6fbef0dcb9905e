"""The whole product in real headless Chromium: the platform's run command on a free port, a
candidate invited by e-mail (read from the local mail sink) answering by voice (espeak-ng WAV as
the fake microphone) with a résumé, the recruiter's report, decision and PDF; a second candidate
typing in Korean at phone width."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interview_core.localrun.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
SCREENSHOTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
ANSWER = (
    "In my last job I built a payment service in Python on PostgreSQL. "
    "I measured the slow queries, added indexes and batched the writes, "
    "and the nightly run went from six hours to forty minutes."
)
PLATFORM_READY_S = 240.0


def require_browser_tools() -> None:
    """scripts/install.sh --tests installs these; their absence is a failure, not a skip."""
    missing = [
        name
        for name, found in [
            ("/usr/bin/chromium", CHROMIUM.exists()),
            ("node", shutil.which("node")),
            ("espeak-ng", shutil.which("espeak-ng")),
        ]
        if not found
    ]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run scripts/install.sh --tests")


def build_frontend() -> Path:
    dist = FRONTEND / "dist" / "index.html"
    sources = [p for p in (FRONTEND / "src").rglob("*") if p.is_file()]
    if not dist.exists() or max(p.stat().st_mtime for p in sources) > dist.stat().st_mtime:
        if not (FRONTEND / "node_modules").is_dir():
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
        subprocess.run(["npm", "run", "build"], cwd=FRONTEND, check=True)
    return dist.parent


def read_credentials(path: Path) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for line in path.read_text().splitlines():
        role, _, rest = line.strip().partition(":")
        if "/" in rest:
            email, _, password = rest.strip().partition(" / ")
            found[role.lower()] = (email, password)
    return found


@pytest.fixture(scope="module")
def platform() -> Iterator[tuple[str, Path]]:
    require_browser_tools()
    dist = build_frontend()
    # Not under pytest's private tmp: the embedded PostgreSQL runs as its own user when root.
    data_dir = Path(tempfile.mkdtemp(prefix="e2e-platform-"))
    data_dir.chmod(0o755)
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DATA_DIR", "SECRET_KEY"}
    }
    env.update(
        {
            "XDG_RUNTIME_DIR": env.get("XDG_RUNTIME_DIR", "/tmp"),
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        }
    )
    log = (data_dir / "platform.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interview_core.cli",
            "up",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            "--frontend-dist",
            str(dist),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + PLATFORM_READY_S
        while time.monotonic() < deadline:
            assert process.poll() is None, (data_dir / "platform.log").read_text()[-4000:]
            try:
                if httpx.get(f"{base_url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        else:
            pytest.fail("platform not ready: " + (data_dir / "platform.log").read_text()[-4000:])
        yield base_url, data_dir
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def test_candidate_interview_by_voice_then_recruiter_report(
    platform: tuple[str, Path], tmp_path: Path
) -> None:
    base_url, data_dir = platform
    recruiter_email, recruiter_password = read_credentials(data_dir / "demo_credentials.txt")[
        "recruiter"
    ]
    wav = tmp_path / "answer.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), ANSWER], check=True)
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    result = subprocess.run(
        ["node", str(FRONTEND / "e2e" / "interview.e2e.mjs")],
        cwd=FRONTEND,
        env={
            **os.environ,
            "BASE_URL": base_url,
            "RECRUITER_EMAIL": recruiter_email,
            "RECRUITER_PASSWORD": recruiter_password,
            "AUDIO_WAV": str(wav),
            "SCREENSHOT_DIR": str(SCREENSHOTS),
            # The embedded run's SMTP sink (mail/sink.py): the invitation is read from here.
            "MAIL_DIR": str(data_dir / "mail"),
        },
        capture_output=True,
        text=True,
        timeout=660,
    )
    output = result.stdout + result.stderr
    platform_log = (data_dir / "platform.log").read_text()[-3000:]
    assert result.returncode == 0, f"{output}\n--- platform log ---\n{platform_log}"
    assert "[e2e" in output and output.rstrip().endswith("ok"), output
    shots = sorted(p.name for p in SCREENSHOTS.glob("*.png"))
    assert shots == [
        "01-invite-register.png",
        "02-consent-device-check.png",
        "03-interview-room-question.png",
        "04-interview-room-recording.png",
        "05-interview-room-processing.png",
        "06-end-screen.png",
        "07-recruiter-interviews.png",
        "08-recruiter-jobs.png",
        "09-recruiter-report.png",
        "10-recruiter-report-ko.png",
        "11-phone-consent-device-check.png",
        "12-phone-interview-room-question.png",
        "13-phone-interview-room-typed-answer.png",
    ]
    assert all((SCREENSHOTS / name).stat().st_size > 10_000 for name in shots)
    # The report's PDF as downloaded through its button (the script checks its header).
    assert [p.stat().st_size > 1024 for p in SCREENSHOTS.glob("report-*.pdf")] == [True]
