"""Real transcription on the packaged Whisper base; the openai-whisper engine on its test model."""

import difflib
import itertools
import re
from pathlib import Path

import pytest
import whisper

from ai_worker._runtime import runtime
from ai_worker.speech.audio import SpeechInputError, decode_audio
from ai_worker.speech.engines import SLOT, SpeechEngine, build_engine
from ai_worker.speech.settings import EngineName, SpeechSettings
from ai_worker.speech.transcribe import transcribe_audio
from interview_contracts.speech import SpeechErrorCode, Transcript
from tests.speech.conftest import ANSWER
from tests.speech.recordings import encode, wav_samples

EXPECTED_WORDS = {"years", "experience", "web", "applications", "python"}


def words_of(transcript: Transcript) -> list[str]:
    return re.findall(r"[a-z0-9]+", transcript.text.lower())


@pytest.fixture(scope="session")
def wav_transcript(embedded_engine: SpeechEngine, answer_wav: bytes) -> Transcript:
    return transcribe_audio(answer_wav, None)


def test_english_speech_is_transcribed(wav_transcript: Transcript) -> None:
    assert set(words_of(wav_transcript)) >= EXPECTED_WORDS
    assert wav_transcript.language == "en"  # detected: no language was given
    assert (wav_transcript.engine, wav_transcript.model_id) == (
        "faster-whisper",
        "openai/whisper-base",
    )


def test_word_timings_and_metrics(wav_transcript: Transcript) -> None:
    words = [word for segment in wav_transcript.segments for word in segment.words]
    assert len(words) == wav_transcript.metrics.words >= 12
    assert all(word.start <= word.end for word in words)
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    metrics = wav_transcript.metrics
    assert words[-1].end <= metrics.duration_s + 0.1
    assert 0 < metrics.speech_duration_s <= metrics.duration_s
    # espeak-ng's default rate is 175 words per minute.
    assert 100 < metrics.words_per_minute < 260
    assert metrics.filler_count == 0


def test_webm_opus_transcribes_the_same(answer_wav: bytes, wav_transcript: Transcript) -> None:
    webm = encode(*wav_samples(answer_wav), "webm", "libopus")
    transcript = transcribe_audio(webm, None)
    assert set(words_of(transcript)) >= EXPECTED_WORDS
    assert transcript.language == "en"
    # Opus is lossy, and the two transcripts may each get a different word wrong ("5" against
    # "five"), so each is scored against what was spoken: the webm one may be a word worse.
    spoken = re.findall(r"[a-z0-9]+", ANSWER.lower())

    def accuracy(of: Transcript) -> float:
        return difflib.SequenceMatcher(None, words_of(of), spoken).ratio()

    # Parity with the WAV is the point; the floor only says both were understood (Whisper base
    # hears espeak's "PostgreSQL" as "Post-GerSQL" or "Post-QSQL" and "five" as "5").
    assert accuracy(transcript) >= max(0.7, accuracy(wav_transcript) - 0.1)


def test_language_is_forced_from_the_job(answer_wav: bytes) -> None:
    assert transcribe_audio(answer_wav, "ko-KR").language == "ko"


def test_pauses_are_measured(paused_answer_wav: bytes) -> None:
    metrics = transcribe_audio(paused_answer_wav, "en").metrics
    assert metrics.pause_count >= 1
    assert 1.0 <= metrics.longest_pause_s <= 2.5


def test_loaded_model_is_reported(embedded_engine: SpeechEngine) -> None:
    loaded = {model.slot: model for model in runtime.status("test").models}
    assert loaded[SLOT].model_id == "openai/whisper-base"
    assert (loaded[SLOT].backend, loaded[SLOT].quantization) == ("faster-whisper", "int8")


def test_openai_whisper_engine_runs_its_test_checkpoint(
    tiny_whisper_checkpoint: Path, answer_wav: bytes, tmp_path: Path
) -> None:
    settings = SpeechSettings(
        stt_engine=EngineName.OPENAI_WHISPER,
        stt_model=str(tiny_whisper_checkpoint),
        stt_cache_dir=tmp_path,
    )
    engine = build_engine(settings)
    audio = decode_audio(answer_wav, 25_000_000, 600)

    segments, language = engine.transcribe(audio.samples, "en")

    # The test checkpoint recognises no words; it proves the engine loads and decodes a path.
    assert (engine.name, language) == ("openai-whisper", "en")
    assert all(not segment.text for segment in segments)
    _, detected = engine.transcribe(audio.samples, None)
    assert detected in whisper.tokenizer.LANGUAGES
    with pytest.raises(SpeechInputError) as caught:
        transcribe_audio(answer_wav, "en", engine=engine)
    assert caught.value.code is SpeechErrorCode.NO_SPEECH
