"""Per-frame cost of video analysis on one CPU core: face detection, face mesh with iris,
the FER2013 expression model, and the whole analyze_frame with emotion on and off.

The process is pinned to a single core (MediaPipe's own threads included), so frames per
second is per core: a cpu_queue worker with N processes on N cores handles about N times that.

    python bench/vision.py [--iterations 100]
"""

import argparse
import io
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
FRAME = ROOT / "tests" / "fixtures" / "astronaut_face.jpg"
RESULTS = ROOT / "bench" / "results" / "vision.json"


def _time_ms(run: Callable[[], object], iterations: int, warmup: int = 5) -> dict[str, float]:
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    return {
        "median_ms": round(median, 2),
        "p90_ms": round(float(np.percentile(samples, 90)), 2),
        "frames_per_s_per_core": round(1000 / median, 1),
    }


def _load_s(load: Callable[[], object]) -> float:
    start = time.perf_counter()
    load()
    return round(time.perf_counter() - start, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100)
    args = parser.parse_args()

    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

    from ai_worker.vision import emotion, faces
    from ai_worker.vision.frames import analyze_frame, crop_face

    jpeg = FRAME.read_bytes()
    rgb = np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB"))

    load_s = {
        "face_detection": _load_s(lambda: faces.detect_faces(rgb)),
        "face_mesh": _load_s(lambda: faces.face_landmarks(rgb)),
        "emotion": _load_s(emotion.get_emotion_classifier),
    }
    classifier = emotion.get_emotion_classifier()
    assert classifier is not None, "set VISION_EMOTION_BACKEND to a backend to bench it"
    face_crop = crop_face(rgb, faces.detect_faces(rgb)[0])

    stages = {
        "decode_jpeg": lambda: np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")),
        "face_detection": lambda: faces.detect_faces(rgb),
        "face_mesh_with_iris": lambda: faces.face_landmarks(rgb),
        "emotion": lambda: classifier.classify(face_crop),
        "analyze_frame_emotion_on": lambda: analyze_frame(jpeg, 0.0, emotion_enabled=True),
        "analyze_frame_emotion_off": lambda: analyze_frame(jpeg, 0.0, emotion_enabled=False),
    }
    timings = {name: _time_ms(run, args.iterations) for name, run in stages.items()}

    result = {
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cores_available": os.cpu_count(),
            "pinned_to_core": core,
        },
        "frame": {
            "file": str(FRAME.relative_to(ROOT)),
            "width": rgb.shape[1],
            "height": rgb.shape[0],
        },
        "models": {
            "face_detection": faces.detection_model_id(),
            "face_mesh": faces.MESH_MODEL_ID,
            "emotion": classifier.model_id,
        },
        "iterations": args.iterations,
        "cold_load_s": load_s,
        "per_frame": timings,
    }
    print(f"vision on one core ({rgb.shape[1]}x{rgb.shape[0]} frame, {args.iterations} runs)")
    for name, timing in timings.items():
        print(
            f"  {name:28s} {timing['median_ms']:8.2f} ms median  {timing['p90_ms']:8.2f} ms p90"
            f"  {timing['frames_per_s_per_core']:7.1f} frames/s/core"
        )
    print(f"  cold loads (s): {load_s}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
