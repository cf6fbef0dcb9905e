"""Architecture rules that a refactor could break silently."""

import json
import subprocess
import sys

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
        "import sys, json, ai_worker.celery_app;"
        "ai_worker.celery_app.app.loader.import_default_modules();"
        "print(json.dumps([m for m in ['torch', 'transformers', 'mediapipe', 'faster_whisper'] "
        "if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_every_task_is_routed_to_a_declared_queue() -> None:
    from ai_worker.celery_app import app
    from interview_contracts.queues import Queue
    from interview_contracts.tasks import TASK_SPECS, TaskName

    app.loader.import_default_modules()
    registered = {name for name in app.tasks if not name.startswith("celery.")}
    assert registered == {name.value for name in TaskName}
    for name, spec in TASK_SPECS.items():
        task = app.tasks[name.value]
        assert spec.queue in set(Queue)
        assert task.acks_late and task.reject_on_worker_lost
        assert task.time_limit == spec.time_limit_s
        assert task.soft_time_limit == spec.soft_time_limit_s


def test_secret_key_is_required_and_strong(monkeypatch) -> None:
    import pytest
    from pydantic import ValidationError

    from interview_core.config import Settings

    for weak in ["", "changeme", "short-secret", "s" * 20 + "x" * 28]:
        monkeypatch.setenv("SECRET_KEY", weak)
        monkeypatch.setenv("ENVIRONMENT", "production")
        with pytest.raises(ValidationError):
            Settings()
