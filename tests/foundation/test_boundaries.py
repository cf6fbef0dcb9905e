"""Architecture rules that a refactor could break silently."""

import ast
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

ML_MODULES = [
    "torch",
    "transformers",
    "faster_whisper",
    "whisper",
    "mediapipe",
    "sentence_transformers",
    "ctranslate2",
    "numpy",
    "cv2",
]


def test_backend_core_never_imports_an_ml_library(stack) -> None:
    code = (
        "import sys, json, interview_core.main, interview_core.cli;"
        "import interview_core.localrun.platform, interview_core.reports.pdf;"
        "interview_core.main.create_app();"
        f"print(json.dumps([m for m in {ML_MODULES!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_importing_the_worker_app_loads_no_model() -> None:
    code = (
        "import sys, json, ai_worker._runtime.celery_app;"
        "ai_worker._runtime.celery_app.app.loader.import_default_modules();"
        "print(json.dumps([m for m in ['torch', 'transformers', 'mediapipe', 'faster_whisper'] "
        "if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def _registered(app: Any) -> dict[str, Any]:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_is_routed_to_a_declared_queue_and_owned_by_one_side() -> None:
    """Inference tasks (gpu/cpu queues) are ai-worker's, core tasks the backend's; together
    they are every task name, and each side registers only its own."""
    from ai_worker._runtime.celery_app import app as worker_app
    from interview_contracts.queues import Queue
    from interview_contracts.tasks import TASK_SPECS, TaskName
    from interview_core.broker.client import get_celery

    inference = _registered(worker_app)
    core = _registered(get_celery())
    assert set(inference) | set(core) == {name.value for name in TaskName}
    assert not set(inference) & set(core)
    for name, spec in TASK_SPECS.items():
        task = (inference | core)[name.value]
        assert spec.queue in set(Queue)
        assert (spec.queue is Queue.CORE) == (name.value in core), name
        assert task.acks_late and task.reject_on_worker_lost
        assert task.time_limit == spec.time_limit_s
        assert task.soft_time_limit == spec.soft_time_limit_s


def _imported_modules(root: Path) -> set[str]:
    imported: set[str] = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
    return imported


def test_the_workers_import_only_the_contracts_of_the_backend() -> None:
    """The seam: ai-worker takes requests and returns results; it never reaches into the
    backend's package (the test stack also starts every inference worker unable to import it
    and without a database URL: tests/support/seam_guard)."""
    offending = {
        module
        for module in _imported_modules(REPO / "ai-worker" / "src")
        if module.split(".")[0] == "interview_core"
    }
    assert offending == set()
    contracts = {module.split(".")[0] for module in _imported_modules(REPO / "contracts" / "src")}
    assert not contracts & {"interview_core", "ai_worker"}


def test_the_worker_package_does_not_depend_on_the_backend() -> None:
    requirements = metadata.requires("interview-ai-worker") or []
    assert not [
        r for r in requirements if r.lower().startswith(("interview-core", "interview_core"))
    ]
    dockerfile = (REPO / "ai-worker" / "Dockerfile").read_text()
    assert "backend-core" not in dockerfile


def test_secret_key_is_required_and_strong(monkeypatch) -> None:
    import pytest
    from pydantic import ValidationError

    from interview_core.config import Settings

    for weak in ["", "changeme", "short-secret", "s" * 20 + "x" * 28]:
        monkeypatch.setenv("SECRET_KEY", weak)
        monkeypatch.setenv("ENVIRONMENT", "production")
        with pytest.raises(ValidationError):
            Settings()
