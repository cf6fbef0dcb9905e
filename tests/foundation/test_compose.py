"""docker compose accepts the operators' file, with every service the platform needs."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {
    "postgres",
    "redis",
    "backend-core",
    "ai-worker-gpu",
    "ai-worker-cpu",
    "scheduler",
    "frontend",
    "flower",
}


def _compose_command() -> list[str]:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
    if shutil.which("docker") and probe.returncode == 0:
        return ["docker", "compose"]
    pytest.fail(
        "neither docker-compose nor docker compose is installed (scripts/install.sh --tests)"
    )


def test_compose_config_is_accepted(tmp_path: Path) -> None:
    for name in ["docker-compose.yml", "backend-core", "ai-worker", "frontend", "contracts"]:
        (tmp_path / name).symlink_to(ROOT / name)
    env = (ROOT / ".env.example").read_text()
    env = env.replace("SECRET_KEY=\n", "SECRET_KEY=" + "k" * 48 + "\n")
    env = env.replace("POSTGRES_PASSWORD=\n", "POSTGRES_PASSWORD=compose-check\n")
    (tmp_path / ".env").write_text(env)
    result = subprocess.run(
        [*_compose_command(), "config"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert set(config["services"]) == SERVICES
    gpu_reservations = [
        name
        for name, service in config["services"].items()
        if "devices" in str(service.get("deploy", {}))
    ]
    assert gpu_reservations == ["ai-worker-gpu"]
    for name in ["postgres", "redis", "backend-core"]:
        assert "healthcheck" in config["services"][name]


def test_every_setting_is_documented_in_env_example() -> None:
    from ai_worker.settings import WorkerSettings
    from interview_core.config import Settings

    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    fields = set(Settings.model_fields) | set(WorkerSettings.model_fields)
    missing = {name.upper() for name in fields} - documented
    assert not missing, f"settings missing from .env.example: {sorted(missing)}"
