"""Test recordings: espeak-ng speech, re-encoded with PyAV into the formats browsers upload."""

import io
import shutil
import subprocess
import wave
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt


def speak(text: str, path: Path) -> bytes:
    """English speech from espeak-ng as WAV bytes (22.05 kHz mono)."""
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is missing: run scripts/install.sh --tests")
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), text], check=True)
    return path.read_bytes()


def wav_samples(data: bytes) -> tuple[npt.NDArray[np.int16], int]:
    with wave.open(io.BytesIO(data)) as reader:
        frames = reader.readframes(reader.getnframes())
        return np.frombuffer(frames, dtype=np.int16), reader.getframerate()


def wav_bytes(samples: npt.NDArray[np.int16], rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.tobytes())
    return buffer.getvalue()


def encode(samples: npt.NDArray[np.int16], rate: int, container: str, codec: str) -> bytes:
    """Mono 16-bit samples encoded with PyAV, as a browser's MediaRecorder would upload them."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container) as output:
        stream = output.add_stream(codec, rate=48_000 if "opus" in codec else 44_100)
        assert isinstance(stream, av.AudioStream)
        stream.layout = "mono"
        resampler = av.AudioResampler(
            format=stream.codec_context.format,
            layout="mono",
            rate=stream.rate,
            frame_size=stream.codec_context.frame_size or None,
        )
        source = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        source.sample_rate = rate
        for frame in [*resampler.resample(source), *resampler.resample(None)]:
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return buffer.getvalue()
