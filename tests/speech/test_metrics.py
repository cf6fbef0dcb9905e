"""Speaking rate, pauses and fillers from word timings (pure functions, built transcripts)."""

import numpy as np
import numpy.typing as npt
import pytest

from ai_worker.speech.metrics import count_fillers, pauses, speech_metrics
from interview_contracts.speech import Segment, WordTiming


def timed(*words: tuple[str, float, float]) -> list[Segment]:
    timings = [WordTiming(word=w, start=s, end=e, probability=0.9) for w, s, e in words]
    return [
        Segment(
            start=timings[0].start,
            end=timings[-1].end,
            text=" ".join(w for w, _, _ in words),
            words=timings,
        )
    ]


RATE = 16_000


def signal(*spans: tuple[float, float], duration_s: float) -> npt.NDArray[np.float32]:
    """Quiet noise with loud noise over the given (start, end) spans."""
    rng = np.random.default_rng(0)
    samples = rng.normal(0, 0.0005, int(duration_s * RATE)).astype(np.float32)
    for start, end in spans:
        first, last = int(start * RATE), int(end * RATE)
        samples[first:last] += rng.normal(0, 0.2, last - first).astype(np.float32)
    return samples


def test_rate_pauses_and_fillers() -> None:
    samples = signal((1.0, 2.2), (3.4, 3.8), (4.5, 5.0), duration_s=6.0)
    segments = timed(
        ("Um,", 1.0, 1.3),
        ("I", 1.4, 1.5),
        ("built", 1.5, 1.9),
        ("it.", 1.9, 2.2),
        ("Then", 3.4, 3.6),
        ("uh", 3.6, 3.8),
        ("I", 4.5, 4.6),
        ("tested", 4.6, 5.0),
    )
    metrics = speech_metrics(segments, samples, RATE, "en")
    assert metrics.words == 8
    assert metrics.speech_duration_s == pytest.approx(4.0)
    assert metrics.words_per_minute == pytest.approx(120.0)
    assert metrics.pause_count == 2
    assert metrics.longest_pause_s == pytest.approx(1.2, abs=0.04)
    assert metrics.fillers == {"um": 1, "uh": 1}
    assert metrics.fillers_per_minute == pytest.approx(30.0)


def test_leading_and_trailing_silence_is_not_a_pause() -> None:
    samples = signal((2.0, 3.0), duration_s=5.0)
    segments = timed(("Hello", 2.0, 2.4), ("there", 2.5, 3.0))
    assert speech_metrics(segments, samples, RATE, "en").pause_count == 0


def test_short_gaps_are_not_pauses() -> None:
    assert pauses(signal((0, 1.0), (1.3, 2.0), duration_s=2.0), RATE) == []


def test_ambiguous_english_fillers_count_only_when_set_off() -> None:
    raw = [
        "I",
        "like",
        "Python,",
        "and,",
        "like,",
        "you",
        "know,",
        "it",
        "is",
        "what",
        "you",
        "know",
        "best",
    ]
    assert count_fillers(raw, "en") == {"like": 1, "you know": 1}


def test_korean_fillers() -> None:
    raw = ["어", "음...", "그,", "그", "프로젝트에서", "뭐,", "저는", "백엔드를", "맡았습니다"]
    assert count_fillers(raw, "ko") == {"어": 1, "음": 1, "그": 1, "뭐": 1}


def test_other_languages_have_no_filler_list() -> None:
    assert count_fillers(["um", "euh"], "fr") == {}


def test_no_words() -> None:
    metrics = speech_metrics([], signal(duration_s=3.0), RATE, "en")
    assert (metrics.words, metrics.words_per_minute, metrics.pause_count) == (0, 0.0, 0)


def test_filler_at_the_end_counts_once() -> None:
    assert count_fillers(["so", "like,"], "en") == {"like": 1}
