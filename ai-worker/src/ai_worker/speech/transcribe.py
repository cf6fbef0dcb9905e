"""The one entry point: uploaded audio bytes in, a transcript with delivery metrics out."""

import time

from ai_worker.speech.audio import SAMPLE_RATE, SpeechInputError, decode_audio
from ai_worker.speech.engines import SpeechEngine, get_engine
from ai_worker.speech.metrics import speech_metrics
from ai_worker.speech.settings import get_speech_settings
from interview_contracts.speech import SpeechErrorCode, Transcript


def whisper_language(language: str | None) -> str | None:
    """Whisper's code for a job language ("ko", "en-US" -> "en"); None lets Whisper detect it."""
    if not language:
        return None
    return language.split("-")[0].split("_")[0].lower()


def transcribe_audio(
    data: bytes, language: str | None, engine: SpeechEngine | None = None
) -> Transcript:
    """Transcribe a recorded answer; raises SpeechInputError for audio a person must redo."""
    settings = get_speech_settings()
    audio = decode_audio(data, settings.stt_max_audio_bytes, settings.stt_max_duration_s)
    engine = engine or get_engine()
    started = time.perf_counter()
    segments, detected_language = engine.transcribe(audio.samples, whisper_language(language))
    processing_s = time.perf_counter() - started
    text = " ".join(segment.text for segment in segments if segment.text).strip()
    if not text:
        raise SpeechInputError(SpeechErrorCode.NO_SPEECH, "No speech was recognised.")
    return Transcript(
        text=text,
        language=detected_language,
        segments=segments,
        metrics=speech_metrics(segments, audio.samples, SAMPLE_RATE, detected_language),
        engine=engine.name,
        model_id=engine.model_id,
        processing_s=round(processing_s, 3),
    )
