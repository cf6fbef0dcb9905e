"""The deterministic answer scorer: used when no LLM runs or its output stays invalid.

Per competency it combines how closely the answer's sentences match the competency or the
question that probed it (sentence embeddings), whether the answer has a situation/task/action/
result structure, its length, filler words and, when speech figures are given, pace and pauses.
Evidence is the answer's own sentences, so nothing is invented.
"""

import re
from dataclasses import dataclass

from ai_worker.embeddings import encoder
from interview_contracts.llm import (
    AnswerEvaluation,
    CompetencyScore,
    CompetencySpec,
    EvaluationRequest,
    SpeechFigures,
)

# Below this cosine similarity to both the question and every competency, an answer is off-topic.
OFF_TOPIC_SIMILARITY = 0.15
_EVIDENCE_SIMILARITY = 0.2
_SENTENCE = re.compile(r"[^.!?。\n]+[.!?。]?")
_STAR_MARKERS = {
    "situation": (
        "when i",
        "at my",
        "in my previous",
        "in my last",
        "our team",
        "the project",
        "상황",
        "당시",
        "프로젝트",
        "회사에서",
    ),
    "task": (
        "my role",
        "i was responsible",
        "goal",
        "needed to",
        "had to",
        "task",
        "역할",
        "목표",
        "담당",
        "해야",
    ),
    "action": (
        "i decided",
        "i built",
        "i led",
        "i organized",
        "i wrote",
        "i talked",
        "i created",
        "i implemented",
        "so i",
        "했습니다",
        "진행",
        "도입",
        "개선",
    ),
    "result": (
        "as a result",
        "result",
        "reduced",
        "increased",
        "improved",
        "learned",
        "%",
        "결과",
        "줄였",
        "늘었",
        "향상",
        "배웠",
    ),
}
_FILLERS = re.compile(
    r"\b(?:um+|uh+|erm|you know|kind of|sort of|basically|actually)\b"
    r"|(?:^|\s)(?:음+|어+|그+|뭐)(?=\s|$)",
    re.I,
)


@dataclass(frozen=True)
class _AnswerTraits:
    words: int
    star_parts: list[str]
    fillers_per_100_words: float


def _sentences(answer: str) -> list[str]:
    """Sentences as exact substrings of the answer."""
    return [m.group(0).strip() for m in _SENTENCE.finditer(answer) if len(m.group(0).strip()) >= 3]


def _traits(answer: str) -> _AnswerTraits:
    lowered = answer.lower()
    words = len(answer.split())
    star = [part for part, markers in _STAR_MARKERS.items() if any(m in lowered for m in markers)]
    fillers = len(_FILLERS.findall(answer))
    return _AnswerTraits(words, star, 100 * fillers / max(words, 1))


def _length_factor(words: int) -> float:
    if words < 15:
        return 0.2
    if words < 40:
        return 0.6
    return 1.0 if words <= 300 else 0.8


def _delivery_penalty(
    traits: _AnswerTraits, speech: SpeechFigures | None
) -> tuple[float, list[str]]:
    penalty, notes = 0.0, []
    if traits.fillers_per_100_words > 5:
        penalty += 0.5
        notes.append(f"{traits.fillers_per_100_words:.0f} filler words per 100 words")
    if speech is not None:
        if speech.fillers_per_minute is not None and speech.fillers_per_minute > 6:
            penalty += 0.3
            notes.append(f"{speech.fillers_per_minute:.0f} fillers per minute")
        if speech.words_per_minute is not None and not 100 <= speech.words_per_minute <= 180:
            penalty += 0.3
            notes.append(f"pace {speech.words_per_minute:.0f} words per minute")
        if speech.longest_pause_s is not None and speech.longest_pause_s > 6:
            penalty += 0.2
            notes.append(f"a {speech.longest_pause_s:.0f} s pause")
    return penalty, notes


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _competency_text(competency: CompetencySpec) -> str:
    return f"{competency.name}. {competency.description}".strip()


def low_scores(request: EvaluationRequest, reason: str) -> list[CompetencyScore]:
    return [
        CompetencyScore(competency=c.key, score=1, evidence=[], rationale=reason)
        for c in request.competencies
    ]


def answer_relevance(request: EvaluationRequest) -> float:
    """Highest similarity of the answer to the question or any competency."""
    texts = [request.answer, request.question, *map(_competency_text, request.competencies)]
    answer, *targets = encoder.encode(texts)
    return max(_dot(answer, target) for target in targets)


def score_deterministically(request: EvaluationRequest, attempts: int = 0) -> AnswerEvaluation:
    model_id = f"deterministic+{encoder.model_id()}"
    if not request.answer.strip():
        return AnswerEvaluation(
            scores=low_scores(request, "The answer is empty."),
            overall_note="No answer was given.",
            evaluator="deterministic",
            model_id=model_id,
            attempts=attempts,
        )
    # Small sentence encoders judge question/answer relevance poorly, so an answer that tells
    # of a situation, task, action or result is never dismissed as off-topic on similarity alone.
    if not _traits(request.answer).star_parts and answer_relevance(request) < OFF_TOPIC_SIMILARITY:
        reason = "The answer does not address the question or the competency (off-topic)."
        return AnswerEvaluation(
            scores=low_scores(request, reason),
            overall_note=reason,
            evaluator="deterministic",
            model_id=model_id,
            attempts=attempts,
        )
    sentences = _sentences(request.answer) or [request.answer.strip()]
    competency_vectors = encoder.encode([_competency_text(c) for c in request.competencies])
    question_vector, *sentence_vectors = encoder.encode([request.question, *sentences])
    # A sentence counts for a competency when it speaks to the competency or answers the
    # question asked about it: the stage's question is how the competency was probed.
    answers_question = [_dot(vector, question_vector) for vector in sentence_vectors]
    traits = _traits(request.answer)
    penalty, delivery_notes = _delivery_penalty(traits, request.speech)
    structure = len(traits.star_parts) / len(_STAR_MARKERS)
    length = _length_factor(traits.words)
    scores = []
    for competency, target in zip(request.competencies, competency_vectors, strict=True):
        ranked = sorted(
            (
                (max(_dot(vector, target), to_question), sentence)
                for vector, to_question, sentence in zip(
                    sentence_vectors, answers_question, sentences, strict=True
                )
            ),
            reverse=True,
        )
        coverage = min(1.0, max(0.0, (ranked[0][0] - 0.1) / 0.45))
        raw = 1 + 4 * (0.45 * coverage + 0.3 * structure + 0.25 * length) - penalty
        # The sentence the score rests on is always quoted (the rationale gives its relevance);
        # the runner-up only when it is clearly relevant too.
        evidence = [ranked[0][1]] + [
            sentence for similarity, sentence in ranked[1:2] if similarity >= _EVIDENCE_SIMILARITY
        ]
        parts = ", ".join(traits.star_parts) or "none"
        rationale = (
            f"Relevance to '{competency.name}' or its question {ranked[0][0]:.2f}; "
            f"structure parts found: {parts}; "
            f"{traits.words} words"
            + (f"; {'; '.join(delivery_notes)}" if delivery_notes else "")
            + "."
        )
        scores.append(
            CompetencyScore(
                competency=competency.key,
                score=round(min(5.0, max(1.0, raw))),
                evidence=evidence,
                rationale=rationale,
            )
        )
    note = (
        f"Scored without an LLM: {traits.words} words, structure parts: "
        f"{', '.join(traits.star_parts) or 'none'}."
    )
    return AnswerEvaluation(
        scores=scores,
        overall_note=note,
        evaluator="deterministic",
        model_id=model_id,
        attempts=attempts,
    )
