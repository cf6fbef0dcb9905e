"""Checks on model output: is it one question in the right language, and is a quote real?"""

import re
from difflib import SequenceMatcher

from interview_contracts.llm import Language

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[A-Za-z]")
_LABEL = re.compile(
    r"^\s*(?:\*\*)?(?:question|interviewer|q|질문|면접관)\s*\d*\s*[:\uff1a]\s*", re.I
)
_QUOTED_QUESTION = re.compile(r"[\"“]([^\"“”]{8,}\?)[\"”]")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
_ENGLISH_PROMPTS = ("tell", "describe", "walk", "explain", "share", "give", "talk")
_KOREAN_ENDINGS = ("?", "요.", "요", "까.", "오.")
_DUPLICATE_RATIO = 0.85
_LENGTH = {"en": (6, 45), "ko": (3, 40)}  # words
_MAX_CHARS = 300


def extract_question(raw: str) -> str:
    """The candidate question in a model reply: the first line that asks something."""
    lines = [_clean_line(line) for line in raw.splitlines()]
    lines = [line for line in lines if line]
    for line in lines:
        if "?" in line:
            return _question_sentence(line)
    return lines[0] if lines else ""


def _question_sentence(line: str) -> str:
    """A quoted question, else the first sentence that ends with '?', without preamble."""
    quoted = _QUOTED_QUESTION.search(line)
    if quoted:
        return quoted.group(1).strip()
    for sentence in _SENTENCE_BREAK.split(line):
        if sentence.rstrip().endswith("?"):
            return sentence.strip()
    return line


def _clean_line(line: str) -> str:
    line = _LABEL.sub("", line.strip().lstrip("-*#>0123456789. ").strip())
    return line.strip().strip("\"“”'*`").strip()


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def is_near_duplicate(text: str, earlier: list[str]) -> bool:
    candidate = _normalise(text)
    return any(
        SequenceMatcher(None, candidate, _normalise(other)).ratio() >= _DUPLICATE_RATIO
        for other in earlier
        if other.strip()
    )


def language_share(text: str, language: Language) -> float:
    """Share of the letters written in the language's script."""
    hangul, latin = len(_HANGUL.findall(text)), len(_LATIN.findall(text))
    letters = hangul + latin
    if not letters:
        return 0.0
    return (hangul if language == "ko" else latin) / letters


def question_problems(text: str, language: Language, earlier: list[str]) -> list[str]:
    """Why a question is unusable; empty when it is fine."""
    if not text:
        return ["empty output"]
    problems = []
    if language_share(text, language) < (0.6 if language == "ko" else 0.95):
        problems.append("not in Korean" if language == "ko" else "not in English")
    low, high = _LENGTH[language]
    words = len(text.split())
    if words < low or len(text) < 10:
        problems.append("too short")
    if words > high or len(text) > _MAX_CHARS:
        problems.append("too long")
    if text.count("?") > 1 or (text.count("?") == 1 and not text.rstrip().endswith("?")):
        problems.append("more than one sentence or question")
    asks = (
        text.endswith(_KOREAN_ENDINGS)
        if language == "ko"
        else text.endswith("?") or text.lower().startswith(_ENGLISH_PROMPTS)
    )
    if not asks:
        problems.append("not a question")
    if is_near_duplicate(text, earlier):
        problems.append("repeats an earlier question")
    return problems


def ground_quote(quote: str, answer: str) -> str | None:
    """The exact span of the answer a quote refers to, or None when the answer never says it.

    Models often change case or whitespace when quoting; the span returned is always the
    answer's own text, so evidence is never invented.
    """
    quote = quote.strip().strip("\"“”'").strip()
    if len(quote) < 3:
        return None
    if quote in answer:
        return quote
    words = [re.escape(word) for word in quote.split()]
    match = re.search(r"\s+".join(words), answer, flags=re.IGNORECASE)
    return match.group(0) if match else None
