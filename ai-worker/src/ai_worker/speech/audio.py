"""Decode uploads to 16 kHz mono float32 with PyAV (FFmpeg libraries in the wheel, no binary)."""

import io
from dataclasses import dataclass
from typing import NoReturn

import av
import numpy as np
import numpy.typing as npt

from interview_contracts.speech import SpeechErrorCode

SAMPLE_RATE = 16_000
# Below this RMS level (-60 dBFS) a recording is treated as silence: the microphone was muted.
SILENCE_RMS = 10 ** (-60 / 20)
# Resample in chunks so a long recording never holds two full-length copies in memory.
_FRAME_SAMPLES = 4096
# What a microphone records (browsers: mono or stereo at 48 kHz). Decoding cost grows with
# channels times rate, so a few kilobytes of silence in 255 channels at 384 kHz would keep a
# worker busy for its whole time limit; such streams are refused before decoding.
MAX_CHANNELS = 8
MAX_SAMPLE_RATE = 192_000


class SpeechInputError(Exception):
    """The uploaded audio cannot be transcribed; `code` says why, `message` says it to a person."""

    def __init__(self, code: SpeechErrorCode, message: str) -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class DecodedAudio:
    samples: npt.NDArray[np.float32]
    duration_s: float
    container: str
    codec: str


def sniff_container(data: bytes) -> str | None:
    """The FFmpeg demuxer for the magic number; the filename and MIME type are not trusted."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"\x1a\x45\xdf\xa3":  # EBML: WebM and Matroska
        return "matroska"
    if data[:4] == b"OggS":
        return "ogg"
    if data[4:8] == b"ftyp":
        return "mp4"
    if data[:4] == b"fLaC":
        return "flac"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def decode_audio(data: bytes, max_bytes: int, max_duration_s: float) -> DecodedAudio:
    """The first audio stream as 16 kHz mono float32 in [-1, 1]; raises SpeechInputError."""
    if not data:
        raise SpeechInputError(SpeechErrorCode.EMPTY_AUDIO, "The recording is empty.")
    if len(data) > max_bytes:
        raise SpeechInputError(
            SpeechErrorCode.TOO_LARGE,
            f"The recording is {len(data)} bytes; the limit is {max_bytes} bytes.",
        )
    container_format = sniff_container(data)
    if container_format is None:
        raise SpeechInputError(
            SpeechErrorCode.UNSUPPORTED_FORMAT,
            "The file is not a supported audio format (webm, ogg, mp4, wav, mp3, flac).",
        )
    try:
        samples, codec = _decode_stream(data, container_format, max_duration_s)
    except av.FFmpegError as error:
        raise SpeechInputError(
            SpeechErrorCode.CORRUPT_AUDIO, f"The {container_format} recording cannot be decoded."
        ) from error
    if samples.size == 0:
        raise SpeechInputError(SpeechErrorCode.EMPTY_AUDIO, "The recording holds no sound.")
    if float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) < SILENCE_RMS:
        raise SpeechInputError(
            SpeechErrorCode.SILENT_AUDIO, "The recording is silent; check the microphone."
        )
    return DecodedAudio(
        samples=samples,
        duration_s=samples.size / SAMPLE_RATE,
        container=container_format,
        codec=codec,
    )


def _decode_stream(
    data: bytes, container_format: str, max_duration_s: float
) -> tuple[npt.NDArray[np.float32], str]:
    max_samples = int(max_duration_s * SAMPLE_RATE)
    with av.open(io.BytesIO(data), mode="r", format=container_format) as container:
        if not container.streams.audio:
            raise SpeechInputError(
                SpeechErrorCode.UNSUPPORTED_FORMAT, "The file has no audio track."
            )
        stream = container.streams.audio[0]
        codec = stream.codec_context.name
        _refuse_before_decoding(container, stream, max_duration_s)
        resampler = av.AudioResampler(
            format="flt", layout="mono", rate=SAMPLE_RATE, frame_size=_FRAME_SAMPLES
        )
        chunks: list[npt.NDArray[np.float32]] = []
        decoded = 0
        for frame in container.decode(stream):
            for resampled in resampler.resample(frame):
                chunk = resampled.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                chunks.append(chunk)
                decoded += chunk.size
            # Stop early: a too-long recording is rejected without decoding all of it.
            if decoded > max_samples:
                _raise_too_long(max_duration_s)
        for resampled in resampler.resample(None):
            chunks.append(resampled.to_ndarray().reshape(-1).astype(np.float32, copy=False))
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    if samples.size > max_samples:
        _raise_too_long(max_duration_s)
    return samples, codec


def _refuse_before_decoding(
    container: av.container.InputContainer, stream: av.AudioStream, max_duration_s: float
) -> None:
    """Limits read from the headers; decoding still stops at the limit if they lie."""
    channels = stream.codec_context.channels
    rate = stream.codec_context.sample_rate
    if channels > MAX_CHANNELS or rate > MAX_SAMPLE_RATE:
        raise SpeechInputError(
            SpeechErrorCode.UNSUPPORTED_FORMAT,
            f"The recording has {channels} channels at {rate} Hz; at most {MAX_CHANNELS} "
            f"channels at {MAX_SAMPLE_RATE} Hz are accepted.",
        )
    # Containers that declare a duration (wav, mp4, most ogg) are refused without decoding.
    if container.duration is not None and container.duration / av.time_base > max_duration_s:
        _raise_too_long(max_duration_s)


def _raise_too_long(max_duration_s: float) -> NoReturn:
    raise SpeechInputError(
        SpeechErrorCode.TOO_LONG, f"The recording is longer than {max_duration_s:g} seconds."
    )
