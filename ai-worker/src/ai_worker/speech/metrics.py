"""Delivery metrics: rate and fillers from the words, pauses from the signal. Pure functions."""

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from interview_contracts.speech import Segment, SpeechMetrics, WordTiming

# A silence between the first and last word at least this long counts as a pause.
PAUSE_THRESHOLD_S = 0.5
_FRAME_S = 0.02
# A frame this far (-35 dB) below the loud frames of the answer is silence.
_SILENCE_BELOW_SPEECH = 10 ** (-35 / 20)

# Fillers that are never content words.
PURE_FILLERS: dict[str, frozenset[str]] = {
    "en": frozenset({"um", "uh"}),
    "ko": frozenset({"어", "음"}),
}
# Fillers that are also ordinary words ("I like Python", "그 사람"): counted only when a comma or
# ellipsis follows, which is how Whisper writes a hesitation ("like, ...", "그, 그 사람").
AMBIGUOUS_FILLERS: dict[str, frozenset[str]] = {
    "en": frozenset({"like", "you know"}),
    "ko": frozenset({"그", "저", "뭐"}),
}
# Spellings Whisper uses for the same hesitation.
_SPELLINGS = {"umm": "um", "ummm": "um", "uhm": "um", "uhh": "uh", "uhhh": "uh", "음음": "음"}
_HESITATION_MARKS = (",", "…", "...")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def normalise_word(raw: str) -> str:
    word = _EDGE_PUNCTUATION.sub("", raw.strip().lower())
    return _SPELLINGS.get(word, word)


def all_words(segments: Sequence[Segment]) -> list[WordTiming]:
    return [word for segment in segments for word in segment.words if normalise_word(word.word)]


def pauses(
    samples: npt.NDArray[np.float32], sample_rate: int, threshold_s: float = PAUSE_THRESHOLD_S
) -> list[float]:
    """Lengths of the silences inside `samples` (speech from first to last word).

    Measured on the signal because Whisper stretches a word across the silence that follows it.
    """
    frame = int(sample_rate * _FRAME_S)
    count = samples.size // frame
    if count == 0:
        return []
    rms = np.sqrt(np.mean(np.square(samples[: count * frame].reshape(count, frame)), axis=1))
    silent = rms < np.percentile(rms, 90) * _SILENCE_BELOW_SPEECH
    found: list[float] = []
    run = 0
    for is_silent in [*silent.tolist(), False]:
        if is_silent:
            run += 1
            continue
        if run * _FRAME_S >= threshold_s:
            found.append(round(run * _FRAME_S, 3))
        run = 0
    return found


def count_fillers(raw_words: Sequence[str], language: str) -> Counter[str]:
    pure = PURE_FILLERS.get(language, frozenset())
    ambiguous = AMBIGUOUS_FILLERS.get(language, frozenset())
    counts: Counter[str] = Counter()
    normalised = [normalise_word(word) for word in raw_words]
    for index, word in enumerate(normalised):
        if word in pure:
            counts[word] += 1
            continue
        for span in (1, 2):
            if index + span > len(normalised):
                break
            phrase = " ".join(normalised[index : index + span])
            if phrase in ambiguous and raw_words[index + span - 1].endswith(_HESITATION_MARKS):
                counts[phrase] += 1
    return counts


def without_fillers(text: str, language: str) -> str:
    """The text with its hesitations left out, by the same rule `count_fillers` counts them, so
    an evaluator reads the same words however hesitantly they were said."""
    pure = PURE_FILLERS.get(language, frozenset())
    ambiguous = AMBIGUOUS_FILLERS.get(language, frozenset())
    raw_words = text.split()
    normalised = [normalise_word(word) for word in raw_words]
    kept: list[str] = []
    index = 0
    while index < len(raw_words):
        span = 1 if normalised[index] in pure else 0
        for length in (2, 1):
            phrase = " ".join(normalised[index : index + length])
            last = raw_words[min(index + length, len(raw_words)) - 1]
            if not span and phrase in ambiguous and last.endswith(_HESITATION_MARKS):
                span = length
        if not span:
            kept.append(raw_words[index])
            index += 1
            continue
        # A filler that ended a sentence hands its full stop to the word before it.
        ending = raw_words[index + span - 1][-1]
        if ending in ".!?" and kept and kept[-1][-1] not in ".!?":
            kept[-1] += ending
        index += span
    return " ".join(kept)


def speech_metrics(
    segments: Sequence[Segment],
    samples: npt.NDArray[np.float32],
    sample_rate: int,
    language: str,
) -> SpeechMetrics:
    duration_s = samples.size / sample_rate
    words = all_words(segments)
    speech_duration_s = max(words[-1].end - words[0].start, 0.0) if words else 0.0
    # Rates are per minute of speaking, so a late start does not lower them.
    minutes = (speech_duration_s or duration_s) / 60
    speech = (
        samples[int(words[0].start * sample_rate) : int(words[-1].end * sample_rate)]
        if words
        else samples[:0]
    )
    found_pauses = pauses(speech, sample_rate)
    raw_words = (
        [word.word for word in words]
        if words
        else " ".join(segment.text for segment in segments).split()
    )
    fillers = count_fillers(raw_words, language)
    filler_count = sum(fillers.values())
    return SpeechMetrics(
        duration_s=round(duration_s, 3),
        speech_duration_s=round(speech_duration_s, 3),
        words=len(raw_words),
        words_per_minute=round(len(raw_words) / minutes, 1) if minutes else 0.0,
        pause_count=len(found_pauses),
        longest_pause_s=round(max(found_pauses, default=0.0), 3),
        filler_count=filler_count,
        fillers_per_minute=round(filler_count / minutes, 2) if minutes else 0.0,
        fillers=dict(fillers),
    )
