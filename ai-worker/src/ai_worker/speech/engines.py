"""The two Whisper engines behind one interface, and the process-wide engine loaded on first use."""

import os
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ai_worker._runtime import runtime
from ai_worker.speech.embedded import EMBEDDED_MODEL_ID, ensure_embedded_model
from ai_worker.speech.settings import EngineName, SpeechSettings, get_speech_settings
from interview_contracts.payloads import LoadedModel
from interview_contracts.speech import Segment, WordTiming

SLOT = "speech"


class SpeechEngine(Protocol):
    name: str
    model_id: str

    def transcribe(
        self, samples: npt.NDArray[np.float32], language: str | None
    ) -> tuple[list[Segment], str]:
        """Segments with word timings, and the language used (forced, or detected when None)."""
        ...


class FasterWhisperEngine:
    """CTranslate2 Whisper: int8 on CPU, float16 on CUDA."""

    name = EngineName.FASTER_WHISPER.value

    def __init__(
        self,
        model: str,
        model_id: str,
        device: str,
        compute_type: str,
        beam_size: int,
        download_root: Path,
    ) -> None:
        from faster_whisper import WhisperModel

        self.model_id = model_id
        self.beam_size = beam_size
        self._model: WhisperModel = WhisperModel(
            model, device=device, compute_type=compute_type, download_root=str(download_root)
        )

    def transcribe(
        self, samples: npt.NDArray[np.float32], language: str | None
    ) -> tuple[list[Segment], str]:
        pieces, info = self._model.transcribe(
            samples, language=language, beam_size=self.beam_size, word_timestamps=True
        )
        segments = [
            Segment(
                start=piece.start,
                end=piece.end,
                text=piece.text.strip(),
                words=[
                    WordTiming(
                        word=word.word.strip(),
                        start=word.start,
                        end=word.end,
                        probability=min(max(word.probability, 0.0), 1.0),
                    )
                    for word in piece.words or []
                ],
            )
            for piece in pieces
        ]
        return segments, info.language


class OpenAIWhisperEngine:
    """The reference PyTorch implementation, given decoded samples (its own loader needs ffmpeg)."""

    name = EngineName.OPENAI_WHISPER.value

    def __init__(
        self, checkpoint: str, model_id: str, device: str, beam_size: int, download_root: Path
    ) -> None:
        import whisper

        self.model_id = model_id
        self.beam_size = beam_size
        self._fp16 = device.startswith("cuda")
        self._model: whisper.Whisper = whisper.load_model(
            checkpoint, device=device, download_root=str(download_root)
        )

    def transcribe(
        self, samples: npt.NDArray[np.float32], language: str | None
    ) -> tuple[list[Segment], str]:
        result: dict[str, Any] = self._model.transcribe(
            samples,
            language=language,
            beam_size=self.beam_size,
            word_timestamps=True,
            fp16=self._fp16,
            verbose=None,
        )
        segments = [
            Segment(
                start=max(float(piece["start"]), 0.0),
                end=max(float(piece["end"]), 0.0),
                text=str(piece["text"]).strip(),
                words=[
                    WordTiming(
                        word=str(word["word"]).strip(),
                        start=max(float(word["start"]), 0.0),
                        end=max(float(word["end"]), 0.0),
                        probability=min(max(float(word["probability"]), 0.0), 1.0),
                    )
                    for word in piece.get("words", [])
                ],
            )
            for piece in result["segments"]
        ]
        return segments, str(result["language"])


def build_engine(settings: SpeechSettings) -> SpeechEngine:
    """A new engine for these settings; `get_engine` keeps the one the worker uses."""
    # Offline unless the operator allows downloads (HF_HUB_OFFLINE=0) for a non-embedded size.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    embedded = settings.stt_model == "embedded"
    model_id = EMBEDDED_MODEL_ID if embedded else settings.stt_model
    if settings.stt_engine is EngineName.FASTER_WHISPER:
        model = str(ensure_embedded_model(settings.cache_dir)) if embedded else settings.stt_model
        return FasterWhisperEngine(
            model,
            model_id,
            settings.stt_device,
            settings.compute_type,
            settings.stt_beam_size,
            settings.cache_dir,
        )
    if embedded:
        from ai_worker.speech.convert import ensure_openai_checkpoint

        checkpoint = str(ensure_openai_checkpoint(settings.cache_dir))
    else:
        checkpoint = settings.stt_model
    return OpenAIWhisperEngine(
        checkpoint, model_id, settings.stt_device, settings.stt_beam_size, settings.cache_dir
    )


_engine: SpeechEngine | None = None
_lock = threading.Lock()


def get_engine() -> SpeechEngine:
    global _engine
    if _engine is not None:
        return _engine
    with _lock:
        if _engine is None:
            settings = get_speech_settings()
            engine = build_engine(settings)
            runtime.record_loaded_model(
                LoadedModel(
                    slot=SLOT,
                    model_id=engine.model_id,
                    backend=engine.name,
                    device=settings.stt_device,
                    quantization=(
                        settings.compute_type
                        if settings.stt_engine is EngineName.FASTER_WHISPER
                        else None
                    ),
                )
            )
            _engine = engine
    return _engine
