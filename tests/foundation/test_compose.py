"""docker compose accepts the operators' file, with every service the platform needs."""

import ipaddress
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {
    "postgres",
    "redis",
    "backend-core",
    "ai-worker-gpu",
    "ai-worker-cpu",
    "core-worker",
    "scheduler",
    "frontend",
    "flower",
    "llm-engine",
    "mail-sink",
    "minio",
    "minio-init",
}
# Services behind a profile: started only with `docker compose --profile NAME`.
PROFILED_SERVICES = {"vllm"}
REDIS_PASSWORD = "redis-check"
S3_SECRET = "s3-secret-check"


def _compose_command() -> list[str]:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
    if shutil.which("docker") and probe.returncode == 0:
        return ["docker", "compose"]
    pytest.fail(
        "neither docker-compose nor docker compose is installed (scripts/install.sh --tests)"
    )


def _compose_config(tmp_path: Path, *options: str) -> dict[str, Any]:
    """`compose config` of the operators' file with .env.example's secrets filled in."""
    for name in ["docker-compose.yml", "backend-core", "ai-worker", "frontend", "contracts"]:
        link = tmp_path / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    env = (ROOT / ".env.example").read_text()
    for key, value in {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "POSTGRES_PASSWORD": "compose-check",
        "REDIS_PASSWORD": REDIS_PASSWORD,
        "LLM_ENGINE_API_KEY": "engine-check",
        "MINIO_ROOT_PASSWORD": "minio-root-check",
        "S3_SECRET_ACCESS_KEY": S3_SECRET,
    }.items():
        assert f"\n{key}=\n" in env, f".env.example should leave {key} empty"
        env = env.replace(f"\n{key}=\n", f"\n{key}={value}\n")
    (tmp_path / ".env").write_text(env)
    result = subprocess.run(
        [*_compose_command(), *options, "config"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert isinstance(config, dict)
    return config


def _default_services(config: dict[str, Any]) -> dict[str, Any]:
    """The services `docker compose up` starts without a profile (compose v1's `config` lists
    profiled services too; v2's leaves them out)."""
    return {name: s for name, s in config["services"].items() if not s.get("profiles")}


def _reserves_gpu(service: dict[str, Any]) -> bool:
    devices = service.get("deploy", {}).get("resources", {}).get("reservations", {})
    return any("gpu" in d.get("capabilities", []) for d in devices.get("devices", []))


def test_compose_config_is_accepted(tmp_path: Path) -> None:
    config = _compose_config(tmp_path)
    services = _default_services(config)
    assert set(services) == SERVICES
    assert set(config["services"]) - set(services) <= PROFILED_SERVICES
    gpu_reservations = [name for name, service in services.items() if _reserves_gpu(service)]
    assert gpu_reservations == ["ai-worker-gpu"]
    for name in ["postgres", "redis", "backend-core", "llm-engine"]:
        assert "healthcheck" in services[name]


def test_llm_engine_is_private_and_keyed(tmp_path: Path) -> None:
    services = _default_services(_compose_config(tmp_path))
    engine = services["llm-engine"]
    assert not engine.get("ports"), "the engine must not be published on a host port"
    assert engine["command"] == ["--role", "engine"]
    assert engine["build"]["args"]["WITH_ENGINE"] == "1"
    assert engine["environment"]["LLM_ENGINE_API_KEY"] == "engine-check"
    assert "/health" in " ".join(engine["healthcheck"]["test"])
    cpu = services["ai-worker-cpu"]
    assert cpu["environment"]["LLM_BACKEND"] == "openai"
    assert cpu["environment"]["LLM_OPENAI_BASE_URL"] == "http://llm-engine:8001/v1"
    assert cpu["environment"]["LLM_OPENAI_API_KEY"] == "engine-check"
    assert cpu["depends_on"]["llm-engine"]["condition"] == "service_healthy"
    gpu = services["ai-worker-gpu"]["environment"]
    assert (gpu["LLM_BACKEND"], gpu["LLM_QUANTIZATION"], gpu["LLM_DEVICE"]) == (
        "transformers",
        "nf4",
        "cuda",
    )
    # The service-level environment must extend the shared one, not replace it.
    for service in (engine, cpu, services["ai-worker-gpu"]):
        assert service["environment"]["DATA_DIR"] == "/data"
        assert "DATABASE_URL" in service["environment"]


def test_vllm_profile_reserves_a_gpu(tmp_path: Path) -> None:
    config = _compose_config(tmp_path, "--profile", "vllm")
    vllm = config["services"]["vllm"]
    assert vllm.get("profiles") == ["vllm"]
    assert _reserves_gpu(vllm)
    assert not vllm.get("ports"), "vLLM must not be published on a host port"
    assert "--api-key" in vllm["command"]
    assert set(config["services"]) >= PROFILED_SERVICES


def test_every_setting_is_documented_in_env_example() -> None:
    from ai_worker._runtime.settings import WorkerSettings
    from interview_contracts.media import MediaSettings
    from interview_core.config import Settings

    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    fields = (
        set(Settings.model_fields)
        | set(WorkerSettings.model_fields)
        | set(MediaSettings.model_fields)
    )
    missing = {name.upper() for name in fields} - documented
    assert not missing, f"settings missing from .env.example: {sorted(missing)}"


def test_the_api_is_reached_only_through_nginx_which_alone_it_trusts(tmp_path: Path) -> None:
    config = _compose_config(tmp_path)
    services = _default_services(config)
    api = services["backend-core"]
    assert not api.get("ports"), "the API must not be published past nginx"
    assert [str(port) for port in api["expose"]] == ["8000"]
    nginx_address = services["frontend"]["networks"]["default"]["ipv4_address"]
    assert api["environment"]["FORWARDED_ALLOW_IPS"] == nginx_address
    subnet = config["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(nginx_address) in ipaddress.ip_network(subnet)
    nginx = (ROOT / "frontend" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx


def test_mail_goes_to_the_private_sink_unless_a_server_is_named(tmp_path: Path) -> None:
    services = _default_services(_compose_config(tmp_path))
    sink = services["mail-sink"]
    assert not sink.get("ports"), "the sink accepts any message: never publish it"
    assert "interview_core.mail.sink" in sink["command"]
    for name in ("backend-core", "core-worker", "scheduler"):
        environment = services[name]["environment"]
        assert (environment["SMTP_HOST"], str(environment["SMTP_PORT"])) == ("mail-sink", "8025")


def test_the_inference_workers_run_without_the_backend(tmp_path: Path) -> None:
    """The seam: the inference workers' image has no backend and their environment no
    database; the backend's roles (API, core worker, beat) run from the backend's image."""
    services = _default_services(_compose_config(tmp_path))
    for name in ("ai-worker-gpu", "ai-worker-cpu", "llm-engine"):
        assert services[name]["build"]["dockerfile"] == "ai-worker/Dockerfile", name
        assert not services[name]["environment"].get("DATABASE_URL"), name
    for name in ("backend-core", "core-worker", "scheduler"):
        assert services[name]["build"]["dockerfile"] == "backend-core/Dockerfile", name
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql"), name
    assert services["core-worker"]["command"][-2:] == ["--role", "core"]
    assert services["scheduler"]["command"][-2:] == ["--role", "beat"]


def test_redis_requires_a_password_and_every_client_sends_it(tmp_path: Path) -> None:
    services = _default_services(_compose_config(tmp_path))
    redis = services["redis"]
    assert "--requirepass" in " ".join(redis["command"])
    assert redis["environment"]["REDISCLI_AUTH"] == REDIS_PASSWORD
    urls = {
        f"{name}.{key}": value
        for name, service in services.items()
        for key, value in (service.get("environment") or {}).items()
        if isinstance(value, str) and value.startswith("redis://")
    }
    assert {"backend-core.REDIS_URL", "flower.CELERY_BROKER_URL"} <= set(urls)
    for where, url in urls.items():
        assert url.startswith(f"redis://:{REDIS_PASSWORD}@redis:"), where


def test_vllm_runs_no_code_from_the_model_repository(tmp_path: Path) -> None:
    vllm = _compose_config(tmp_path, "--profile", "vllm")["services"]["vllm"]
    assert "--trust-remote-code" not in vllm["command"]


def test_media_is_in_the_bucket_and_no_disk_is_shared(tmp_path: Path) -> None:
    services = _default_services(_compose_config(tmp_path))
    minio, init = services["minio"], services["minio-init"]
    assert not minio.get("ports"), "the object store must not be published on a host port"
    assert "healthcheck" in minio
    assert init["depends_on"]["minio"]["condition"] == "service_healthy"
    assert init["environment"]["S3_SECRET_ACCESS_KEY"] == S3_SECRET
    script = " ".join(init["command"])
    assert "mc mb --ignore-existing" in script and "mc admin policy attach" in script
    for name in ("backend-core", "ai-worker-cpu", "ai-worker-gpu", "scheduler"):
        environment = services[name]["environment"]
        assert environment["MEDIA_STORE"] == "s3", name
        assert environment["S3_ENDPOINT_URL"] == "http://minio:9000", name
        assert environment["S3_BUCKET"] == init["environment"]["S3_BUCKET"], name
        assert environment["S3_SECRET_ACCESS_KEY"] == S3_SECRET, name
    for name in ("backend-core", "ai-worker-cpu"):
        condition = services[name]["depends_on"]["minio-init"]["condition"]
        assert condition == "service_completed_successfully", name

    def volumes(name: str) -> set[str]:
        return {
            str(volume["source"] if isinstance(volume, dict) else volume).split(":")[0]
            for volume in services[name].get("volumes", [])
        }

    api = volumes("backend-core")
    for name in ("ai-worker-cpu", "ai-worker-gpu", "scheduler", "mail-sink"):
        assert not api & volumes(name), f"backend-core shares a volume with {name}"
