"""Speech settings: every knob documented, and the defaults that run offline."""

from pathlib import Path

import pytest

from ai_worker.speech.embedded import ensure_embedded_model
from ai_worker.speech.settings import EngineName, SpeechSettings

ROOT = Path(__file__).resolve().parents[2]


def test_every_speech_setting_is_documented_in_env_example() -> None:
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert {name.upper() for name in SpeechSettings.model_fields} <= documented


def test_env_example_values_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STT_CACHE_DIR", "")
    monkeypatch.setenv("STT_DEVICE", "cuda")
    settings = SpeechSettings()
    assert settings.stt_cache_dir is None
    assert settings.cache_dir.name == "models"
    assert (settings.stt_engine, settings.compute_type) == (EngineName.FASTER_WHISPER, "float16")
    assert SpeechSettings().model_copy(update={"stt_device": "cpu"}).compute_type == "int8"


def test_embedded_model_is_joined_once(tmp_path: Path) -> None:
    model_dir = ensure_embedded_model(tmp_path)
    joined = (model_dir / "model.bin").stat()
    assert joined.st_size > 140_000_000
    assert {p.name for p in model_dir.iterdir()} >= {"model.bin", "config.json", "tokenizer.json"}
    assert ensure_embedded_model(tmp_path) == model_dir
    assert (model_dir / "model.bin").stat().st_mtime_ns == joined.st_mtime_ns
    # Nothing half-written is left next to it.
    assert [p.name for p in tmp_path.iterdir()] == [model_dir.name]
