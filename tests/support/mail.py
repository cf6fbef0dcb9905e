"""The local SMTP sink, run as the embedded platform runs it, and the mail it stored.

Tests read the messages the API really sent (over SMTP, to the sink's process) to follow
verification and invite links as a person would.
"""

import re
import smtplib
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import IO
from urllib.parse import parse_qs, urlsplit

from interview_core.localrun.redis_server import free_port

PURPOSE_HEADER = "X-Interview-Purpose"
LINK = re.compile(r"https?://\S+")


@dataclass
class MailSink:
    """`python -m interview_core.mail.sink` on a free port, storing under data_dir/mail."""

    data_dir: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_file: IO[bytes] | None = None

    @property
    def directory(self) -> Path:
        return self.data_dir / "mail"

    def start(self, preexec_fn: Callable[[], None] | None = None, timeout_s: float = 20.0) -> None:
        self.log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "interview_core.mail.sink",
                "--data-dir",
                str(self.data_dir),
                "--port",
                str(self.port),
            ],
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=preexec_fn,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mail sink exited:\n{self.log_path.read_text()[-2000:]}")
            try:
                with smtplib.SMTP("127.0.0.1", self.port, local_hostname="localhost", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"mail sink not listening on {self.port} after {timeout_s}s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None


def stored_messages(directory: Path) -> list[EmailMessage]:
    """Every message the sink stored, oldest first."""
    paths = sorted(directory.glob("*.eml")) if directory.is_dir() else []
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for path in paths
    ]


def mail_to(directory: Path, address: str, purpose: str | None = None) -> list[EmailMessage]:
    """Messages to one address (and of one purpose), oldest first."""
    return [
        message
        for message in stored_messages(directory)
        if message["To"] == address and (purpose is None or message[PURPOSE_HEADER] == purpose)
    ]


def last_mail_to(
    directory: Path, address: str, purpose: str, timeout_s: float = 10.0
) -> EmailMessage:
    """The API sends before it answers, so the message is normally there already."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = mail_to(directory, address, purpose)
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            raise AssertionError(f"no {purpose} mail to {address} in {directory}")
        time.sleep(0.1)


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def link_in(message: EmailMessage) -> str:
    found = LINK.search(body_of(message))
    assert found, body_of(message)
    return found.group(0)


def fragment_token(link: str) -> str:
    """The `token` of a link that carries it in its fragment (`.../verify-email#token=...`)."""
    return parse_qs(urlsplit(link).fragment)["token"][0]
