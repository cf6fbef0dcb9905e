"""Split a job description or résumé into retrievable chunks: sections by heading, then
paragraph-aligned chunks of about 80-120 words with a short overlap when a paragraph is split.
"""

import re
from dataclasses import dataclass

TARGET_WORDS = 100
MAX_WORDS = 120
OVERLAP_WORDS = 20
# A heading is a short line without closing punctuation ("Requirements", "## Experience",
# "SKILLS:"); anything longer is a sentence.
MAX_HEADING_WORDS = 8

_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")


@dataclass(frozen=True)
class Chunk:
    section: str | None
    ordinal: int
    text: str


@dataclass
class _Section:
    heading: str | None
    paragraphs: list[str]


def _heading_of(line: str, starts_paragraph: bool) -> str | None:
    stripped = line.strip()
    if not stripped or _BULLET.match(stripped):
        return None
    if _MARKDOWN_HEADING.match(stripped):
        return _MARKDOWN_HEADING.sub("", stripped).strip() or None
    if stripped.endswith(":") and len(stripped.split()) <= MAX_HEADING_WORDS:
        return stripped.rstrip(":").strip()
    # A short line of its own without punctuation ("About the role", "EXPERIENCE").
    if (
        starts_paragraph
        and len(stripped.split()) <= MAX_HEADING_WORDS
        and not any(mark in stripped for mark in ".!?,;:")
    ):
        return stripped
    return None


def _sections(text: str) -> list[_Section]:
    sections = [_Section(None, [])]
    paragraph: list[str] = []

    def close_paragraph() -> None:
        if paragraph:
            sections[-1].paragraphs.append(" ".join(paragraph))
            paragraph.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        heading = _heading_of(line, starts_paragraph=not paragraph)
        if heading is not None:
            close_paragraph()
            sections.append(_Section(heading, []))
        elif not line.strip():
            close_paragraph()
        elif _BULLET.match(line):
            # Each bullet is its own paragraph so a chunk boundary never cuts one in half.
            close_paragraph()
            paragraph.append(_BULLET.sub("", line).strip())
            close_paragraph()
        else:
            paragraph.append(line.strip())
    close_paragraph()
    return [section for section in sections if section.paragraphs]


def _split_long(paragraph: str) -> list[str]:
    """Windows of whole sentences up to TARGET_WORDS, each starting with the previous tail."""
    sentences = [s for s in _SENTENCE_END.split(paragraph) if s.strip()]
    windows: list[list[str]] = [[]]
    for sentence in sentences:
        words = sentence.split()
        current = windows[-1]
        if current and len(current) + len(words) > TARGET_WORDS:
            windows.append(current[-OVERLAP_WORDS:])
            current = windows[-1]
        current.extend(words)
    # A single sentence longer than MAX_WORDS is cut by words.
    pieces: list[str] = []
    for window in windows:
        start = 0
        while start < len(window):
            pieces.append(" ".join(window[start : start + MAX_WORDS]))
            if start + MAX_WORDS >= len(window):
                break
            start += MAX_WORDS - OVERLAP_WORDS
    return pieces


def _chunk_section(section: _Section, first_ordinal: int) -> list[Chunk]:
    texts: list[str] = []
    pending: list[str] = []
    for paragraph in section.paragraphs:
        size = len(paragraph.split())
        if size > MAX_WORDS:
            if pending:
                texts.append("\n".join(pending))
                pending = []
            texts.extend(_split_long(paragraph))
            continue
        if sum(len(p.split()) for p in pending) + size > MAX_WORDS:
            texts.append("\n".join(pending))
            pending = []
        pending.append(paragraph)
        if sum(len(p.split()) for p in pending) >= TARGET_WORDS:
            texts.append("\n".join(pending))
            pending = []
    if pending:
        texts.append("\n".join(pending))
    return [
        Chunk(section.heading, first_ordinal + offset, text) for offset, text in enumerate(texts)
    ]


def chunk_document(text: str) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section in _sections(text):
        chunks.extend(_chunk_section(section, len(chunks)))
    return chunks
