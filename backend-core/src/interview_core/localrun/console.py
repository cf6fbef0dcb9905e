"""What the run command tells a person: one line per lifecycle event, coloured on a terminal.

Each process's own output goes to its log file (supervision.py); the console carries only
events (starting, ready, exited, restarting, giving up), the URL and how to sign in, and on a
terminal one status line, rewritten in place, while something takes long to start. Every
event is also appended to `platform.log`, so the files hold the history with timestamps.
`verbose` echoes every process's output too, prefixed with its name.
"""

import json
import os
import threading
import time
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TextIO


class Tone(StrEnum):
    INFO = "info"
    GOOD = "good"
    WARNING = "warning"
    ERROR = "error"


_COLOURS = {
    Tone.INFO: "",
    Tone.GOOD: "\x1b[32m",
    Tone.WARNING: "\x1b[33m",
    Tone.ERROR: "\x1b[1;31m",
}
_DIM = "\x1b[2m"
_RESET = "\x1b[0m"
_CLEAR_LINE = "\r\x1b[K"
_LOG_LEVELS = {Tone.INFO: "INFO", Tone.GOOD: "INFO", Tone.WARNING: "WARNING", Tone.ERROR: "ERROR"}


class Console:
    def __init__(self, stream: TextIO, verbose: bool = False, history: Path | None = None) -> None:
        self.stream = stream
        self.verbose = verbose
        self.is_terminal = stream.isatty()
        # https://no-color.org: any value turns colour off.
        self.colour = self.is_terminal and "NO_COLOR" not in os.environ
        self.history = history
        self._status = ""
        self._closed = False
        self._lock = threading.Lock()

    def event(self, text: str, tone: Tone = Tone.INFO) -> None:
        stamp = time.strftime("%H:%M:%S")
        if self.colour:
            line = f"{_DIM}{stamp}{_RESET} {_COLOURS[tone]}{text}{_RESET if _COLOURS[tone] else ''}"
        else:
            line = f"{stamp} {text}"
        with self._lock:
            self._write_line(line)
            self._record(text, tone)

    def info(self, text: str) -> None:
        self.event(text, Tone.INFO)

    def good(self, text: str) -> None:
        self.event(text, Tone.GOOD)

    def warning(self, text: str) -> None:
        self.event(text, Tone.WARNING)

    def error(self, text: str) -> None:
        self.event(text, Tone.ERROR)

    def plain(self, text: str) -> None:
        """Lines a person reads as they are (the URL, the sign-in), without a timestamp."""
        with self._lock:
            self._write_line(text)

    def child_line(self, name: str, line: str) -> None:
        """A process's own output, shown only with --verbose."""
        if not self.verbose:
            return
        with self._lock:
            self._write_line(
                f"{_DIM}{name} |{_RESET} {line}" if self.colour else f"{name} | {line}"
            )

    def status(self, text: str) -> None:
        """On a terminal, one line kept under the events and rewritten in place ("" clears it);
        elsewhere nothing: a log collector would get a line per update."""
        if not self.is_terminal or text == self._status:
            return
        with self._lock:
            self._status = text
            self._write(_CLEAR_LINE + self._styled_status())

    def _styled_status(self) -> str:
        if self.colour and self._status:
            return f"{_DIM}{self._status}{_RESET}"
        return self._status

    def _write_line(self, line: str) -> None:
        cleared = _CLEAR_LINE if self._status else ""
        self._write(f"{cleared}{line}\n{self._styled_status()}")

    def _write(self, text: str) -> None:
        """A closed terminal (SIGHUP) must not stop the platform from stopping cleanly."""
        if self._closed:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self._closed = True

    def _record(self, text: str, tone: Tone) -> None:
        if self.history is None:
            return
        entry = {
            "ts": datetime.now(UTC).isoformat(),
            "level": _LOG_LEVELS[tone],
            "logger": "platform",
            "msg": text,
        }
        self.history.parent.mkdir(parents=True, exist_ok=True)
        with self.history.open("a") as out:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
