"""Decoding what browsers upload, and the typed errors for audio a person must record again."""

import numpy as np
import pytest

from ai_worker.speech.audio import SAMPLE_RATE, SpeechInputError, decode_audio
from ai_worker.speech.transcribe import transcribe_audio
from interview_contracts.speech import SpeechErrorCode
from tests.speech.recordings import encode, wav_bytes, wav_samples

LIMIT_BYTES = 25_000_000
LIMIT_S = 600.0


@pytest.mark.parametrize(
    ("container", "codec", "sniffed", "decoder"),
    [
        ("webm", "libopus", "matroska", "opus"),
        ("ogg", "libopus", "ogg", "opus"),
        ("mp4", "aac", "mp4", "aac"),
        ("mp3", "libmp3lame", "mp3", "mp3float"),
    ],
)
def test_browser_formats_decode_to_16khz_mono(
    answer_wav: bytes, container: str, codec: str, sniffed: str, decoder: str
) -> None:
    samples, rate = wav_samples(answer_wav)
    reference = decode_audio(answer_wav, LIMIT_BYTES, LIMIT_S)

    decoded = decode_audio(encode(samples, rate, container, codec), LIMIT_BYTES, LIMIT_S)

    assert (decoded.container, decoded.codec) == (sniffed, decoder)
    assert decoded.samples.dtype == np.float32
    assert decoded.duration_s == pytest.approx(reference.duration_s, abs=0.1)
    # Same loudness after a lossy round trip: the signal is the speech, not noise or silence.
    assert np.std(decoded.samples) == pytest.approx(np.std(reference.samples), rel=0.2)


def test_wav_is_resampled_to_16khz(answer_wav: bytes) -> None:
    samples, rate = wav_samples(answer_wav)
    decoded = decode_audio(answer_wav, LIMIT_BYTES, LIMIT_S)
    assert rate != SAMPLE_RATE
    assert decoded.samples.size == pytest.approx(samples.size * SAMPLE_RATE / rate, abs=400)
    assert decoded.duration_s == pytest.approx(samples.size / rate, abs=0.03)


def expect_error(data: bytes, code: SpeechErrorCode, **limits: float) -> SpeechInputError:
    with pytest.raises(SpeechInputError) as caught:
        decode_audio(
            data,
            int(limits.get("max_bytes", LIMIT_BYTES)),
            limits.get("max_duration_s", LIMIT_S),
        )
    assert caught.value.code is code
    assert caught.value.message
    return caught.value


def test_empty_upload() -> None:
    expect_error(b"", SpeechErrorCode.EMPTY_AUDIO)


def test_oversize_upload_is_rejected_before_decoding(answer_wav: bytes) -> None:
    error = expect_error(answer_wav, SpeechErrorCode.TOO_LARGE, max_bytes=len(answer_wav) - 1)
    assert str(len(answer_wav) - 1) in error.message


def test_oversize_upload_through_the_entry_point() -> None:
    # Over the default 25 MB STT_MAX_AUDIO_BYTES; rejected before any model is needed.
    with pytest.raises(SpeechInputError) as caught:
        transcribe_audio(b"RIFF" + bytes(26_000_000), "en")
    assert caught.value.code is SpeechErrorCode.TOO_LARGE


def test_too_long_recording(answer_wav: bytes) -> None:
    expect_error(answer_wav, SpeechErrorCode.TOO_LONG, max_duration_s=2.0)


def test_corrupt_webm(answer_wav: bytes) -> None:
    webm = bytearray(encode(*wav_samples(answer_wav), "webm", "libopus"))
    # Keep the EBML magic so the sniffer says webm, then scramble the rest.
    rng = np.random.default_rng(7)
    webm[8:] = rng.integers(0, 256, len(webm) - 8, dtype=np.uint8).tobytes()
    expect_error(bytes(webm), SpeechErrorCode.CORRUPT_AUDIO)


def test_truncated_mp4(answer_wav: bytes) -> None:
    mp4 = encode(*wav_samples(answer_wav), "mp4", "aac")
    expect_error(mp4[: len(mp4) // 2], SpeechErrorCode.CORRUPT_AUDIO)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(64),
        b"%PDF-1.7\n" + bytes(64),
        "안녕하세요, plain text".encode(),
    ],
    ids=["png", "pdf", "text"],
)
def test_wrong_type_is_unsupported(data: bytes) -> None:
    expect_error(data, SpeechErrorCode.UNSUPPORTED_FORMAT)


def test_silent_recording() -> None:
    silence = wav_bytes(np.zeros(SAMPLE_RATE * 3, dtype=np.int16), SAMPLE_RATE)
    expect_error(silence, SpeechErrorCode.SILENT_AUDIO)
