from pathlib import Path

from ai_worker.vision.settings import VisionSettings

ROOT = Path(__file__).resolve().parents[2]


def test_every_vision_setting_is_documented_in_env_example() -> None:
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    missing = {name.upper() for name in VisionSettings.model_fields} - documented
    assert not missing, f"vision settings missing from .env.example: {sorted(missing)}"
