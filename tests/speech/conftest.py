"""Speech fixtures: the embedded engine loaded once, and espeak-ng recordings made once."""

from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from ai_worker.speech.engines import SpeechEngine, get_engine
from tests.speech.recordings import speak, wav_bytes, wav_samples

ANSWER = "I have five years of experience building web applications with Python and PostgreSQL."


@pytest.fixture(scope="session")
def embedded_engine() -> SpeechEngine:
    """The worker's default engine: faster-whisper on the packaged Whisper base, int8 on CPU."""
    return get_engine()


@pytest.fixture(scope="session")
def answer_wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return speak(ANSWER, tmp_path_factory.mktemp("speech") / "answer.wav")


@pytest.fixture(scope="session")
def paused_answer_wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Two sentences with 1.5 s of silence between them, for the pause statistics."""
    folder = tmp_path_factory.mktemp("speech")
    first, rate = wav_samples(speak("I designed the database schema.", folder / "first.wav"))
    second, _ = wav_samples(speak("Then I wrote the service layer.", folder / "second.wav"))
    gap = np.zeros(int(rate * 1.5), dtype=np.int16)
    return wav_bytes(np.concatenate([first, gap, second]), rate)


@pytest.fixture(scope="session")
def tiny_whisper_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised tiny multilingual Whisper in openai-whisper's checkpoint format.

    Random weights would babble until the text context is full and then retry at every
    fallback temperature, minutes on a CPU; so the final layer norm is pinned to the
    end-of-text embedding, with <|0.00|> next: every pass decodes <|0.00|> then ends, confidently
    enough that no fallback runs.
    """
    import torch
    from whisper.model import ModelDimensions, Whisper

    dims = ModelDimensions(
        n_mels=80,
        n_audio_ctx=1500,
        n_audio_state=64,
        n_audio_head=2,
        n_audio_layer=2,
        n_vocab=51865,
        n_text_ctx=448,
        n_text_state=64,
        n_text_head=2,
        n_text_layer=2,
    )
    torch.manual_seed(0)
    model = Whisper(dims)
    end_of_text, first_timestamp = 50257, 50364
    with torch.no_grad():
        # Whisper leaves this parameter uninitialised (torch.empty): it may hold NaN.
        model.decoder.positional_embedding.normal_(0, 0.01)
        direction = torch.nn.functional.normalize(torch.randn(dims.n_text_state), dim=0)
        model.decoder.ln.weight.zero_()
        model.decoder.ln.bias.copy_(direction)
        model.decoder.token_embedding.weight[end_of_text] = 30 * direction
        model.decoder.token_embedding.weight[first_timestamp] = 20 * direction
    path = tmp_path_factory.mktemp("tiny-whisper") / "tiny-random.pt"
    torch.save({"dims": asdict(dims), "model_state_dict": model.state_dict()}, path)
    return path
