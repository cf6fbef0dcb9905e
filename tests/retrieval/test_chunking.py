"""Chunking is pure text processing: sections from headings, bounded chunk sizes, overlap."""

import itertools

from interview_core.retrieval.chunking import MAX_WORDS, OVERLAP_WORDS, chunk_document


def test_headings_become_sections_and_bullets_stay_whole() -> None:
    text = (
        "Senior Engineer\n\nAbout the role\nWe build payment services. The team is small.\n\n"
        "Requirements:\n- Five years of Python\n- Kubernetes in production\n\n"
        "## Benefits\nTwenty days of leave."
    )
    chunks = chunk_document(text)
    assert [(c.section, c.text) for c in chunks] == [
        ("About the role", "We build payment services. The team is small."),
        ("Requirements", "Five years of Python\nKubernetes in production"),
        ("Benefits", "Twenty days of leave."),
    ]
    assert [c.ordinal for c in chunks] == [0, 1, 2]


def test_long_paragraphs_are_split_with_overlap() -> None:
    sentences = [f"Sentence number {i} says something about the work." for i in range(60)]
    chunks = chunk_document("Experience\n" + " ".join(sentences))
    assert len(chunks) > 3
    assert all(len(c.text.split()) <= MAX_WORDS for c in chunks)
    for previous, current in itertools.pairwise(chunks):
        tail = previous.text.split()[-OVERLAP_WORDS:]
        assert current.text.split()[:OVERLAP_WORDS] == tail
    # Every sentence survives chunking.
    joined = " ".join(c.text for c in chunks)
    assert all(s in joined for s in sentences)


def test_short_paragraphs_are_merged_up_to_the_target() -> None:
    paragraphs = ["one two three four five six seven eight nine ten." for _ in range(30)]
    chunks = chunk_document("\n\n".join(paragraphs))
    assert len(chunks) == 3
    assert all(80 <= len(c.text.split()) <= MAX_WORDS for c in chunks)
