"""Speech fixtures: the embedded engine loaded once, and espeak-ng recordings made once."""

from dataclasses import asdict
from pathlib import Path

import pytest

from ai_worker.speech.engines import SpeechEngine, get_engine
from tests.speech.recordings import speak

ANSWER = "I have five years of experience building web applications with Python and PostgreSQL."
# A 1.5 s break in the middle, for the pause statistics.
PAUSED_ANSWER = (
    "<speak>I designed the database schema.<break time=\"1500ms\"/>"
    "Then I wrote the service layer.</speak>"
)


@pytest.fixture(scope="session")
def embedded_engine() -> SpeechEngine:
    """The worker's default engine: faster-whisper on the packaged Whisper base, int8 on CPU."""
    return get_engine()


@pytest.fixture(scope="session")
def answer_wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return speak(ANSWER, tmp_path_factory.mktemp("speech") / "answer.wav")


@pytest.fixture(scope="session")
def paused_answer_wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return speak(PAUSED_ANSWER, tmp_path_factory.mktemp("speech") / "paused.wav", ssml=True)


@pytest.fixture(scope="session")
def tiny_whisper_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised tiny multilingual Whisper in openai-whisper's checkpoint format."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    dims = ModelDimensions(
        n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2, n_audio_layer=2,
        n_vocab=51865, n_text_ctx=448, n_text_state=64, n_text_head=2, n_text_layer=2,
    )
    torch.manual_seed(0)
    model = Whisper(dims)
    path = tmp_path_factory.mktemp("tiny-whisper") / "tiny-random.pt"
    torch.save({"dims": asdict(dims), "model_state_dict": model.state_dict()}, path)
    return path
