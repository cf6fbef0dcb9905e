"""Delivery metrics from word timings: speaking rate, pauses and filler words. Pure functions."""

import re
from collections import Counter
from collections.abc import Sequence

from interview_contracts.speech import Segment, SpeechMetrics, WordTiming

# A gap between consecutive words at least this long counts as a pause.
PAUSE_THRESHOLD_S = 0.5

# Fillers that are never content words.
PURE_FILLERS: dict[str, frozenset[str]] = {
    "en": frozenset({"um", "uh"}),
    "ko": frozenset({"어", "음"}),
}
# Fillers that are also ordinary words ("I like Python", "그 사람"): counted only when set off
# by punctuation, which is how Whisper writes a hesitation.
AMBIGUOUS_FILLERS: dict[str, frozenset[str]] = {
    "en": frozenset({"like", "you know"}),
    "ko": frozenset({"그", "저", "뭐"}),
}
# Spellings Whisper uses for the same hesitation.
_SPELLINGS = {"umm": "um", "ummm": "um", "uhm": "um", "uhh": "uh", "uhhh": "uh", "음음": "음"}
_SET_OFF_PUNCTUATION = (",", "…", "...")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def normalise_word(raw: str) -> str:
    word = _EDGE_PUNCTUATION.sub("", raw.strip().lower())
    return _SPELLINGS.get(word, word)


def all_words(segments: Sequence[Segment]) -> list[WordTiming]:
    return [word for segment in segments for word in segment.words if normalise_word(word.word)]


def pauses(words: Sequence[WordTiming], threshold_s: float = PAUSE_THRESHOLD_S) -> list[float]:
    """Silences between consecutive words; leading and trailing silence is not a pause."""
    gaps = (following.start - current.end for current, following in zip(words, words[1:]))
    return [gap for gap in gaps if gap >= threshold_s]


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
            phrase = " ".join(normalised[index : index + span])
            if phrase in ambiguous and _set_off(raw_words, index, index + span - 1):
                counts[phrase] += 1
    return counts


def _set_off(raw_words: Sequence[str], first: int, last: int) -> bool:
    before = first > 0 and raw_words[first - 1].rstrip().endswith(_SET_OFF_PUNCTUATION)
    after = raw_words[last].rstrip().endswith(_SET_OFF_PUNCTUATION)
    return before or after


def speech_metrics(segments: Sequence[Segment], duration_s: float, language: str) -> SpeechMetrics:
    words = all_words(segments)
    speech_duration_s = max(words[-1].end - words[0].start, 0.0) if words else 0.0
    # Rates are per minute of speaking, so a late start does not lower them.
    minutes = (speech_duration_s or duration_s) / 60
    found_pauses = pauses(words)
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
