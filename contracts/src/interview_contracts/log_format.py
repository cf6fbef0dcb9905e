"""JSON logs with the ids that matter (request, interview, turn, task) on every line, in the
same shape from the API and from every worker role.

The ids come from a context variable that the API's request middleware and the workers' task
signals fill, so code that logs never passes them by hand; `extra={...}` still overrides them.
"""

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# Immutable per context: bind() copies, so a thread or task never changes another's ids.
_log_context: ContextVar[dict[str, str]] = ContextVar("log_context", default={})  # noqa: B039


def current_log_context() -> dict[str, str]:
    return _log_context.get()


def bind_log_context(**ids: object) -> object:
    """Add ids to this context's log lines; returns a token for `reset_log_context`."""
    values = {key: str(value) for key, value in ids.items() if value is not None}
    return _log_context.set({**_log_context.get(), **values})


def reset_log_context(token: object) -> None:
    _log_context.reset(token)  # type: ignore[arg-type]


def clear_log_context() -> None:
    _log_context.set({})


@contextmanager
def log_context(**ids: object) -> Iterator[None]:
    token = bind_log_context(**ids)
    try:
        yield
    finally:
        reset_log_context(token)


# What every LogRecord has; anything else on a record came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(
    {*logging.LogRecord("", 0, "", 0, "", (), None).__dict__, "message", "asctime"}
)


def _json_value(value: object) -> object:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    return str(value)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(_log_context.get())
        # Every `extra={...}` field, not only the ids: counts, reasons and model ids too.
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and value is not None:
                entry[key] = _json_value(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


CHATTY_LIBRARIES = ("weasyprint", "fontTools", "httpx", "httpcore", "absl")


def configure_logging(level: str = "INFO", as_json: bool = True) -> None:
    # The process's real stderr, never `sys.stderr`: inside a Celery worker that is a proxy
    # that logs what is written to it, so a handler writing there loops back into logging and
    # Celery drops the line (prefork children lost every task log this way).
    stream = sys.__stderr__ or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter()
        if as_json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Libraries that narrate their work at INFO (PDF layout steps, font subsetting, one line per
    # HTTP request such as every engine health poll): their warnings and errors are what matter,
    # unless LIBRARY_LOG_LEVEL asks for more (the run command's --verbose sets INFO).
    library_level = os.environ.get("LIBRARY_LOG_LEVEL", "WARNING").upper()
    for chatty in CHATTY_LIBRARIES:
        logging.getLogger(chatty).setLevel(library_level)
